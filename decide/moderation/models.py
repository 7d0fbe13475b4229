"""Flags raised by users on content."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from decide.accounts.models import User
from decide.core.db import SpaceScoped, UTCDateTime, utcnow
from decide.extensions import db

FLAG_REASONS = ("spam", "offensive", "off_topic", "other")


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
