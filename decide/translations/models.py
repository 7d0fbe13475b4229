"""Translations of author text (title, body...) of any translatable target."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from decide.accounts.models import User
from decide.core.db import SpaceScoped, UTCDateTime, utcnow
from decide.extensions import db

# "replaced": was accepted until another translation of the same language was accepted.
STATUSES = ("suggested", "accepted", "rejected", "replaced")


class ContentTranslation(SpaceScoped, db.Model):
    """One person's translation of one object's translatable fields into one language."""

    __tablename__ = "content_translations"
    __table_args__ = (
        # At most one accepted translation per object and language: the database refuses a
        # second one even if two reviewers accept at the same moment.
        Index("uq_content_translations_accepted", "target_type", "target_id", "locale",
              unique=True, sqlite_where=text("status = 'accepted'"),
              postgresql_where=text("status = 'accepted'")),
        # Suggestions to review and accepted translations of one object.
        Index("ix_content_translations_target", "target_type", "target_id", "status"),
        CheckConstraint("status IN ('suggested', 'accepted', 'rejected', 'replaced')",
                        name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(16), nullable=False)
    target_id: Mapped[int] = mapped_column(nullable=False)
    locale: Mapped[str] = mapped_column(String(8), nullable=False)
    fields: Mapped[dict[str, Any]] = mapped_column(
        JSON, nullable=False,
        comment="Translated text per field; Markdown fields also keep '<field>_html'")
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="suggested")
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True,
        comment="Who suggested it; emptied when that account is deleted")
    reviewed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])

    @property
    def is_pending(self) -> bool:
        return self.status == "suggested"
