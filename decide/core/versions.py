"""Content versions: a number per space (and one for the deployment) that moves with every
write a signed-out visitor could see, in the same transaction as the write.

The page cache (`decide.core.pagecache`) keys what it keeps by these numbers, so a cached page
can never outlive the data it shows: once a write is committed its version is too, and the next
request looks for a page under the new number.

Which scope a write moves:
- a row with a `space_id` (every space-owned row, written through the session) moves its
  space's version;
- a row of a table that hangs from a space-owned one (a vote, a ballot, a budget's heading:
  it has a foreign key to a table with `space_id`), and a statement run through the session
  (`update(...)`, `insert(...)`) on either kind of table, moves the current request's space
  (`g.space`): such writes change the space the request is about;
- anything else (accounts, spaces, memberships, textual SQL, writes outside a request) moves
  the deployment's version, which every cached page depends on.

What never shows on a page a signed-out visitor sees is declared on the model, so that signing
in or reading notifications does not empty the cache: `__hidden_from_visitors__ = True` for a
whole table, or a set of column names (e.g. a person's failed sign-ins). A statement can say
the same with `.execution_options(hidden_from_visitors=True)`.

Moving a version is an upsert (`version = version + 1`) on `content_versions` just before the
commit; a rolled-back transaction moves nothing. A scope's version is spread over SHARDS rows
(its value is their sum) and each transaction moves one of them at random, so concurrent
writers in one space rarely wait for the same row lock (with one row, every vote of a city
queued on it until its commit: a raw loop of votes fell from about 2,300 to 900 a second).
Scopes are moved in a fixed order, so two transactions never wait for each other in a cycle.
"""

from __future__ import annotations

import contextlib
import os
import random
import threading
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask import g, has_app_context
from sqlalchemy import BigInteger, Connection, Engine, Integer, Row, TextClause, event, text
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column
from sqlalchemy.sql.expression import TableClause

from decide.core.db import UTCDateTime, upsert_insert, utcnow
from decide.extensions import db

# The scope of writes that are not confined to one space; 0 is never a space's id.
DEPLOYMENT = 0
_PENDING = "decide.content_scopes"
SHARDS = 8


class ContentVersion(db.Model):
    """How many committed transactions changed what a space (or the deployment) shows."""

    __tablename__ = "content_versions"
    __hidden_from_visitors__ = True

    scope: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False,
                                       comment="0: the deployment; else spaces.id")
    shard: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False,
                                       comment="0..SHARDS-1; the scope's version is the sum")
    version: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


def _hidden_columns(model: type) -> bool | frozenset[str]:
    declared = getattr(model, "__hidden_from_visitors__", False)
    return declared if isinstance(declared, bool) else frozenset(declared)


def _request_space_id() -> int | None:
    if not has_app_context():
        return None
    space = g.get("space")
    return getattr(space, "id", None)


def _in_a_space(table: TableClause) -> bool:
    """True when the table's rows belong to one space: it has `space_id`, or a foreign key to
    a table that has."""
    if "space_id" in table.c:
        return True
    return any("space_id" in key.column.table.c for key in table.foreign_keys)


def _request_scope(table: TableClause) -> int:
    space_id = _request_space_id()
    return space_id if space_id is not None and _in_a_space(table) else DEPLOYMENT


def _scope_of_row(item: Any, changed: Iterable[str] | None) -> int | None:
    """The scope a new, changed (`changed` attribute names) or deleted row moves; None when
    nothing of it shows to visitors."""
    hidden = _hidden_columns(type(item))
    if hidden is True:
        return None
    if changed is not None and hidden and set(changed) <= hidden:
        return None
    space_id = getattr(item, "space_id", None)
    if space_id is None:  # set through the relationship only: the id comes with the flush
        space_id = getattr(item.__dict__.get("space"), "id", None)
    if isinstance(space_id, int):
        return space_id
    return _request_scope(sa_inspect(item).mapper.local_table)


def _pending(session: Session) -> set[int]:
    return session.info.setdefault(_PENDING, set())


def _changed_attributes(item: Any) -> list[str]:
    state = sa_inspect(item)
    return [attr.key for attr in state.attrs if attr.history.has_changes()]


def _before_flush(session: Session, flush_context: Any, instances: Any) -> None:
    scopes = _pending(session)
    for item in session.new:
        scope = _scope_of_row(item, None)
        if scope is not None:
            scopes.add(scope)
    for item in session.deleted:
        scope = _scope_of_row(item, None)
        if scope is not None:
            scopes.add(scope)
    for item in session.dirty:
        changed = _changed_attributes(item)
        if not changed:
            continue  # only touched (e.g. a relationship loaded), nothing to write
        scope = _scope_of_row(item, changed)
        if scope is not None:
            scopes.add(scope)
            # A row moved to another space changes what the old one shows too.
            history = sa_inspect(item).attrs.space_id.history if hasattr(item, "space_id") \
                else None
            if history is not None and history.deleted:
                scopes.update(s for s in history.deleted if isinstance(s, int))


def _statement_scope(state: ORMExecuteState) -> int | None:
    if state.execution_options.get("hidden_from_visitors"):
        return None
    statement = state.statement
    table = getattr(statement, "table", None)
    if table is None:
        return DEPLOYMENT  # text() or something else we cannot read: be safe
    mapper = state.bind_mapper
    if mapper is not None and _hidden_columns(mapper.class_) is True:
        return None
    if not isinstance(table, TableClause):  # a Table, or a lightweight `table()`
        return DEPLOYMENT
    if table.name == ContentVersion.__tablename__:
        return None
    if state.is_insert and "space_id" in table.c:
        inserted = _inserted_space_ids(state)
        if len(inserted) == 1:
            return inserted.pop()
    return _request_scope(table)


