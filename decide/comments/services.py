"""Every write about comments: post, edit, delete, vote."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from decide.accounts.models import User
from decide.accounts.services import PERSONAL_DATA_EXPORTERS
from decide.cities.models import Space
from decide.comments import permissions
from decide.comments.models import PATH_WIDTH, Comment, CommentVote
from decide.core.db import commit_unique, get_in_space, locked, utcnow
from decide.core.errors import DomainError
from decide.core.scoring import wilson_lower_bound
from decide.core.signals import comment_created
from decide.core.targets import get_target
from decide.core.text import render_markdown
from decide.extensions import db

# What the target's own module does when one of its items gets a comment (e.g. counters).
ON_COMMENT: dict[str, Any] = {}


def _check_body(space: Space, body: str) -> str:
    body = (body or "").strip()
    maximum = space.setting("comment_max_length")
    if not body:
        raise DomainError(_("Write something before sending."), field="body")
    if len(body) > maximum:
        raise DomainError(_("Comments can have at most %(n)d characters.", n=maximum),
                          field="body")
    return body


def post_comment(user: User, space: Space, target_type: str, target_id: int, body: str,
                 parent_id: int | None = None, as_role: str | None = None) -> Comment:
    """Add a comment (or a reply) to a target of this space."""
    target = get_target(target_type, target_id, space)
    if getattr(target, "is_hidden", False):
        abort(404)
    if not permissions.can_comment(user, space, target):
        raise DomainError(_("Confirm your e-mail address to comment."), status=403)
    body = _check_body(space, body)
    if as_role and as_role not in permissions.posting_roles(user, space):
        raise DomainError(_("You do not hold that role here."), field="as_role", status=403)
    parent = None
    if parent_id is not None:
        parent = get_in_space(Comment, parent_id, space)
        if parent.target_type != target_type or parent.target_id != target_id:
            abort(404)
        if parent.is_hidden:
            abort(404)
    comment = Comment(
        space_id=space.id, target_type=target_type, target_id=target_id,
        parent_id=parent.id if parent else None, depth=parent.depth + 1 if parent else 0,
        author_id=user.id, body=body, body_html=str(render_markdown(body, lite=True)),
        as_role=as_role or None,
    )
    db.session.add(comment)
    db.session.flush()
    own = str(comment.id).zfill(PATH_WIDTH)
    comment.path = f"{parent.path}/{own}" if parent else own
    comment.root_id = parent.root_id if parent else comment.id
    if parent is not None:
        parent.replies_count += 1
    hook = ON_COMMENT.get(target_type)
    if hook is not None:
        hook(target)
    db.session.commit()
    comment_created.send(comment)
    return comment


def edit_comment(user: User, comment: Comment, body: str) -> Comment:
    if not permissions.can_edit(user, comment):
        raise DomainError(_("Comments can only be edited by their author, for 10 minutes."),
                          status=403)
    space = db.session.get(Space, comment.space_id)
    comment.body = _check_body(space, body)
    comment.body_html = str(render_markdown(comment.body, lite=True))
    comment.edited_at = utcnow()
    db.session.commit()
    return comment


def delete_comment(user: User, comment: Comment) -> None:
    """The comment shows as deleted; its replies stay where they are."""
    if not permissions.can_delete(user, comment):
        raise DomainError(_("Only the author can delete a comment."), status=403)
    comment.deleted_at = utcnow()
    comment.body = ""
    comment.body_html = ""
    db.session.commit()


def vote_comment(user: User, space: Space, comment_id: int, up: bool) -> Comment:
    """Cast or change the person's vote; one per person and comment, kept by the schema."""
    comment = get_in_space(Comment, comment_id, space)
    if not permissions.can_vote(user, space, comment):
        if comment.is_deleted or comment.is_hidden:
            abort(404)
        if user.is_organisation:
            raise DomainError(_("Organisations cannot vote."), status=403)
        raise DomainError(_("Confirm your e-mail address to vote."), status=403)
    comment = locked(Comment, comment_id, space)
    value = 1 if up else -1
    existing = db.session.scalar(select(CommentVote).where(
        CommentVote.comment_id == comment.id, CommentVote.user_id == user.id))
    if existing is None:
        db.session.add(CommentVote(comment_id=comment.id, user_id=user.id, value=value))
        if up:
            comment.votes_up += 1
        else:
            comment.votes_down += 1
    elif existing.value != value:
        existing.value = value
        comment.votes_up += value
        comment.votes_down -= value
    else:
        db.session.rollback()
        return comment
    comment.confidence_score = wilson_lower_bound(comment.votes_up, comment.votes_down)
    commit_unique(_l("Your vote was already counted."))
    return comment


def personal_data(user: User) -> dict[str, Any]:
    """The person's comments and comment votes, for the data download."""
    comments = db.session.scalars(select(Comment).where(Comment.author_id == user.id)
                                  .order_by(Comment.id)).all()
    votes = db.session.execute(select(CommentVote.comment_id, CommentVote.value)
                               .where(CommentVote.user_id == user.id)
                               .order_by(CommentVote.id)).all()
    return {
        "comments": [{"id": c.id, "on": f"{c.target_type}:{c.target_id}",
                      "reply_to": c.parent_id, "body": c.body, "deleted": c.is_deleted,
                      "created_at": c.created_at.isoformat()} for c in comments],
        "votes": [{"comment_id": v.comment_id, "value": v.value} for v in votes],
    }


PERSONAL_DATA_EXPORTERS["comments"] = personal_data
