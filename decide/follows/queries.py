"""Reads for the follow button: whether the reader follows a target, and how many do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import g, has_request_context
from sqlalchemy import ColumnElement, case, exists, false, func, select

from decide.extensions import db
from decide.follows.models import Follow


@dataclass(frozen=True)
class FollowState:
    following: bool
    followers: int


# On flask.g: (user id or None, target type, target id) -> FollowState a page's query read.
_STATES = "_follow_states"


def _states() -> dict[tuple[int | None, str, int], FollowState]:
    states = g.get(_STATES)
    if states is None:
        states = {}
        setattr(g, _STATES, states)
    return states


def _user_id(user: Any) -> int | None:
    return user.id if user is not None and user.is_authenticated else None


def follow_columns(user: Any, target_type: str,
                   target_id: Any) -> tuple[ColumnElement[int], ColumnElement[bool]]:
    """(followers, following) as columns of another module's query over its item, whose id
    column is `target_id`: a page reads its follow button with the item, in one statement.
    Give what they return to `remember_follow_state`."""
    about = (Follow.target_type == target_type, Follow.target_id == target_id)
    followers = select(func.count(Follow.id)).where(*about).scalar_subquery()
    user_id = _user_id(user)
    following = (exists().where(*about, Follow.user_id == user_id) if user_id is not None
                 else false())
    return followers, following


def remember_follow_state(user: Any, target_type: str, target_id: int, followers: int,
                          following: bool) -> FollowState:
    """Keep, for this request, what `follow_columns` read: `follow_state` then needs no query."""
    state = FollowState(following=bool(following), followers=int(followers or 0))
    if has_request_context():
        _states()[(_user_id(user), target_type, target_id)] = state
    return state


def follow_state(user: Any, target_type: str, target_id: int) -> FollowState:
    """One query over the (target_type, target_id, user_id) key: the count of followers and
    whether `user` is one of them; none when the page's own query read them already."""
    user_id = _user_id(user)
    if has_request_context():
        known = _states().get((user_id, target_type, target_id))
        if known is not None:
            return known
    mine = func.coalesce(func.sum(case((Follow.user_id == user_id, 1), else_=0)), 0)
    followers, following = db.session.execute(
        select(func.count(Follow.id), mine)
        .where(Follow.target_type == target_type, Follow.target_id == target_id)).one()
    return FollowState(following=bool(following), followers=int(followers or 0))