def _inserted_space_ids(state: ORMExecuteState) -> set[Any]:
    """The `space_id` values an INSERT writes, from its parameters or its VALUES."""
    rows = state.parameters
    if isinstance(rows, dict):
        rows = [rows]
    found = [row.get("space_id") for row in rows or () if isinstance(row, dict) and row]
    if not found:
        found = [state.statement.compile(bind=state.session.get_bind()).params
                 .get("space_id")]
    return set(found) if all(isinstance(value, int) for value in found) else set()


def _do_orm_execute(state: ORMExecuteState) -> None:
    if state.is_select:
        return
    is_write = state.is_insert or state.is_update or state.is_delete
    if not is_write:
        # A textual statement: only its first word says whether it writes.
        sql = str(state.statement).lstrip().split(None, 1)
        if not sql or sql[0].upper() not in ("INSERT", "UPDATE", "DELETE", "MERGE"):
            return
    scope = _statement_scope(state)
    if scope is not None:
        _pending(state.session).add(scope)


def _before_commit(session: Session) -> None:
    # The last flush happens after this hook: flush now so its rows are counted here.
    session.flush()
    scopes = session.info.pop(_PENDING, None)
    if scopes:
        bump(session, scopes)


def _after_transaction_end(session: Session, transaction: Any) -> None:
    if transaction.parent is None:  # the outermost transaction ended: rolled back or done
        session.info.pop(_PENDING, None)


def bump(session: Session, scopes: Iterable[int]) -> None:
    """Move each scope's version by one on the session's connection, in a fixed order."""
    table = ContentVersion.__table__
    connection = session.connection()
    now = utcnow()
    for scope in sorted(set(scopes)):
        statement = upsert_insert(table, connection).values(
            scope=scope, shard=random.randrange(SHARDS), version=1, changed_at=now)
        connection.execute(statement.on_conflict_do_update(
            index_elements=["scope", "shard"],
            set_={"version": table.c.version + 1, "changed_at": now}))


def install() -> None:
    """Listen to every session once per process (apps are created many times in tests)."""
    for name, listener in (("before_flush", _before_flush),
                           ("do_orm_execute", _do_orm_execute),
                           ("before_commit", _before_commit),
                           ("after_transaction_end", _after_transaction_end)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


# Read on every visitor's request before anything else: plain SQL built once, on one connection
# each worker process keeps open in autocommit mode. A kept page then costs one round trip to
# the database: no pool checkout and ping, no BEGIN, no ROLLBACK (those were three quarters of
# the time of a page served from the cache). Each statement sees every committed write, so the
# versions are never older than what the page rendered after them reads. One connection per
# process, behind a lock, not one per thread: servers that start a thread per request (the
# development server) would otherwise leave a connection checked out by every finished thread
# until the garbage collector found it, and run the pool dry.
_SPACE_VERSIONS = text(
    "SELECT scope, sum(version) AS version, max(changed_at) AS changed_at "
    "FROM content_versions WHERE scope = 0 OR scope = "
    "(SELECT id FROM spaces WHERE kind = :kind AND slug = :slug) GROUP BY scope"
).columns(scope=Integer, version=BigInteger, changed_at=UTCDateTime)
_ALL_VERSIONS = text(
    "SELECT coalesce(sum(version), 0) AS version, max(changed_at) AS changed_at "
    "FROM content_versions"
).columns(version=BigInteger, changed_at=UTCDateTime)
_reader_lock = threading.Lock()
_reader: dict[str, Any] = {"connection": None, "owner": None}


def _read(statement: TextClause, params: dict[str, Any] | None = None) -> list[Row[Any]]:
    engine = db.engine
    with _reader_lock:
        connection = _reader["connection"]
        if connection is None or _reader["owner"] != (engine, os.getpid()):
            connection = _connect(engine)
        try:
            return list(connection.execute(statement, params or {}).all())
        except DBAPIError:
            # The database restarted or dropped the connection: one fresh try.
            connection.invalidate()
            return list(_connect(engine).execute(statement, params or {}).all())


def _connect(engine: Engine) -> Connection:
    """A new reading connection (the lock is held); the previous one goes back to its pool,
    unless it belongs to a parent process (a forked worker must not touch it)."""
    previous, owner = _reader["connection"], _reader["owner"]
    if previous is not None and owner is not None and owner[1] == os.getpid():
        with contextlib.suppress(Exception):
            previous.close()
    connection = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    _reader["connection"], _reader["owner"] = connection, (engine, os.getpid())
    return connection


def space_versions(kind: str, slug: str) -> tuple[tuple[int, int], datetime | None]:
    """(deployment version, space version) for the space `kind`/`slug`, and when either last
    moved; one indexed query, without loading the space."""
    rows = _read(_SPACE_VERSIONS, {"kind": kind, "slug": slug})
    deployment = next((row.version for row in rows if row.scope == DEPLOYMENT), 0)
    space = next((row.version for row in rows if row.scope != DEPLOYMENT), 0)
    return (deployment, space), max((row.changed_at for row in rows), default=None)


def all_versions() -> tuple[int, datetime | None]:
    """One number that moves with every write anywhere (the sum of every row: versions only
    grow and rows are never removed), and when the last one happened."""
    total, changed_at = _read(_ALL_VERSIONS)[0]
    return int(total), changed_at
