"""Flagging content; the moderation queues of a space, their bulk actions and blocking."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from decide.core.errors import DomainError, NotFoundError
from decide.core.forms import attach_error
from decide.core.pagination import page_number
from decide.core.permissions import can, requires
from decide.core.ratelimit import rate_limited
from decide.core.targets import get_target, target_url
from decide.moderation import queries, services
from decide.moderation.forms import FLAG_REASON_LABELS, BlockForm, BulkForm, FlagForm

bp = Blueprint("moderation", __name__)


@bp.route("/<space:space>/flag/<target_type>/<int:target_id>", methods=["GET", "POST"])
@login_required
@rate_limited("RATELIMIT_COMMENT", per_user=True)
def flag(target_type: str, target_id: int) -> Any:
    target = get_target(target_type, target_id, g.space)
    if target.is_hidden or getattr(target, "is_deleted", False):
        abort(404)
    back = target_url(target)
    if not can(current_user, "moderation.flag", g.space, target):
        abort(403)
    if services.already_flagged(current_user, target_type, target_id):
        flash(_("You have already flagged this. Moderators will review it."), "info")
        return redirect(back, 303)
    form = FlagForm()
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("moderation/flag.html", form=form, target=target,
                               back=back), status
    try:
        services.flag(current_user, g.space, target_type, target_id, form.reason.data,
                      form.note.data)
    except DomainError as error:
        form.reason.errors = [error.message]
        return render_template("moderation/flag.html", form=form, target=target,
                               back=back), error.status
    flash(_("Thank you. Moderators will review it."), "success")
    return redirect(back, 303)


# --- single items, from their own pages ---------------------------------------------------

@bp.route("/<space:space>/moderation/<target_type>/<int:target_id>/hide", methods=["POST"])
@login_required
def hide(target_type: str, target_id: int) -> Any:
    target = services.hide(current_user, g.space, target_type, target_id)
    flash(_("Hidden. Moderators can still see it and restore it."), "success")
    return redirect(target_url(target), 303)


@bp.route("/<space:space>/moderation/<target_type>/<int:target_id>/restore", methods=["POST"])
@login_required
def restore(target_type: str, target_id: int) -> Any:
    target = services.restore(current_user, g.space, target_type, target_id)
    flash(_("Restored: everyone can see it again."), "success")
    return redirect(target_url(target), 303)


@bp.route("/<space:space>/moderation/<target_type>/<int:target_id>")
@requires("moderate")
def open_item(target_type: str, target_id: int) -> Any:
    """The item's own page (queue pages link here: finding a comment's page costs a query,
    paid once when followed rather than for every row of the queue)."""
    queue = _queue_or_404(target_type)
    return redirect(target_url(get_target(queue.name, target_id, g.space)))


@bp.route("/<space:space>/moderation/mine")
@login_required
def mine() -> Any:
    """What moderators hid of the reader's content in this space, and why (in the reader's
    language): where an author's "content hidden" notification should lead."""
    page = queries.hidden_for_author(g.space, current_user.id, page_number())
    return render_template("moderation/mine.html", page=page, reason_text=services.reason_text,
                           item_heading=services.item_heading,
                           labels={q.name: q.label for q in queries.all_hideable()})


# --- queues -------------------------------------------------------------------------------

def _queue_or_404(target_type: str) -> queries.QueueTarget:
    queue = queries.queue_target(g.space, target_type)
    if queue is None:
        raise NotFoundError()
    return queue


def _choice(name: str, choices: dict[str, Any], default: str) -> str:
    value = request.args.get(name, default)
    if value not in choices:
        abort(400)
    return value


def _queue_args() -> dict[str, Any]:
    return {"status": _choice("status", queries.STATUSES, "pending"),
            "order": _choice("order", queries.ORDERS, "flags")}


def render_queue(queue: queries.QueueTarget, form: BulkForm, status_code: int = 200) -> Any:
    args = _queue_args()
    page = queries.queue_page(g.space, queue, args["status"], args["order"], page_number())
    tabs = queries.queue_targets(g.space)
    return render_template(
        "moderation/queue.html", queue=queue, tabs=tabs,
        pending=queries.pending_counts(g.space, tabs), page=page, form=form,
        statuses=queries.STATUSES, orders=queries.ORDERS, reason_labels=FLAG_REASON_LABELS,
        item_heading=services.item_heading, **args), status_code


