"""Declarative helpers shared by every module: UTC timestamps and space scoping."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from flask import abort
from sqlalchemy import DateTime, ForeignKey, Select, select
from sqlalchemy.orm import Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator

from decide.extensions import db

if TYPE_CHECKING:
    from decide.cities.models import Space


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Stores naive UTC (SQLite has no time zones) and always returns aware UTC datetimes."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use aware UTC datetimes")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False
    )


class SpaceScoped:
    """Mixin for every row that belongs to a space (a city or an alliance)."""

    @declared_attr
    def space_id(cls) -> Mapped[int]:  # noqa: N805 - SQLAlchemy declared_attr signature
        return mapped_column(
            ForeignKey("spaces.id", ondelete="CASCADE"), nullable=False, index=True
        )


ScopedModel = TypeVar("ScopedModel", bound=SpaceScoped)


def in_space(model: type[ScopedModel], space: Space) -> Select[tuple[ScopedModel]]:
    """A select of `model` limited to `space`: the start of every space-owned query."""
    return select(model).where(model.space_id == space.id)


def get_in_space(model: type[ScopedModel], object_id: int, space: Space) -> ScopedModel:
    """The one lookup for space-owned objects: 404 when it belongs to another space."""
    obj = db.session.scalar(in_space(model, space).where(model.id == object_id))
    if obj is None:
        abort(404)
    return obj
