"""Reads for the admin pages."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from decide.accounts.models import Residence, RoleAssignment
from decide.cities.models import Space
from decide.core.db import in_space
from decide.extensions import db


def role_assignments(space: Space) -> Sequence[RoleAssignment]:
    return db.session.scalars(
        in_space(RoleAssignment, space)
        .options(joinedload(RoleAssignment.user))
        .order_by(RoleAssignment.role, RoleAssignment.id)
    ).all()


def resident_count(space: Space) -> int:
    from sqlalchemy import func

    from decide.cities.models import AllianceMembership

    if space.is_city:
        condition = Residence.city_id == space.id
    else:
        members = select(AllianceMembership.city_id).where(
            AllianceMembership.alliance_id == space.id)
        condition = Residence.city_id.in_(members)
    return db.session.scalar(select(func.count(Residence.id)).where(condition)) or 0
