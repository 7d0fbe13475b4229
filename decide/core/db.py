"""Declarative helpers shared by every module: UTC timestamps and space scoping."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import DateTime, ForeignKey, Select, select, text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator

from decide.core.errors import NotFoundError
from decide.extensions import db

if TYPE_CHECKING:
    from decide.core.spaces import Space


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
    """The one lookup for space-owned objects: NotFoundError (a 404 page) when it is missing
    or belongs to another space."""
    obj = db.session.scalar(in_space(model, space).where(model.id == object_id))
    if obj is None:
        raise NotFoundError()
    return obj


def upsert_insert(target: Any, bind: Any = None) -> Any:
    """`insert(target)` in the database's own dialect, which has ON CONFLICT (DO NOTHING, DO
    UPDATE): PostgreSQL's or SQLite's, the two engines Decide runs on. `bind` is a connection
    when the statement runs on one; by default the session's engine decides."""
    dialect = (bind if bind is not None else db.session.get_bind()).dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(target)


def sqlite_write_lock() -> bool:
    """On SQLite, which locks the whole database, take the write lock before reading, so that
    concurrent writers queue (busy_timeout) instead of failing on a stale snapshot. Returns
    False (and does nothing) on other engines, which lock rows instead.

    The caller's transaction is kept: the Python driver opens a transaction only at the first
    write, so when none is open this no-op write opens one holding the lock, and when one is
    open it already holds the lock."""
    session = db.session
    if session.get_bind().dialect.name != "sqlite":
        return False
    # Any write statement takes the lock, even one that changes no row.
    session.execute(text("UPDATE spaces SET id = id WHERE id < 0"),
                    execution_options={"hidden_from_visitors": True})  # changes no row
    return True


def locked(model: type[ScopedModel], object_id: int, space: Space) -> ScopedModel:
    """Load a space-owned row for a write that must not interleave with another (counters,
    one-per-person rules): PostgreSQL locks the row (SELECT ... FOR UPDATE); SQLite the
    database (`sqlite_write_lock`)."""
    session = db.session
    if sqlite_write_lock():
        statement = in_space(model, space).where(model.id == object_id)
    else:
        statement = in_space(model, space).where(model.id == object_id).with_for_update()
    obj = session.scalar(statement.execution_options(populate_existing=True))
    if obj is None:
        raise NotFoundError()
    return obj


def sync_id_sequence(table: str) -> None:
    """After rows were inserted with explicit ids (bulk loads), move PostgreSQL's id sequence
    past them; SQLite needs nothing."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"))


def commit_unique(duplicate_message: Any) -> None:
    """Commit; when a unique constraint refused a duplicate (a concurrent request of the same
    person won the race), roll back and refuse with `duplicate_message` (a lazy text, 409)."""
    from sqlalchemy.exc import IntegrityError

    from decide.core.errors import DomainError

    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise DomainError(str(duplicate_message), status=409) from exc