@bp.route("/<space:space>/moderation/", defaults={"target_type": None})
@bp.route("/<space:space>/moderation/<target_type>/")
@requires("moderate")
def queue(target_type: str | None) -> Any:
    if target_type is None:
        # The first kind with items waiting, else the first kind.
        tabs = queries.queue_targets(g.space)
        if not tabs:
            raise NotFoundError()
        pending = queries.pending_counts(g.space, tabs)
        target_type = next((t.name for t in tabs if pending[t.name]), tabs[0].name)
    return render_queue(_queue_or_404(target_type), BulkForm(formdata=None))


def _back_to_queue(queue: queries.QueueTarget) -> Any:
    args = {key: request.args[key] for key in ("status", "order", "page") if key in request.args}
    return redirect(url_for("moderation.queue", target_type=queue.name, **args), 303)


@bp.route("/<space:space>/moderation/<target_type>/bulk", methods=["POST"])
@requires("moderate")
def bulk(target_type: str) -> Any:
    queue = _queue_or_404(target_type)
    _queue_args()  # a malformed filter is refused before anything changes
    form = BulkForm()
    if not form.validate_on_submit():
        return render_queue(queue, form, 400)
    ids, action = form.ids.data or [], form.action.data
    try:
        if action == "block":
            authors = services.block_candidates(current_user, g.space, queue.name, ids)
            return _block_page(queue, authors, BlockForm(
                formdata=None, user_ids=[a.id for a in authors], note=form.note.data))
        message = _apply(queue, action, ids, form.note.data)
    except NotFoundError:
        raise
    except DomainError as error:
        attach_error(form, error)
        return render_queue(queue, form, error.status)
    flash(message, "success")
    return _back_to_queue(queue)


def _apply(queue: queries.QueueTarget, action: str, ids: list[int], note: str | None) -> str:
    """Run a bulk action; returns what to tell the moderator."""
    if action == "hide":
        count = len(services.hide_items(current_user, g.space, queue.name, ids, note))
        return ngettext("%(num)d item hidden; its author has been told why.",
                        "%(num)d items hidden; their authors have been told why.", count)
    if action == "ignore":
        count = services.ignore_flags(current_user, g.space, queue.name, ids)
        return ngettext("%(num)d flag ignored.", "%(num)d flags ignored.", count)
    if action == "restore":
        count = len(services.restore_items(current_user, g.space, queue.name, ids))
        return ngettext("%(num)d item restored: everyone can see it again.",
                        "%(num)d items restored: everyone can see them again.", count)
    count = services.confirm_items(current_user, g.space, queue.name, ids)
    return ngettext("%(num)d hiding confirmed.", "%(num)d hidings confirmed.", count)


# --- blocking -----------------------------------------------------------------------------

def _block_page(queue: queries.QueueTarget, authors: list[Any], form: BlockForm,
                status_code: int = 200) -> Any:
    labels = {q.name: q.label for q in queries.all_hideable()}
    rows = [{"user": author, "problem": services.block_problem(current_user, author),
             "blocked": queries.is_blocked(author.id),
             "content": queries.content_counts(author.id)} for author in authors]
    return render_template("moderation/block.html", queue=queue, rows=rows, form=form,
                           labels=labels,
                           any_blockable=any(not r["problem"] and not r["blocked"]
                                             for r in rows)), status_code


@bp.route("/<space:space>/moderation/<target_type>/block", methods=["POST"])
@requires("moderate")
def block(target_type: str) -> Any:
    """The confirmation page's button: block the listed authors."""
    queue = _queue_or_404(target_type)
    form = BlockForm()
    if not form.validate_on_submit():
        return _block_page(queue, [], form, 400)
    user_ids = form.user_ids.data or []
    try:
        blocked = services.block_authors(current_user, g.space, user_ids, form.note.data)
    except NotFoundError:
        raise
    except DomainError as error:
        attach_error(form, error)
        authors = queries.users_by_id(user_ids)
        return _block_page(queue, authors, form, error.status)
    flash(ngettext("%(num)d account blocked: its content is hidden and it can no longer sign "
                   "in.", "%(num)d accounts blocked: their content is hidden and they can no "
                   "longer sign in.", len(blocked)), "success")
    return _back_to_queue(queue)
