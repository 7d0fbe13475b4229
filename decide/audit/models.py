"""Audit events, one row per change worth answering for."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from decide.accounts.models import User
from decide.core.db import SpaceScoped, UTCDateTime, utcnow
from decide.core.spaces import Space
from decide.extensions import db


class AuditEvent(SpaceScoped, db.Model):
    __tablename__ = "audit_events"
    __hidden_from_visitors__ = True  # never on a page a signed-out visitor sees
    __table_args__ = (Index("ix_audit_events_target", "target_type", "target_id"),
                      Index("ix_audit_events_space_created", "space_id", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                 nullable=True)
    action: Mapped[str] = mapped_column(String(48), nullable=False,
                                        comment="e.g. proposals.endorse")
    target_type: Mapped[str | None] = mapped_column(String(16), nullable=True)
    target_id: Mapped[int | None] = mapped_column(nullable=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    actor: Mapped[User | None] = relationship()
    space: Mapped[Space] = relationship()
