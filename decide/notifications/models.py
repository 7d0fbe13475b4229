"""Notifications: one row per recipient, kind and item, with a counter for repeats.

The kinds are declared by the modules that raise them (`Module.notification_kinds`, read from
`decide.core.modules.registry`); this module knows none of them by name.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from decide.accounts.models import User
from decide.core.db import TimestampMixin, UTCDateTime
from decide.core.spaces import Space
from decide.extensions import db


class Notification(TimestampMixin, db.Model):
    """Repeated events of the same kind on the same item fold into the unread row."""

    __tablename__ = "notifications"
    __hidden_from_visitors__ = True  # never on a page a signed-out visitor sees
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
    # What the notification opens: the newest thing that happened (e.g. the comment), by
    # target type and id; the item itself when it is gone or there is none.
    link_target_type: Mapped[str | None] = mapped_column(String(16), nullable=True)
    link_target_id: Mapped[int | None] = mapped_column(
        nullable=True, comment="The newest event's object (e.g. the comment), to link to it")
    title: Mapped[str] = mapped_column(String(160), nullable=False, default="",
                                       comment="Title of the item when notified")
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    space: Mapped[Space] = relationship()
    last_actor: Mapped[User | None] = relationship(foreign_keys=[last_actor_id])
