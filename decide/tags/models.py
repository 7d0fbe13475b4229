"""Tags belong to a space; a tagging links one to any registered target."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from decide.core.db import SpaceScoped
from decide.extensions import db


class Tag(SpaceScoped, db.Model):
    __tablename__ = "tags"
    __table_args__ = (UniqueConstraint("space_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), nullable=False)
    slug: Mapped[str] = mapped_column(String(48), nullable=False)
    taggings_count: Mapped[int] = mapped_column(default=0, nullable=False)


class Tagging(db.Model):
    __tablename__ = "taggings"
    __table_args__ = (
        UniqueConstraint("tag_id", "target_type", "target_id"),
        Index("ix_taggings_target", "target_type", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), nullable=False)
    target_type: Mapped[str] = mapped_column(String(16), nullable=False)
    target_id: Mapped[int] = mapped_column(nullable=False)

    tag: Mapped[Tag] = relationship()
