"""Columns and behaviour shared by every kind of content people publish."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from decide.core.db import UTCDateTime


class Hideable:
    """Content moderators can hide (and restore), with the number of flags it received.

    Hidden content disappears for everyone but the space's moderators; the one hide/restore
    service is `decide.moderation.services.hide` / `restore`."""

    flags_count: Mapped[int] = mapped_column(default=0, nullable=False)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None
