"""Comment routes, shared by every commentable module."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf

from decide.cities.models import Space
from decide.comments import permissions, queries, services
from decide.comments.forms import CommentForm, build_comment_form
from decide.comments.models import Comment
from decide.core.converters import id_or_none, parse_id
from decide.core.db import get_in_space
from decide.core.errors import DomainError
from decide.core.fragments import wants_fragment
from decide.core.permissions import can
from decide.core.ratelimit import rate_limited
from decide.core.targets import get_target, target_for, target_url
from decide.extensions import db

bp = Blueprint("comments", __name__)

def comment_url(comment: Comment) -> str:
    """The comment's place on its target's page (works outside the space too: e-mails,
    the notification centre)."""
    space = db.session.get(Space, comment.space_id)
    target = get_target(comment.target_type, comment.target_id, space)
    return f"{target_url(target)}#comment-{comment.id}"


bp.add_app_template_global(permissions.can_edit_as_current, "can_edit_comment")
bp.add_app_template_global(permissions.can_delete_as_current, "can_delete_comment")

# An id no comment has, and a username nobody has: each link of a comment is built once per
# page around them (see comment_ui).
_SOME_ID = 987654321
_SOME_NAME = "someone-987654321"


def _around_id(endpoint: str, marker: str = str(_SOME_ID), **values: Any) -> tuple[str, str]:
    before, _sep, after = url_for(endpoint, **values).partition(marker)
    return before, after


def comment_ui() -> dict[str, Any]:
    """What every comment of a page shows alike, worked out once per page rather than once
    per comment (a page of threads shows up to hundreds): the reader's rights, the labels
    in the reader's language, the CSRF token, and each link as the text around the id."""
    authenticated = bool(current_user.is_authenticated)
    signed_in = authenticated and bool(current_user.is_confirmed)  # may reply, vote and flag
    reader = current_user._get_current_object() if authenticated else None

    def rights(comment: Comment) -> tuple[bool, bool, bool]:
        """(edit, delete, flag): can_edit_comment, can_delete_comment and
        can('moderation.flag', comment), asked of the reader itself rather than through
        the current_user proxy on every attribute."""
        if reader is None:
            return False, False, False
        space = getattr(comment, "space", None) or g.get("space")
        return (permissions.can_edit(reader, comment), permissions.can_delete(reader, comment),
                signed_in and can(reader, "moderation.flag", space, comment))

    return {
        "authenticated": authenticated, "signed_in": signed_in, "rights": rights,
        "can_vote": signed_in and not current_user.is_organisation,
        "csrf": generate_csrf() if authenticated else "",
        # Translated once; `|format(name=...)` fills the name in.
        "comment_by": _("Comment by %(name)s", name="%(name)s"),
        "deleted": _("Deleted comment"),
        "deleted_text": _("This comment was deleted by its author."),
        "edited": _("edited"), "reply": _("Reply"), "edit": _("Edit"), "delete": _("Delete"),
        "flag": _("Flag"), "useful": _("Useful"), "not_useful": _("Not useful"),
        "continue": _("Continue this thread"),
        "vote_url": _around_id("comments.vote", comment_id=_SOME_ID),
        "reply_url": _around_id("comments.show", comment_id=_SOME_ID, reply=1),
        "show_url": _around_id("comments.show", comment_id=_SOME_ID),
        "edit_url": _around_id("comments.edit", comment_id=_SOME_ID),
        "delete_url": _around_id("comments.delete", comment_id=_SOME_ID),
        "flag_url": _around_id("moderation.flag", target_type="comment", target_id=_SOME_ID),
        "profile_url": _around_id("accounts.profile", _SOME_NAME, username=_SOME_NAME),
    }


bp.add_app_template_global(comment_ui, "comment_ui")


