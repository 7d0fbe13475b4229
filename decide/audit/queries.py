"""Reading the audit trail."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from decide.accounts.models import User
from decide.audit.models import AuditEvent
from decide.core.spaces import Space
from decide.core.targets import TARGETS
from decide.extensions import db

# Object types that are not declared targets (accounts, geozones, settings...): type ->
# function(ids, space or None) -> {id: url} of those that still exist. Modules add theirs with
# `register_object_link` (declared targets are linked through their declaration).
OBJECT_LINKS: dict[str, Callable[[list[int], Space | None], dict[int, str]]] = {}


def register_object_link(object_type: str,
                         links: Callable[[list[int], Space | None], dict[int, str]]) -> None:
    OBJECT_LINKS[object_type] = links


def events_for(target: Any, limit: int = 50) -> list[AuditEvent]:
    """The newest events about `target` (a declared target), with their actors."""
    return list(db.session.scalars(
        select(AuditEvent).where(AuditEvent.space_id == target.space_id,
                                 AuditEvent.target_type == target.target_name,
                                 AuditEvent.target_id == target.id)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()).limit(limit)
        .options(joinedload(AuditEvent.actor))))


@dataclass
class TrailFilter:
    """What the trail page was asked to show; dates are whole days in `timezone`."""

    action: str = ""
    actor: str = ""
    object_type: str = ""
    since: date | None = None
    until: date | None = None
    space_id: int | None = None
    timezone: str = "UTC"

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        """UTC instants: from the start of `since` to the end of `until`, local time."""
        zone = ZoneInfo(self.timezone)
        start = end = None
        if self.since:
            start = datetime.combine(self.since, time.min, zone).astimezone(UTC)
        if self.until:
            end = datetime.combine(self.until + timedelta(days=1), time.min,
                                   zone).astimezone(UTC)
        return start, end


def trail(space: Space | None, wanted: TrailFilter) -> Select[tuple[AuditEvent]]:
    """Events of `space` (every space when None) matching the filter, newest first."""
    statement = select(AuditEvent)
    if space is not None:
        statement = statement.where(AuditEvent.space_id == space.id)
    elif wanted.space_id:
        statement = statement.where(AuditEvent.space_id == wanted.space_id)
    if wanted.action:
        statement = statement.where(AuditEvent.action == wanted.action)
    if wanted.object_type:
        statement = statement.where(AuditEvent.target_type == wanted.object_type)
    if wanted.actor:
        actors = select(User.id).where(User.username_lower == wanted.actor.strip().lower())
        statement = statement.where(AuditEvent.actor_id.in_(actors))
    start, end = wanted.bounds()
    if start is not None:
        statement = statement.where(AuditEvent.created_at >= start)
    if end is not None:
        statement = statement.where(AuditEvent.created_at < end)
    return statement.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())


def with_details(statement: Select[tuple[AuditEvent]]) -> Select[tuple[AuditEvent]]:
    return statement.options(joinedload(AuditEvent.actor), joinedload(AuditEvent.space))


def choices(space: Space | None) -> tuple[list[str], list[str]]:
    """The actions and object types the trail holds (for the filter's lists)."""
    def distinct(column: Any) -> list[str]:
        statement = select(column).where(column.is_not(None)).distinct().order_by(column)
        if space is not None:
            statement = statement.where(AuditEvent.space_id == space.id)
        return list(db.session.scalars(statement))

    return distinct(AuditEvent.action), distinct(AuditEvent.target_type)


def object_links(events: list[AuditEvent], space: Space | None) -> dict[tuple[str, int], str]:
    """(type, id) -> address of each event's object that still exists: one query per object
    type on the page, whatever the number of events."""
    wanted: dict[str, set[int]] = {}
    for event in events:
        if event.target_type and event.target_id is not None:
            wanted.setdefault(event.target_type, set()).add(event.target_id)
    links: dict[tuple[str, int], str] = {}
    for object_type, ids in wanted.items():
        target = TARGETS.get(object_type)
        if target is not None:
            model = target.model
            statement = select(model).where(model.id.in_(ids))
            if space is not None:
                statement = statement.where(model.space_id == space.id)
            for obj in db.session.scalars(statement):
                try:
                    links[(object_type, obj.id)] = target.url(obj)
                except Exception:  # noqa: BLE001 - an object its page cannot show: no link
                    continue
        elif object_type in OBJECT_LINKS:
            for object_id, url in OBJECT_LINKS[object_type](sorted(ids), space).items():
                links[(object_type, object_id)] = url
    return links


def stream(statement: Select[tuple[AuditEvent]], batch: int = 500) -> Iterator[AuditEvent]:
    """Every event of `statement`, fetched `batch` at a time (a CSV of the whole trail never
    holds it all in memory)."""
    offset = 0
    while True:
        rows = list(db.session.scalars(with_details(statement).limit(batch).offset(offset)))
        yield from rows
        if len(rows) < batch:
            return
        offset += batch

