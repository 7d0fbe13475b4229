"""Reads for accounts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from decide.accounts.models import Residence, RoleAssignment, User
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


@dataclass
class ActivityItem:
    """One thing a person published, for their public profile."""

    kind: str  # "debate", "comment"...
    title: str
    url: str
    space_name: str
    created_at: datetime


# Other modules add what a person published: name -> function(user, limit) -> [ActivityItem].
ACTIVITY_PROVIDERS: dict[str, Callable[[User, int], list[ActivityItem]]] = {}


def recent_activity(user: User, limit: int = 15) -> list[ActivityItem]:
    """The newest things the person published, across modules and spaces."""
    items = [item for provider in ACTIVITY_PROVIDERS.values() for item in provider(user, limit)]
    return sorted(items, key=lambda item: item.created_at, reverse=True)[:limit]
