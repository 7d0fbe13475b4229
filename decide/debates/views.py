"""Debate pages: list, start, show, edit, history, vote, feature."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from decide.cities.forms import with_districts
from decide.comments import queries as comment_queries
from decide.comments.forms import CommentForm, build_comment_form
from decide.core.errors import DomainError
from decide.core.forms import attach_error
from decide.core.fragments import wants_fragment
from decide.core.i18n import current_locale
from decide.core.modules import ActivityItem
from decide.core.pagination import page_number
from decide.core.permissions import can, is_visible
from decide.core.ratelimit import rate_limited
from decide.debates import queries, services
from decide.debates.forms import DebateForm
from decide.debates.models import Debate
from decide.history.queries import revisions_of
from decide.listings.queries import UnknownFilter
from decide.tags.queries import popular_tags

bp = Blueprint("debates", __name__)


@bp.before_request
def require_module() -> None:
    if g.get("space") is None or not g.space.has_module("debates"):
        abort(404)


def debate_url(debate: Debate) -> str:
    return url_for("debates.show", space=debate.space, debate_id=debate.id)


def _debate_or_404(debate_id: int) -> Debate:
    debate = queries.debate_for_page(g.space, debate_id)
    # Hidden debates exist only for the space's moderators, who may restore them.
    if debate is None or not is_visible(current_user, debate, g.space):
        abort(404)
    return debate



@bp.route("/<space:space>/debates/")
def index() -> Any:
    try:
        filters = queries.LISTING.filters_from(g.space, request.args)
    except UnknownFilter as unknown:
        return render_template("debates/unknown_filter.html",
                               **{unknown.kind: unknown.value}), 404
    page = queries.LISTING.page(queries.debate_list(g.space, filters), page_number())
    featured = queries.featured(g.space) if page.page == 1 and not filters.is_filtered else []
    return render_template(
        "debates/index.html", page=page, filters=filters, listing=queries.LISTING,
        tags=popular_tags(g.space),
        featured=featured,
        geozones=list(g.space.geozones) if g.space.is_city else [],
        can_start=can(current_user, "debates.start", g.space))


@bp.route("/<space:space>/debates/new", methods=["GET", "POST"])
@login_required
@rate_limited("RATELIMIT_DEBATE", per_user=True)
def new() -> Any:
    form = with_districts(DebateForm(), g.space)
    if not can(current_user, "debates.start", g.space):
        abort(403)
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("debates/form.html", form=form, debate=None), status
    try:
        debate = services.start_debate(
            current_user, g.space, title=form.title.data, description=form.description.data,
            tags=form.tags.data or "", geozone_slug=form.geozone.data or None,
            locale=current_locale())
    except DomainError as error:
        attach_error(form, error)
        return render_template("debates/form.html", form=form, debate=None), error.status
    flash(_("Your debate is published."), "success")
    return redirect(url_for("debates.show", debate_id=debate.id))


@bp.errorhandler(429)
def posting_too_fast(error: Exception) -> Any:
    """A posting flood: say so in the reader's language and keep what they typed."""
    message = _("You are posting too fast. Please wait a few minutes and try again.")
    if request.endpoint == "debates.new":
        form = with_districts(DebateForm(), g.space)
        form.title.errors = [message]
        return render_template("debates/form.html", form=form, debate=None), 429
    from decide.core.errors import render_error

    return render_error(429, message)



def render_debate(debate: Debate, comment_form: CommentForm | None = None,
                  status: int = 200, viewer: queries.ViewerState | None = None
                  ) -> tuple[str, int]:
    """The debate page; also used to show a comment form's errors with what was typed.
    `viewer` is the reader's state when the debate was loaded with it (`debate_page`)."""
    order = request.args.get("order", "top")
    if order not in comment_queries.ORDERS:
        abort(400)
    if viewer is None:
        viewer = queries.viewer_state(debate, current_user)
    # One statement: the threads, their authors and the reader's votes (see comment_page).
    comments = comment_queries.comment_page(g.space, "debate", debate.id, order, page_number())
    shown = comment_queries.flatten(comments.items)
    participants, members = (queries.participant_cities(debate, g.space)
                             if g.space.is_alliance else ([], set()))
    if comment_form is None:
        comment_form = build_comment_form(g.space, current_user)
    return render_template(
        "debates/show.html", debate=debate, comments=comments, comment_order=order,
        comment_votes=comment_queries.votes_by(current_user, shown),
        comment_form=comment_form,
        my_vote=viewer.my_vote,
        can_edit=can(current_user, "debates.edit", g.space, debate),
        can_vote=can(current_user, "debates.vote", g.space, debate),
        can_feature=can(current_user, "debates.feature", g.space),
        flagged=viewer.flagged,
        participants=participants,
        member_ids=members,
    ), status


