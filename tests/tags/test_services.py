"""Tags: two requests creating the same new tag at once both succeed with one tag row."""

from __future__ import annotations

import threading
import time

from flask import Flask
from sqlalchemy import func, select

from decide.extensions import db
from decide.tags.models import Tag, Tagging
from decide.tags.services import set_tags
from tests.debates.helpers import space


def _aurora_id(app: Flask) -> int:
    with app.app_context():
        return space("aurora").id


def test_two_transactions_creating_the_same_new_tag(app: Flask) -> None:
    """The first transaction creates "Shade" and has not committed yet when the second looks
    for it (and does not see it): the second must wait and reuse it, not fail."""
    space_id = _aurora_id(app)
    first_inserted = threading.Event()
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with app.app_context():
                set_tags(space_id, "debate", 1, ["Shade"])
                first_inserted.set()
                time.sleep(0.5)  # the second transaction is now looking for the tag
                db.session.commit()
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
            first_inserted.set()

    def second() -> None:
        try:
            first_inserted.wait(10)
            with app.app_context():
                set_tags(space_id, "debate", 2, ["shade"])
                db.session.commit()
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    with app.app_context():
        tags = db.session.scalars(select(Tag).where(Tag.space_id == space_id)).all()
        assert [(t.slug, t.name, t.taggings_count) for t in tags] == [("shade", "Shade", 2)]
        assert db.session.scalar(select(func.count(Tagging.id))) == 2


def test_many_requests_creating_the_same_tags(app: Flask) -> None:
    space_id = _aurora_id(app)
    start = threading.Barrier(8)
    errors: list[BaseException] = []

    def tag(target_id: int) -> None:
        try:
            with app.app_context():
                start.wait(10)
                set_tags(space_id, "debate", target_id, ["Trees", "Shade", f"Own {target_id}"])
                db.session.commit()
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=tag, args=(n,)) for n in range(1, 9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    with app.app_context():
        counts = dict(db.session.execute(
            select(Tag.slug, Tag.taggings_count).where(Tag.space_id == space_id)).all())
    assert counts["trees"] == counts["shade"] == 8
    assert len(counts) == 10


def test_set_tags_replaces_and_counts(app: Flask) -> None:
    space_id = _aurora_id(app)
    with app.app_context():
        set_tags(space_id, "debate", 1, ["Trees", "Shade"])
        db.session.commit()
        set_tags(space_id, "debate", 1, ["Shade", "Water"])
        db.session.commit()
        counts = dict(db.session.execute(select(Tag.slug, Tag.taggings_count)).all())
    assert counts == {"trees": 0, "shade": 1, "water": 1}
