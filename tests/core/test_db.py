"""Database helpers: the write lock keeps the caller's transaction."""

from __future__ import annotations

from sqlalchemy import func, select

from decide.core.db import sqlite_write_lock
from decide.extensions import db
from decide.tags.models import Tag
from tests.debates.helpers import space


def test_write_lock_keeps_one_transaction_per_use_case(app) -> None:
    """Taking the lock must not commit what the use case already did: a refusal after it
    rolls everything back."""
    with app.test_request_context():
        db.session.add(Tag(space_id=space("aurora").id, name="pending", slug="pending"))
        db.session.flush()
        sqlite_write_lock()  # a no-op on PostgreSQL, which locks rows instead
        db.session.rollback()
        assert db.session.scalar(select(func.count(Tag.id))) == 0
