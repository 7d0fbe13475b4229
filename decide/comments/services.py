"""Every write about comments: post, edit, delete, vote."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from decide.accounts.models import User
from decide.cities.models import Space
from decide.comments import permissions
from decide.comments.models import PATH_WIDTH, Comment, CommentVote
from decide.comments.signals import comment_created
from decide.core.db import get_in_space, utcnow
from decide.core.errors import DomainError, NotFoundError
from decide.core.scoring import wilson_lower_bound
from decide.core.targets import get_target, target_for
from decide.core.text import render_markdown
from decide.core.votes import VoteRule, bump_counters, cast
from decide.extensions import db


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
        raise NotFoundError()
    if not permissions.can_comment(user, space, target):
        raise DomainError(_("Confirm your e-mail address to comment."), status=403)
    body = _check_body(space, body)
    if as_role and as_role not in permissions.posting_roles(user, space):
        raise DomainError(_("You do not hold that role here."), field="as_role", status=403)
    parent = None
    if parent_id is not None:
        parent = get_in_space(Comment, parent_id, space)
        if (parent.target_type != target_type or parent.target_id != target_id
                or parent.is_hidden):
            raise NotFoundError()
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
        bump_counters(Comment, parent.id, replies_count=1)
    declared = target_for(target_type)
    if declared is not None and declared.on_comment is not None:
        declared.on_comment(target)
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


def _rescore(comment: Comment) -> None:
    comment.confidence_score = wilson_lower_bound(comment.votes_up, comment.votes_down)


VOTES = VoteRule(
    target_type="comment", vote_model=CommentVote, item_model=Comment, item_key="comment_id",
    value_column="value", choices={"up": 1, "down": -1},
    counters={"up": "votes_up", "down": "votes_down"}, rescore=_rescore,
)


def vote_comment(user: User, space: Space, comment_id: int, up: bool) -> Comment:
    """Cast or change the person's vote; one per person and comment, kept by the schema."""
    comment = get_in_space(Comment, comment_id, space)
    if comment.is_deleted or comment.is_hidden:
        raise NotFoundError()
    if not permissions.can_vote(user, space, comment):
        if user.is_organisation:
            raise DomainError(_("Organisations cannot vote."), status=403)
        raise DomainError(_("Confirm your e-mail address to vote."), status=403)
    comment, _changed = cast(VOTES, user, space, comment_id, "up" if up else "down")
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

