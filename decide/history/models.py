"""Revisions of any target (debates now; proposals and budget projects next)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from decide.accounts.models import User
from decide.core.db import SpaceScoped, UTCDateTime, utcnow
from decide.extensions import db


class Revision(SpaceScoped, db.Model):
    """An edit of an item: who, when, and each changed field's old and new value."""

    __tablename__ = "revisions"
    __table_args__ = (Index("ix_revisions_target", "target_type", "target_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(16), nullable=False)
    target_id: Mapped[int] = mapped_column(nullable=False)
    editor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    changes: Mapped[dict[str, Any]] = mapped_column(
        JSON, nullable=False, comment="field -> [old value, new value]")

    editor: Mapped[User] = relationship()
