"""Reads for accounts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from decide.accounts.models import Residence, RoleAssignment, User
from decide.core.modules import ActivityItem, registry
from decide.extensions import db


def with_badges(author: Any) -> Any:
    """Loader option for an author relationship shown with badges: the person, their roles
    and each role's space, in a bounded number of queries."""
    return joinedload(author).selectinload(User.roles).joinedload(RoleAssignment.space)


def public_profile(username: str) -> User | None:
    """A live account by username, with its roles' spaces and residence loaded."""
    return db.session.scalar(
        select(User)
        .where(func.lower(User.username) == username.lower(), User.deleted_at.is_(None))
        .options(
            selectinload(User.roles).joinedload(RoleAssignment.space),
            selectinload(User.residence).joinedload(Residence.city),
            joinedload(User.home_city),
        )
    )


def recent_activity(user: User, limit: int = 15) -> list[ActivityItem]:
    """The newest things the person published, across modules and spaces (each module with
    an `activity` function in its declaration adds its own)."""
    items = [item for module in registry if module.activity is not None
             for item in module.activity(user, limit)]
    return sorted(items, key=lambda item: item.created_at, reverse=True)[:limit]
