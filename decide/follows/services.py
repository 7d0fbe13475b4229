"""Follow and unfollow, written once for every target type.

A person follows a target of a space (found through `decide.core.targets`, so an unknown type
or another space's item is a 404 and a hidden one is not followable). Following twice, even in
two simultaneous requests, leaves one row and is not an error; unfollowing something not
followed changes nothing.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, select

from decide.core.db import upsert_insert
from decide.core.errors import DomainError
from decide.core.permissions import can
from decide.core.targets import get_target
from decide.extensions import db
from decide.follows.models import Follow


def followable(user: Any, space: Any, target_type: str, target_id: int) -> Any:
    """The target, if `user` may follow it: 404 for an unknown type, another space's item or
    one hidden from this person; 403 for anyone who may not follow."""
    target = get_target(target_type, target_id, space)
    if getattr(target, "is_hidden", False) and not can(user, "moderate", space):
        raise DomainError(_("This page does not exist."), status=404)
    if not can(user, "follows.follow", space, target):
        raise DomainError(_("Sign in to follow this."), status=403)
    return target


def _insert_ignoring_duplicates() -> Any:
    """INSERT ... ON CONFLICT DO NOTHING on the engines we support: a concurrent duplicate
    follow is absorbed by the unique key instead of failing the request."""
    return upsert_insert(Follow).on_conflict_do_nothing()


def add_follower(user: Any, space_id: int, target_type: str, target_id: int) -> None:
    """Inside another use case's transaction (a support follows what it supports): no
    checks beyond that use case's own, no commit; a duplicate is absorbed."""
    db.session.execute(_insert_ignoring_duplicates().values(
        space_id=space_id, target_type=target_type, target_id=target_id, user_id=user.id))


def follow(user: Any, space: Any, target_type: str, target_id: int) -> None:
    """`user` follows the target (again: no change)."""
    followable(user, space, target_type, target_id)
    db.session.execute(_insert_ignoring_duplicates().values(
        space_id=space.id, target_type=target_type, target_id=target_id, user_id=user.id))
    db.session.commit()


def unfollow(user: Any, space: Any, target_type: str, target_id: int) -> None:
    """`user` no longer follows the target (not following: no change)."""
    get_target(target_type, target_id, space)
    db.session.execute(delete(Follow).where(
        Follow.space_id == space.id, Follow.target_type == target_type,
        Follow.target_id == target_id, Follow.user_id == user.id))
    db.session.commit()


def is_following(user: Any, target_type: str, target_id: int) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return db.session.scalar(select(Follow.id).where(
        Follow.target_type == target_type, Follow.target_id == target_id,
        Follow.user_id == user.id)) is not None


def follower_ids(target_type: str, target_id: int) -> list[int]:
    """Who follows the target, oldest follow first (one query over the unique key)."""
    return list(db.session.scalars(
        select(Follow.user_id).where(Follow.target_type == target_type,
                                     Follow.target_id == target_id)
        .order_by(Follow.id)))


def personal_data(user: Any) -> list[dict[str, Any]]:
    """What the person follows, for the data download."""
    rows = db.session.scalars(select(Follow).where(Follow.user_id == user.id)
                              .order_by(Follow.id)).all()
    return [{"target": f"{f.target_type}:{f.target_id}", "space_id": f.space_id,
             "created_at": f.created_at.isoformat()} for f in rows]


def erase_personal_data(user: Any) -> None:
    """On account deletion: the person follows nothing any more (in the caller's
    transaction)."""
    db.session.execute(delete(Follow).where(Follow.user_id == user.id),
                       execution_options={"synchronize_session": False})
