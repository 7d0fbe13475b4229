"""Reads for spaces."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload, with_polymorphic

from decide.cities.models import Alliance, AllianceMembership, City, Geozone, Space
from decide.extensions import db


def all_alliances() -> Sequence[Alliance]:
    """Every alliance with its member cities."""
    return db.session.scalars(
        select(Alliance)
        .options(selectinload(Alliance.memberships).joinedload(AllianceMembership.city))
        .order_by(Alliance.position, Alliance.slug)
    ).all()


@cache
def _cities_and_alliances() -> Any:
    """Spaces with the columns of both kinds, built once (it is a fixed construct, and building
    it costs about as much as reading a few rows)."""
    return with_polymorphic(Space, [City, Alliance])


def cities_and_alliances() -> tuple[list[City], list[Alliance]]:
    """Every city with the alliances it belongs to, and every alliance with its member cities,
    for the landing page. Each space is read (and its JSON columns parsed) once, and the
    memberships' cities and alliances are those same objects rather than joined in again:
    three queries whatever the numbers."""
    spaces = _cities_and_alliances()
    rows = db.session.scalars(
        select(spaces)
        .options(selectinload(spaces.City.memberships),
                 selectinload(spaces.Alliance.memberships))
        .order_by(spaces.position, spaces.slug)
    ).all()
    return ([space for space in rows if isinstance(space, City)],
            [space for space in rows if isinstance(space, Alliance)])


def city_choices() -> list[tuple[str, str]]:
    cities = db.session.scalars(select(City)).all()
    return sorted(((c.slug, c.name) for c in cities), key=lambda pair: pair[1])


def city_by_slug(slug: str | None) -> City | None:
    if not slug:
        return None
    return db.session.scalar(select(City).where(City.slug == slug))


def space_by_slug(kind: str, slug: str) -> Space | None:
    return db.session.scalar(select(Space).where(Space.kind == kind, Space.slug == slug))


def space_overview(space: Space) -> dict[str, object]:
    """What a space's home page shows besides the space: members or alliances, geozones."""
    if space.is_alliance:
        memberships = db.session.scalars(
            select(AllianceMembership)
            .where(AllianceMembership.alliance_id == space.id)
            .options(selectinload(AllianceMembership.city))
            .order_by(AllianceMembership.position)
        ).all()
        return {"memberships": memberships, "geozones": []}
    memberships = db.session.scalars(
        select(AllianceMembership)
        .where(AllianceMembership.city_id == space.id)
        .options(selectinload(AllianceMembership.alliance))
    ).all()
    geozones = db.session.scalars(
        select(Geozone).where(Geozone.space_id == space.id).order_by(Geozone.position)
    ).all()
    return {"memberships": memberships, "geozones": geozones}
