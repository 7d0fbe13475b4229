"""Reads of the spaces' administration pages; each runs a fixed number of queries."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from decide.accounts.models import User
from decide.cities.models import (
    AllianceInvitation,
    AllianceMembership,
    City,
    Space,
    SpaceCreation,
)
from decide.core.pagination import Page, paginate
from decide.extensions import db

PER_PAGE = 25


def members(alliance: Space) -> Sequence[AllianceMembership]:
    """The alliance's member cities, in their order (one query)."""
    return db.session.scalars(
        select(AllianceMembership).where(AllianceMembership.alliance_id == alliance.id)
        .options(joinedload(AllianceMembership.city))
        .order_by(AllianceMembership.position, AllianceMembership.id)).all()


def pending_sent(alliance: Space) -> Sequence[AllianceInvitation]:
    return db.session.scalars(
        select(AllianceInvitation).where(AllianceInvitation.space_id == alliance.id,
                                         AllianceInvitation.status == "pending")
        .options(joinedload(AllianceInvitation.city), joinedload(AllianceInvitation.invited_by))
        .order_by(AllianceInvitation.created_at, AllianceInvitation.id)).all()


def answered_sent(alliance: Space, page: int) -> Page:
    """Past invitations of the alliance, newest first, a page at a time."""
    return paginate(
        select(AllianceInvitation).where(AllianceInvitation.space_id == alliance.id,
                                         AllianceInvitation.status != "pending")
        .options(joinedload(AllianceInvitation.city),
                 joinedload(AllianceInvitation.answered_by))
        .order_by(AllianceInvitation.answered_at.desc(), AllianceInvitation.id.desc()),
        page, PER_PAGE)


def invitable_cities(alliance: Space) -> Sequence[City]:
    """Cities that are neither members nor invited (pending) yet, by name order of slug."""
    members_ = select(AllianceMembership.city_id).where(
        AllianceMembership.alliance_id == alliance.id)
    invited = select(AllianceInvitation.city_id).where(
        AllianceInvitation.space_id == alliance.id, AllianceInvitation.status == "pending")
    return db.session.scalars(
        select(City).where(City.id.not_in(members_), City.id.not_in(invited))
        .order_by(City.position, City.slug)).all()


def received(city: Space, page: int) -> tuple[Sequence[AllianceInvitation], Page]:
    """The city's pending invitations, and its answered ones a page at a time."""
    pending = db.session.scalars(
        select(AllianceInvitation).where(AllianceInvitation.city_id == city.id,
                                         AllianceInvitation.status == "pending")
        .options(joinedload(AllianceInvitation.alliance),
                 joinedload(AllianceInvitation.invited_by))
        .order_by(AllianceInvitation.created_at, AllianceInvitation.id)).all()
    answered = paginate(
        select(AllianceInvitation).where(AllianceInvitation.city_id == city.id,
                                         AllianceInvitation.status != "pending")
        .options(joinedload(AllianceInvitation.alliance),
                 joinedload(AllianceInvitation.answered_by))
        .order_by(AllianceInvitation.answered_at.desc(), AllianceInvitation.id.desc()),
        page, PER_PAGE)
    return pending, answered


ORGANISATION_FILTERS = ("pending", "verified", "all")


def organisations(city: Space, status: str, page: int) -> Page:
    """Organisation accounts whose home city is `city`; pending first by name."""
    statement = select(User).where(User.kind == "organisation", User.home_city_id == city.id,
                                   User.deleted_at.is_(None))
    if status == "pending":
        statement = statement.where(User.organisation_verified_at.is_(None))
    elif status == "verified":
        statement = statement.where(User.organisation_verified_at.is_not(None))
    return paginate(statement.order_by(User.organisation_verified_at.is_not(None),
                                       User.username_lower), page, PER_PAGE)


def all_spaces(page: int) -> Page:
    """Every space of the deployment, cities first, with whether it was created here."""
    return paginate(
        select(Space, SpaceCreation.created_at)
        .outerjoin(SpaceCreation, SpaceCreation.space_id == Space.id)
        .order_by(Space.kind.desc(), Space.position, Space.slug),
        page, PER_PAGE, scalars=False)
