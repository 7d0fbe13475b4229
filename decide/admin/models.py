"""Logos uploaded by a space's administrators, stored in the database (every worker and host
serves the same bytes; nothing is written under static/)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from decide.core.db import SpaceScoped, UTCDateTime, utcnow
from decide.extensions import db


class SpaceLogo(SpaceScoped, db.Model):
    __tablename__ = "space_logos"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_type: Mapped[str] = mapped_column(String(32), nullable=False,
                                              comment="image/png, image/jpeg or image/webp")
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    # Deferred: listing logos never loads their bytes.
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False, deferred=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
