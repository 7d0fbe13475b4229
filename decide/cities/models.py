"""Spaces where participation happens: cities and alliances of cities."""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from decide.core.db import SpaceScoped
from decide.core.spaces import Space
from decide.extensions import db


class City(Space):
    __mapper_args__ = {"polymorphic_identity": "city"}

    country: Mapped[str | None] = mapped_column(
        String(2), nullable=True, comment="ISO 3166-1 alpha-2; null for alliances"
    )

    geozones: Mapped[list[Geozone]] = relationship(
        back_populates="city", order_by="Geozone.position", cascade="all, delete-orphan"
    )
    memberships: Mapped[list[AllianceMembership]] = relationship(
        back_populates="city", foreign_keys="AllianceMembership.city_id"
    )


class Alliance(Space):
    __mapper_args__ = {"polymorphic_identity": "alliance"}

    alliance_kind: Mapped[str | None] = mapped_column(
        String(16), nullable=True, comment="political, operative or network"
    )
    themes: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    sdgs: Mapped[list[int] | None] = mapped_column(JSON, nullable=True)
    founded_on: Mapped[date | None] = mapped_column(Date, nullable=True)

    memberships: Mapped[list[AllianceMembership]] = relationship(
        back_populates="alliance",
        foreign_keys="AllianceMembership.alliance_id",
        cascade="all, delete-orphan",
        order_by="AllianceMembership.position",
    )


class AllianceMembership(db.Model):
    """A city's membership in an alliance, with its role there."""

    __tablename__ = "alliance_memberships"
    __table_args__ = (UniqueConstraint("alliance_id", "city_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(
        ForeignKey("spaces.id", ondelete="CASCADE"), nullable=False, index=True
    )
    city_id: Mapped[int] = mapped_column(
        ForeignKey("spaces.id", ondelete="CASCADE"), nullable=False, index=True
    )
    role: Mapped[str] = mapped_column(String(16), nullable=False, default="member")
    joined_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    position: Mapped[int] = mapped_column(default=0, nullable=False)

    alliance: Mapped[Alliance] = relationship(
        back_populates="memberships", foreign_keys=[alliance_id]
    )
    city: Mapped[City] = relationship(back_populates="memberships", foreign_keys=[city_id])


class Geozone(SpaceScoped, db.Model):
    """A district of a city, used to place proposals, debates and budget headings."""

    __tablename__ = "geozones"
    __table_args__ = (UniqueConstraint("space_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    position: Mapped[int] = mapped_column(default=0, nullable=False)

    city: Mapped[City] = relationship(back_populates="geozones", foreign_keys="Geozone.space_id")
