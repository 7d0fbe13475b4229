"""Engine tuning per backend."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

# How long a SQLite connection waits for the database-wide write lock before giving up with
# "database is locked". Every write transaction holds that lock while it runs, so a burst of
# writers forms a queue: 200 simultaneous votes took 10.6 s to drain on a 2-core machine, past
# the former 10 s, and the last ones failed. A minute covers bursts far beyond what one host
# serves; a request still waiting then gets a 503 with Retry-After (decide.core.errors).
SQLITE_BUSY_TIMEOUT_MS = 60_000


def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # Foreign keys are off by default in SQLite; WAL lets readers and one writer work together.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    # The busy timeout only helps a transaction whose first statement takes the write lock: one
    # that read first and then writes fails at once when another writer got in between. pysqlite
    # (in its default mode, kept here) opens a transaction only at the first INSERT, UPDATE or
    # DELETE, so reads before it hold no snapshot; code that must read and then write under the
    # lock takes it first (decide.core.db.sqlite_write_lock).
    cursor.close()


def init_app(app: Flask) -> None:
    from decide.extensions import db

    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