@bp.route("/<space:space>/debates/<int:debate_id>")
def show(debate_id: int) -> Any:
    found = queries.debate_page(g.space, debate_id, current_user)
    # Hidden debates exist only for the space's moderators, who may restore them.
    if found is None or not is_visible(current_user, found[0], g.space):
        abort(404)
    return render_debate(found[0], viewer=found[1])


@bp.route("/<space:space>/debates/<int:debate_id>/edit", methods=["GET", "POST"])
@login_required
def edit(debate_id: int) -> Any:
    debate = _debate_or_404(debate_id)
    if debate.author_id != current_user.id:
        abort(403)
    if not can(current_user, "debates.edit", g.space, debate):
        flash(_("This debate can no longer be edited: it has more votes than %(n)d.",
                n=g.space.setting("debate_edit_vote_limit")), "error")
        return redirect(url_for("debates.show", debate_id=debate.id)), 303
    form = with_districts(DebateForm(), g.space)
    if request.method == "GET":
        form.title.data, form.description.data = debate.title, debate.description
        form.tags.data = ", ".join(t.name for t in debate.tags)
        form.geozone.data = debate.geozone.slug if debate.geozone else ""
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("debates/form.html", form=form, debate=debate), status
    try:
        services.edit_debate(current_user, debate, title=form.title.data,
                             description=form.description.data, tags=form.tags.data or "",
                             geozone_slug=form.geozone.data or None)
    except DomainError as error:
        attach_error(form, error)
        return render_template("debates/form.html", form=form, debate=debate), error.status
    flash(_("Your changes are saved."), "success")
    return redirect(url_for("debates.show", debate_id=debate.id))


@bp.route("/<space:space>/debates/<int:debate_id>/history")
def history(debate_id: int) -> Any:
    debate = _debate_or_404(debate_id)
    return render_template("history/index.html", item_title=debate.title,
                           back_url=debate_url(debate), revisions=revisions_of(debate))


@bp.route("/<space:space>/debates/<int:debate_id>/vote", methods=["POST"])
@login_required
@rate_limited("RATELIMIT_VOTE", per_user=True)
def vote(debate_id: int) -> Any:
    # The service finds the debate (404 when it is not this space's or hidden): loading the
    # page's debate here first was a fifth of a vote's time.
    value = request.form.get("value")
    if value not in ("agree", "disagree"):
        _debate_or_404(debate_id)  # another space's debate is a 404 whatever the form says
        abort(400)
    # Built before the write: the commit expires the space, and reloading it cost a query.
    back = url_for("debates.show", debate_id=debate_id) + "#votes"
    try:
        debate = services.vote(current_user, g.space, debate_id, agree=value == "agree")
        message, status = None, 200
    except DomainError as error:
        if error.status == 404:
            abort(404)
        debate = _debate_or_404(debate_id)
        message, status = error.message, error.status
    if wants_fragment():
        return render_template("debates/_votes.html", debate=debate,
                               my_vote=queries.user_vote(debate, current_user),
                               can_vote=can(current_user, "debates.vote", g.space, debate),
                               vote_error=message), status
    if message:
        flash(message, "error")
        return render_debate(debate, status=status)
    return redirect(back, 303)


@bp.route("/<space:space>/debates/<int:debate_id>/feature", methods=["POST"])
@login_required
def feature(debate_id: int) -> Any:
    debate = _debate_or_404(debate_id)
    try:
        services.set_featured(current_user, debate, request.form.get("featured") == "1")
    except DomainError as error:
        abort(error.status)
    return redirect(url_for("debates.show", debate_id=debate_id), 303)


def debate_activity(user: Any, limit: int) -> list[ActivityItem]:
    """The person's debates and comments on debates, for the profile page."""
    return [ActivityItem(kind, title, url_for("debates.show", space=space, debate_id=debate_id)
                         + (f"#comment-{comment_id}" if comment_id else ""),
                         space.name, created_at, space.timezone,
                         _("Started a debate") if kind == "debate" else _("Commented on"))
            for kind, title, space, debate_id, comment_id, created_at
            in queries.activity_of(user, limit)]
