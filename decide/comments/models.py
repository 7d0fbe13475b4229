"""Comments and comment votes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from decide.accounts.models import User
from decide.core.content import Hideable
from decide.core.db import SpaceScoped, TimestampMixin, UTCDateTime
from decide.extensions import db

PATH_WIDTH = 10  # digits per level of the materialised path


class Comment(Hideable, SpaceScoped, TimestampMixin, db.Model):
    """A comment on a target, or a reply to another comment (any depth).

    `path` is the ids from the root down, zero-padded, so that one ordered query returns a
    thread depth-first; `root_id` groups a thread so a page loads many threads at once.
    """

    __tablename__ = "comments"
    __table_args__ = (
        Index("ix_comments_target_roots", "target_type", "target_id", "depth",
              "confidence_score"),
        Index("ix_comments_root_path", "root_id", "path"),
        CheckConstraint("as_role IS NULL OR as_role IN ('official', 'moderator', "
                        "'administrator')", name="as_role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(16), nullable=False)
    target_id: Mapped[int] = mapped_column(nullable=False)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), nullable=True, index=True)
    root_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), nullable=True,
        comment="The top-level comment of this thread (its own id for a top-level comment)")
    depth: Mapped[int] = mapped_column(default=0, nullable=False)
    path: Mapped[str] = mapped_column(Text, default="", nullable=False)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    body: Mapped[str] = mapped_column(Text, nullable=False, comment="Markdown-lite source")
    body_html: Mapped[str] = mapped_column(Text, nullable=False)
    as_role: Mapped[str | None] = mapped_column(String(16), nullable=True)
    votes_up: Mapped[int] = mapped_column(default=0, nullable=False)
    votes_down: Mapped[int] = mapped_column(default=0, nullable=False)
    confidence_score: Mapped[float] = mapped_column(Float, default=0.0, nullable=False)
    replies_count: Mapped[int] = mapped_column(default=0, nullable=False)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    author: Mapped[User] = relationship()

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def score(self) -> int:
        return self.votes_up - self.votes_down



class CommentVote(TimestampMixin, db.Model):
    __tablename__ = "comment_votes"
    __table_args__ = (
        UniqueConstraint("comment_id", "user_id"),
        CheckConstraint("value IN (-1, 1)", name="value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"),
                                            nullable=False, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         nullable=False, index=True)
    value: Mapped[int] = mapped_column(SmallInteger, nullable=False)
