"""The searchable text of every indexed item, one row per item.

The engine-specific index lives beside this table and is created by the migration:
SQLite gets an FTS5 table kept in step by triggers; PostgreSQL a `search_vector` tsvector
column (filled by the search service) with a GIN index.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from decide.core.db import SpaceScoped, UTCDateTime, utcnow
from decide.extensions import db


class SearchDocument(SpaceScoped, db.Model):
    __tablename__ = "search_documents"
    __table_args__ = (UniqueConstraint("target_type", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(16), nullable=False)
    target_id: Mapped[int] = mapped_column(nullable=False)
    locale: Mapped[str] = mapped_column(String(8), nullable=False)
    content: Mapped[str] = mapped_column(
        Text, nullable=False, comment="Title and text, lower-cased and without accents")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