@bp.route("/<space:space>/comments/<target_type>/<int:target_id>", methods=["POST"])
@login_required
@rate_limited("RATELIMIT_COMMENT", per_user=True)
def create(target_type: str, target_id: int) -> Any:
    target = get_target(target_type, target_id, g.space)
    form = build_comment_form(g.space, current_user)
    parent_id = parse_id(form.parent_id.data or request.form.get("parent_id"))
    if not form.validate_on_submit():
        return _form_error(target, form, parent_id, 400)
    try:
        comment = services.post_comment(current_user, g.space, target_type, target_id,
                                        form.body.data, parent_id=parent_id,
                                        as_role=form.as_role.data or None)
    except DomainError as error:
        field = getattr(form, error.field or "", None)
        if field is not None:
            field.errors = [*field.errors, error.message]
        else:
            form.body.errors = [*form.body.errors, error.message]
        return _form_error(target, form, parent_id, error.status)
    if wants_fragment():
        thread = queries.Thread(comment)
        return render_template("comments/_fragment.html", thread=thread, votes={}), 201
    flash(_("Your comment is published."), "success")
    return redirect(target_url(target) + f"#comment-{comment.id}", 303)


@bp.errorhandler(429)
def posting_too_fast(error: Exception) -> Any:
    """A posting flood: say so in the reader's language and keep what they typed."""
    message = _("You are posting too fast. Please wait a few minutes and try again.")
    args = request.view_args or {}
    if request.endpoint == "comments.create":
        target = get_target(args["target_type"], args["target_id"], g.space)
        form = build_comment_form(g.space, current_user)
        form.body.errors = [message]
        return _form_error(target, form, id_or_none(request.form.get("parent_id")), 429)
    from decide.core.errors import render_error

    return render_error(429, message)


def _form_error(target: Any, form: CommentForm, parent_id: int | None, status: int) -> Any:
    if wants_fragment():
        return render_template("comments/_errors.html", form=form), status
    declared = target_for(target.target_name)
    if declared is None or declared.page is None or status == 404:
        abort(status)
    return declared.page(target, comment_form=form, status=status)


@bp.route("/<space:space>/comments/<int:comment_id>")
def show(comment_id: int) -> Any:
    """One comment and the replies under it: where "continue this thread" leads."""
    thread = queries.thread(g.space, comment_id)
    if thread is None:
        abort(404)
    target = get_target(thread.comment.target_type, thread.comment.target_id, g.space)
    if getattr(target, "is_hidden", False):
        abort(404)
    shown = queries.flatten([thread])
    return render_template("comments/thread.html", thread=thread, target=target,
                           target_link=target_url(target),
                           votes=queries.votes_by(current_user, shown),
                           form=build_comment_form(g.space, current_user))


@bp.route("/<space:space>/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@login_required
def edit(comment_id: int) -> Any:
    comment = get_in_space(Comment, comment_id, g.space)
    if not permissions.can_edit(current_user, comment):
        if comment.author_id != current_user.id:
            abort(403)
        flash(_("Comments can only be edited for 10 minutes after posting."), "error")
        return redirect(comment_url(comment), 303)
    form = build_comment_form(g.space, current_user)
    if request.method == "GET":
        form.body.data = comment.body
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("comments/edit.html", form=form, comment=comment), status
    try:
        services.edit_comment(current_user, comment, form.body.data)
    except DomainError as error:
        form.body.errors = [*form.body.errors, error.message]
        return render_template("comments/edit.html", form=form, comment=comment), error.status
    flash(_("Your comment is saved."), "success")
    return redirect(comment_url(comment), 303)


@bp.route("/<space:space>/comments/<int:comment_id>/delete", methods=["POST"])
@login_required
def delete(comment_id: int) -> Any:
    comment = get_in_space(Comment, comment_id, g.space)
    try:
        services.delete_comment(current_user, comment)
    except DomainError as error:
        abort(error.status)
    flash(_("Your comment was deleted."), "success")
    return redirect(comment_url(comment), 303)


@bp.route("/<space:space>/comments/<int:comment_id>/vote", methods=["POST"])
@login_required
@rate_limited("RATELIMIT_VOTE", per_user=True)
def vote(comment_id: int) -> Any:
    get_in_space(Comment, comment_id, g.space)
    value = request.form.get("value")
    if value not in ("up", "down"):
        abort(400)
    message, status = None, 200
    try:
        comment = services.vote_comment(current_user, g.space, comment_id, up=value == "up")
    except DomainError as error:
        if error.status == 404:
            abort(404)
        comment = get_in_space(Comment, comment_id, g.space)
        message, status = error.message, error.status
    if wants_fragment():
        votes = queries.votes_by(current_user, [comment])
        return render_template("comments/_votes.html", comment=comment, votes=votes,
                               vote_error=message), status
    if message:
        flash(message, "error")
    return redirect(comment_url(comment), 303)
