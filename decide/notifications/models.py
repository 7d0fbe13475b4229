"""Notifications: one row per recipient, kind and item, with a counter for repeats."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from decide.accounts.models import User
from decide.cities.models import Space
from decide.core.db import TimestampMixin, UTCDateTime
from decide.extensions import db

NOTIFICATION_KINDS = ("comment_on_debate", "reply_to_comment")


class Notification(TimestampMixin, db.Model):
    """Repeated events of the same kind on the same item fold into the unread row."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_unread", "user_id", "read_at"),
        Index("ix_notifications_user_recent", "user_id", "updated_at"),
        Index("ix_notifications_fold", "user_id", "kind", "target_type", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         nullable=False)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"),
                                          nullable=False)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    target_type: Mapped[str] = mapped_column(String(16), nullable=False,
                                             comment="The item: the debate, or your comment")
    target_id: Mapped[int] = mapped_column(nullable=False)
    count: Mapped[int] = mapped_column(default=1, nullable=False)
    last_actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    link_comment_id: Mapped[int | None] = mapped_column(
        nullable=True, comment="The newest comment, to link to it")
    title: Mapped[str] = mapped_column(String(160), nullable=False, default="",
                                       comment="Title of the item when notified")
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    space: Mapped[Space] = relationship()
    last_actor: Mapped[User | None] = relationship(foreign_keys=[last_actor_id])
