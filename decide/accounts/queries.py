"""Reads for accounts."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from decide.accounts.models import Residence, RoleAssignment, User
from decide.extensions import db


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
