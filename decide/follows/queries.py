"""Reads for the follow button: whether the reader follows a target, and how many do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, select

from decide.extensions import db
from decide.follows.models import Follow


@dataclass(frozen=True)
class FollowState:
    following: bool
    followers: int


def follow_state(user: Any, target_type: str, target_id: int) -> FollowState:
    """One query over the (target_type, target_id, user_id) key: the count of followers and
    whether `user` is one of them."""
    user_id = user.id if user is not None and user.is_authenticated else None
    mine = func.coalesce(func.sum(case((Follow.user_id == user_id, 1), else_=0)), 0)
    followers, following = db.session.execute(
        select(func.count(Follow.id), mine)
        .where(Follow.target_type == target_type, Follow.target_id == target_id)).one()
    return FollowState(following=bool(following), followers=int(followers or 0))
