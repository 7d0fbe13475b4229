"""Spaces where participation happens: cities and alliances of cities."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from decide.core.db import SpaceScoped, TimestampMixin, UTCDateTime
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


# Where a membership comes from: the alliance's configuration file, or a city's acceptance of
# the secretariat's invitation in the browser. A load of the files adds, updates and removes
# "file" memberships only: it never undoes a city's acceptance.
MEMBERSHIP_SOURCES = ("file", "invitation")


class AllianceMembership(db.Model):
    """A city's membership in an alliance, with its role there."""

    __tablename__ = "alliance_memberships"
    __table_args__ = (
        UniqueConstraint("alliance_id", "city_id"),
        CheckConstraint("source IN ('file', 'invitation')", name="source"),
    )

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
    source: Mapped[str] = mapped_column(String(16), nullable=False, default="file",
                                        server_default="file",
                                        comment="file (the alliance's config file) or "
                                                "invitation (accepted in the browser)")

    alliance: Mapped[Alliance] = relationship(
        back_populates="memberships", foreign_keys=[alliance_id]
    )
    city: Mapped[City] = relationship(back_populates="memberships", foreign_keys=[city_id])


INVITATION_STATUSES = ("pending", "accepted", "declined", "withdrawn")


class AllianceInvitation(SpaceScoped, TimestampMixin, db.Model):
    """The secretariat of an alliance (`space_id`) invites a city to join; the city's
    administrators accept (which creates the membership) or decline; the secretariat may
    withdraw it while it is pending. Rows stay as the history of the alliance's members."""

    __tablename__ = "alliance_invitations"
    __hidden_from_visitors__ = True  # never on a page a signed-out visitor sees
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'accepted', 'declined', 'withdrawn')",
                        name="status"),
        # One pending invitation per city and alliance: a second click cannot make two.
        Index("uq_alliance_invitations_pending", "space_id", "city_id", unique=True,
              sqlite_where=text("status = 'pending'"),
              postgresql_where=text("status = 'pending'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(
        ForeignKey("spaces.id", ondelete="CASCADE"), nullable=False, index=True
    )
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="pending")
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    answered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    alliance: Mapped[Alliance] = relationship(foreign_keys="AllianceInvitation.space_id")
    city: Mapped[City] = relationship(foreign_keys=[city_id])
    invited_by: Mapped[Any] = relationship("User", foreign_keys=[invited_by_id])
    answered_by: Mapped[Any] = relationship("User", foreign_keys=[answered_by_id])

    @property
    def is_pending(self) -> bool:
        return self.status == "pending"


class SpaceCreation(db.Model):
    """A space the deployment administrator created in the browser. Such a space has no
    configuration file: `decide config load` leaves it alone (it neither lists it as without
    file nor retires it, and ignores a file that later takes its slug)."""

    __tablename__ = "space_creations"
    __hidden_from_visitors__ = True  # never on a page a signed-out visitor sees

    space_id: Mapped[int] = mapped_column(
        ForeignKey("spaces.id", ondelete="CASCADE"), primary_key=True
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    space: Mapped[Space] = relationship()


class Geozone(SpaceScoped, db.Model):
    """A district of a city, used to place proposals, debates and budget headings."""

    __tablename__ = "geozones"
    __table_args__ = (UniqueConstraint("space_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    position: Mapped[int] = mapped_column(default=0, nullable=False)

    city: Mapped[City] = relationship(back_populates="geozones", foreign_keys="Geozone.space_id")
