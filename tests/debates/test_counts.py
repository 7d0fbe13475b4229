"""The space's number of visible debates is a counter kept with every write: it always equals
a live count of the rows, through starting, hiding, restoring, blocking and rollbacks."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from decide.accounts.services import find_by_username
from decide.debates import queries
from decide.debates.models import Debate
from decide.extensions import db
from decide.moderation import services as moderation
from tests.debates.helpers import new_debate, space
from tests.moderation.helpers import flag_by
from tests.proposals.helpers import set_settings


def _kept_and_live(app, where: str = "aurora") -> tuple[int, int]:
    with app.app_context():
        here = space(where)
        live = db.session.scalar(select(func.count()).select_from(
            queries.counted(here).subquery()))
        return queries.debate_count(here), live


def _moderate(app, action: str, debate_id: int, where: str = "aurora") -> None:
    with app.test_request_context():
        getattr(moderation, action)(find_by_username("mod"), space(where), "debate", debate_id)


def test_counter_follows_start_hide_restore(app, make_user) -> None:
    make_user("ana")
    make_user("mod", roles=[("city", "aurora", "moderator"), ("city", "borealis", "moderator")])
    assert _kept_and_live(app) == (0, 0)
    ids = [new_debate(app, title=f"Debate number {n}") for n in range(3)]
    new_debate(app, where="borealis")
    assert _kept_and_live(app) == (3, 3)
    assert _kept_and_live(app, "borealis") == (1, 1)

    _moderate(app, "hide", ids[0])
    _moderate(app, "hide", ids[0])  # hiding again changes nothing
    assert _kept_and_live(app) == (2, 2)
    _moderate(app, "restore", ids[0])
    _moderate(app, "restore", ids[0])
    assert _kept_and_live(app) == (3, 3)
    with app.test_request_context():
        moderation.hide_items(find_by_username("mod"), space("aurora"), "debate", ids)
    assert _kept_and_live(app) == (0, 0)
    assert _kept_and_live(app, "borealis") == (1, 1)  # another space's counter stays


def test_counter_follows_automatic_hiding_and_blocking(app, make_user) -> None:
    make_user("ana")
    make_user("troll")
    make_user("mod", roles=[("city", "aurora", "moderator")])
    new_debate(app)
    flagged = new_debate(app, author="troll", title="Flagged debate")
    new_debate(app, author="troll", title="Another troll debate")
    elsewhere = new_debate(app, author="troll", where="borealis")
    set_settings(app, "aurora", auto_hide_flags=2)
    flag_by(app, make_user, "debate", flagged, 2)
    assert _kept_and_live(app) == (2, 2)

    with app.test_request_context():
        moderation.block_authors(find_by_username("mod"), space("aurora"),
                                 [find_by_username("troll").id])
    assert _kept_and_live(app) == (1, 1)
    assert _kept_and_live(app, "borealis") == (0, 0)  # blocking hides them everywhere
    with app.app_context():
        assert db.session.get(Debate, elsewhere).hidden_at is not None


def test_rolled_back_change_moves_nothing(app, make_user) -> None:
    make_user("ana")
    debate_id = new_debate(app)
    with app.app_context():
        here = space("aurora")
        author_id = find_by_username("ana").id
        db.session.add_all([Debate(space_id=here.id, author_id=author_id, title="Never saved",
                                   description="x", description_html="x", locale="en")
                            for _ in range(2)])
        db.session.flush()
        assert queries.debate_count(here) == 3  # inside the transaction
        db.session.rollback()
        db.session.get(Debate, debate_id).hidden_at = func.now()
        db.session.flush()
        assert queries.debate_count(here) == 0
        db.session.rollback()
    assert _kept_and_live(app) == (1, 1)


def test_concurrent_starts_all_count(app, make_user) -> None:
    """Each thread has its own app context, so its own session and connection."""
    people = [f"writer{n}" for n in range(8)]
    for name in people:
        make_user(name)

    def start(name: str) -> int:
        return new_debate(app, author=name, title=f"Debate by {name}")

    with ThreadPoolExecutor(max_workers=len(people)) as pool:
        ids = list(pool.map(start, people * 3))
    assert len(set(ids)) == 24
    assert _kept_and_live(app) == (24, 24)


def test_reading_the_total_is_one_query(app, make_user, count_queries) -> None:
    make_user("ana")
    for n in range(4):
        new_debate(app, title=f"Debate number {n}")
    with app.app_context():
        here = space("aurora")
        with count_queries() as counter:
            assert queries.debate_count(here) == 4
    assert counter.count == 1  # one indexed lookup, whatever the number of debates


def test_declaring_the_counter_again_does_not_count_twice(app, make_user) -> None:
    from decide.debates.module import module

    module.init_app(app)  # apps are created many times; the counter is declared each time
    make_user("ana")
    new_debate(app)
    assert _kept_and_live(app) == (1, 1)
