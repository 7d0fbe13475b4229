"""Counters kept on the space: an upsert moving the count in SQL, read with one lookup."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from decide.cities.models import Space
from decide.core import counts
from decide.extensions import db
from tests.debates.helpers import space


def test_bump_creates_then_moves_the_counter(app) -> None:
    with app.app_context():
        aurora, borealis = space("aurora"), space("borealis")
        assert counts.read(aurora, "things") == 0  # never counted
        counts.bump(aurora.id, "things", 3)
        counts.bump(aurora.id, "things", -1)
        counts.bump(aurora.id, "things", 0)
        counts.bump(aurora.id, "others", 5)
        counts.bump(borealis.id, "things", 7)
        db.session.commit()
        assert counts.read(aurora, "things") == 2
        assert counts.read(aurora, "others") == 5
        assert counts.read(borealis, "things") == 7


def test_bump_is_undone_with_its_transaction(app) -> None:
    with app.app_context():
        aurora = space("aurora")
        counts.bump(aurora.id, "things", 1)
        db.session.commit()
        counts.bump(aurora.id, "things", 10)
        assert counts.read(aurora, "things") == 11
        db.session.rollback()
        assert counts.read(aurora, "things") == 1


def test_recount_sets_the_counter_from_rows(app) -> None:
    with app.app_context():
        aurora = space("aurora")
        counts.bump(aurora.id, "spaces", 40)
        counts.recount("spaces", aurora.id, select(Space.id).where(Space.slug == "aurora"))
        db.session.commit()
        assert counts.read(aurora, "spaces") == 1


def test_concurrent_bumps_lose_nothing(app) -> None:
    with app.app_context():
        aurora_id = space("aurora").id

    def bump_five(_: int) -> None:
        # Each thread's app context has its own session, connection and transaction.
        with app.app_context():
            for _n in range(5):
                counts.bump(aurora_id, "things", 1)
                db.session.commit()

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(bump_five, range(8)))
    with app.app_context():
        assert counts.read(space("aurora"), "things") == 40
