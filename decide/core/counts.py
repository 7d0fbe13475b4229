"""Counts kept on the space: how many items of a kind a space shows, read with one indexed
lookup instead of counting rows on every request.

A module declares what it counts once, `keep(model, name, columns, counted)`:
`counted({column: value})` says whether an item with these values is in the count (e.g.
published and not hidden). Whenever the
session flushes a new, changed or deleted item of that model, the space's counter moves by the
difference, in SQL (`count = count + delta`, an upsert) and in the same transaction as the
item, so concurrent writers lose nothing and a rolled-back change moves nothing. This covers
every ORM write wherever it happens (the module's services, moderation hiding or restoring);
bulk Core statements (`insert(Model)` with many rows) bypass the session and must call
`recount()` afterwards. New items must have `space_id` set (not only `space`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ForeignKey, Integer, PrimaryKeyConstraint, String, event, func, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.orm.attributes import NO_VALUE

from decide.core.db import upsert_insert
from decide.extensions import db


class SpaceCount(db.Model):
    """One counter of one space (e.g. its visible debates), kept exact by `keep()`."""

    __tablename__ = "space_counts"
    __table_args__ = (PrimaryKeyConstraint("space_id", "name"),)

    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"),
                                          nullable=False)
    name: Mapped[str] = mapped_column(String(32), nullable=False)
    count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)


def bump(space_id: int, name: str, delta: int) -> None:
    """Move the space's counter by `delta` in SQL, creating it when it is missing."""
    _bump_in(db.session(), space_id, name, delta)


def read(space: Any, name: str) -> int:
    """The space's counter (0 when nothing was ever counted)."""
    return db.session.scalar(select(SpaceCount.count).where(
        SpaceCount.space_id == space.id, SpaceCount.name == name)) or 0


@dataclass(frozen=True)
class _Kept:
    name: str
    columns: tuple[str, ...]
    counted: Callable[[Mapping[str, Any]], bool]


# model -> its counters; one session listener serves them all, installed once per process
# (apps are created many times in tests: a listener per app would count twice).
_KEPT: dict[type, dict[str, _Kept]] = {}


def keep(model: type, name: str, columns: tuple[str, ...],
         counted: Callable[[Mapping[str, Any]], bool]) -> None:
    """Keep the counter `name` of each space equal to its `model` rows for which
    `counted({column: value})` is true. Idempotent (safe from every `init_app`)."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
    for column in columns:
        attribute = getattr(model, column)
        # Active history loads the old value on assignment, so a change is always seen.
        if not event.contains(attribute, "set", _noop_set):
            event.listen(attribute, "set", _noop_set, active_history=True)
    _KEPT.setdefault(model, {})[name] = _Kept(name, columns, counted)


def recount(name: str, space_id: int, statement: Any) -> None:
    """Set the counter to the number of rows `statement` selects (the counted rows of the
    space), after bulk statements that bypass the session."""
    total = db.session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    db.session.execute(SpaceCount.__table__.delete().where(
        SpaceCount.space_id == space_id, SpaceCount.name == name))
    bump(space_id, name, int(total))


def _noop_set(target: Any, value: Any, oldvalue: Any, initiator: Any) -> Any:
    return value


def _values(item: Any, columns: tuple[str, ...], before: bool) -> dict[str, Any]:
    state = sa_inspect(item)
    values = {}
    for column in columns:
        history = state.attrs[column].history
        if before and history.has_changes():
            old = history.deleted[0] if history.deleted else None
            values[column] = None if old is NO_VALUE else old
        else:
            values[column] = getattr(item, column)
    return values


def _before_flush(session: Session, flush_context: Any, instances: Any) -> None:
    if not _KEPT:
        return
    deltas: dict[tuple[int, str], int] = {}

    def add(space_id: int | None, name: str, delta: int) -> None:
        if space_id is not None and delta:
            deltas[(space_id, name)] = deltas.get((space_id, name), 0) + delta

    for item in session.new:
        for kept in _KEPT.get(type(item), {}).values():
            add(item.space_id, kept.name, int(kept.counted(_values(item, kept.columns, False))))
    for item in session.dirty:
        for kept in _KEPT.get(type(item), {}).values():
            before = kept.counted(_values(item, kept.columns, True))
            after = kept.counted(_values(item, kept.columns, False))
            add(item.space_id, kept.name, int(after) - int(before))
    for item in session.deleted:
        for kept in _KEPT.get(type(item), {}).values():
            add(item.space_id, kept.name, -int(kept.counted(_values(item, kept.columns, True))))
    for (space_id, name), delta in sorted(deltas.items()):
        _bump_in(session, space_id, name, delta)


def _bump_in(session: Session, space_id: int, name: str, delta: int) -> None:
    """`bump` on the flushing session's own connection (inside its transaction)."""
    if not delta:
        return
    table = SpaceCount.__table__
    connection = session.connection()
    statement = upsert_insert(table, connection).values(space_id=space_id, name=name,
                                                        count=delta)
    connection.execute(statement.on_conflict_do_update(
        index_elements=["space_id", "name"], set_={"count": table.c.count + delta}))
