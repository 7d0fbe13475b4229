"""Flags raised by users on content, the moderators' hide decisions and blocked accounts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from decide.accounts.models import User
from decide.core.db import SpaceScoped, UTCDateTime, utcnow
from decide.extensions import db

FLAG_REASONS = ("spam", "offensive", "off_topic", "other")
NOTE_MAX = 500


class Flag(SpaceScoped, db.Model):
    """One person's report that a target is inappropriate (once per person and target)."""

    __tablename__ = "flags"
    __table_args__ = (
        UniqueConstraint("target_type", "target_id", "user_id"),
        Index("ix_flags_target", "target_type", "target_id"),
        CheckConstraint("reason IN ('spam', 'offensive', 'off_topic', 'other')", name="reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(16), nullable=False)
    target_id: Mapped[int] = mapped_column(nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         nullable=False, index=True)
    reason: Mapped[str] = mapped_column(String(16), nullable=False)
    note: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    resolved_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime, nullable=True, comment="Set when a moderator acts on the flag")

    user: Mapped[User] = relationship()


class Hiding(SpaceScoped, db.Model):
    """One time an item was hidden: by whom (nobody: automatically, after flags from enough
    people), why (the flag reasons then, the moderator's note), and what became of it."""

    __tablename__ = "moderation_hidings"
    __table_args__ = (Index("ix_moderation_hidings_target", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(16), nullable=False)
    target_id: Mapped[int] = mapped_column(nullable=False)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    hidden_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True,
        comment="Null when hidden automatically")
    automatic: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # {"spam": 3, "offensive": 1}: the unresolved flags when it was hidden.
    reasons: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    note: Mapped[str | None] = mapped_column(String(NOTE_MAX), nullable=True,
                                             comment="What the moderator told the author")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    reviewed_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime, nullable=True, comment="A moderator confirmed or undid the hiding")
    restored_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    @property
    def awaits_review(self) -> bool:
        return self.automatic and self.reviewed_at is None


class AccountBlock(db.Model):
    """An account blocked by moderation: it cannot sign in (so cannot post), its content is
    hidden and its roles are gone. One row per blocked account."""

    __tablename__ = "account_blocks"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         nullable=False, unique=True)
    space_id: Mapped[int | None] = mapped_column(
        ForeignKey("spaces.id", ondelete="SET NULL"), nullable=True,
        comment="The space whose moderator blocked the account")
    blocked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    note: Mapped[str | None] = mapped_column(String(NOTE_MAX), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
