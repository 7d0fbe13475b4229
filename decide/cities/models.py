"""Spaces where participation happens: cities and alliances of cities."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import get_locale
from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from decide.cities.settings import SPACE_SETTINGS
from decide.core.db import SpaceScoped, TimestampMixin
from decide.extensions import db

SPACE_KINDS = ("city", "alliance")


def pick_translation(texts: dict[str, str] | None, locale: str | None = None) -> str:
    """The text for the reader's locale, else its language, else Spanish, else any."""
    if not texts:
        return ""
    if locale is None:
        current = get_locale()
        locale = str(current) if current else "es"
    for candidate in (locale, locale.split("_")[0], "es", "en"):
        if texts.get(candidate):
            return texts[candidate]
    return next(iter(texts.values()))


class Space(TimestampMixin, db.Model):
    """A city or an alliance: the place every participation object belongs to."""

    __tablename__ = "spaces"
    __table_args__ = (
        UniqueConstraint("kind", "slug"),
        CheckConstraint("kind IN ('city', 'alliance')", name="kind"),
    )
    __mapper_args__ = {"polymorphic_on": "kind"}

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    slug: Mapped[str] = mapped_column(String(64), nullable=False)
    names: Mapped[dict[str, str]] = mapped_column(
        JSON, nullable=False, comment="Name per locale, e.g. {'es': 'Río de Janeiro'}"
    )
    descriptions: Mapped[dict[str, str]] = mapped_column(JSON, nullable=False, default=dict)
    default_locale: Mapped[str] = mapped_column(String(8), nullable=False)
    locales: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    timezone: Mapped[str] = mapped_column(String(64), nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    modules: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    theme: Mapped[dict[str, str]] = mapped_column(
        JSON, nullable=False, default=dict, comment="primary, secondary colours and logo path"
    )
    settings: Mapped[dict[str, Any]] = mapped_column(
        JSON, nullable=False, default=dict, comment="Values from the space's config file"
    )
    position: Mapped[int] = mapped_column(default=0, nullable=False)

    @property
    def name(self) -> str:
        return pick_translation(self.names)

    @property
    def description(self) -> str:
        return pick_translation(self.descriptions)

    @property
    def is_city(self) -> bool:
        return self.kind == "city"

    @property
    def is_alliance(self) -> bool:
        return self.kind == "alliance"

    def setting(self, key: str) -> Any:
        """Typed accessor: the space's value for a declared setting, else its default."""
        spec = SPACE_SETTINGS[key]
        if key in self.settings:
            return spec.validate(self.settings[key])
        return spec.default

    def has_module(self, module: str) -> bool:
        return module in self.modules

    def __repr__(self) -> str:
        return f"<{self.kind} {self.slug}>"


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
