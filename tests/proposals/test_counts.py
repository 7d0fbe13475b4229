"""The space's number of published, visible proposals is a counter kept with every write: it
equals a live count through drafting, publishing, retiring, hiding and restoring."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from decide.accounts.services import find_by_username
from decide.extensions import db
from decide.moderation import services as moderation
from decide.proposals import queries, services
from decide.proposals.models import Proposal
from tests.debates.helpers import space
from tests.proposals.helpers import new_proposal


def _kept_and_live(app, where: str = "aurora") -> tuple[int, int]:
    with app.app_context():
        here = space(where)
        live = db.session.scalar(select(func.count()).select_from(
            queries.counted(here).subquery()))
        return queries.proposal_count(here), live


def _moderate(app, action: str, proposal_id: int) -> None:
    with app.test_request_context():
        getattr(moderation, action)(find_by_username("mod"), space("aurora"), "proposal",
                                    proposal_id)


def test_counter_follows_the_life_of_proposals(app, make_user) -> None:
    make_user("ana")
    make_user("mod", roles=[("city", "aurora", "moderator")])
    draft = new_proposal(app, title="A draft for later", publish=False)
    assert _kept_and_live(app) == (0, 0)  # drafts do not count
    published = [new_proposal(app, title=f"Published proposal {n}") for n in range(3)]
    new_proposal(app, where="borealis")
    assert _kept_and_live(app) == (3, 3)
    assert _kept_and_live(app, "borealis") == (1, 1)

    with app.test_request_context():
        services.publish(find_by_username("ana"), db.session.get(Proposal, draft))
    assert _kept_and_live(app) == (4, 4)

    with app.test_request_context():
        services.retire(find_by_username("ana"), db.session.get(Proposal, published[0]),
                        "done", "Someone else did it.")
    assert _kept_and_live(app) == (4, 4)  # retired proposals still count, as before

    _moderate(app, "hide", published[1])
    assert _kept_and_live(app) == (3, 3)
    _moderate(app, "restore", published[1])
    assert _kept_and_live(app) == (4, 4)
    _moderate(app, "hide", draft)
    _moderate(app, "hide", published[2])
    assert _kept_and_live(app) == (2, 2)
    assert _kept_and_live(app, "borealis") == (1, 1)


def test_hiding_an_unpublished_draft_moves_nothing(app, make_user) -> None:
    make_user("ana")
    draft = new_proposal(app, publish=False)
    with app.app_context():
        db.session.get(Proposal, draft).hidden_at = func.now()
        db.session.commit()
        db.session.get(Proposal, draft).hidden_at = None
        db.session.commit()
    assert _kept_and_live(app) == (0, 0)


def test_concurrent_publishing_all_counts(app, make_user) -> None:
    people = [f"author{n}" for n in range(6)]
    for name in people:
        make_user(name)
    drafts = [(name, new_proposal(app, author=name, title=f"Proposal by {name} {n}",
                                  publish=False))
              for n in range(3) for name in people]

    def publish(pair: tuple[str, int]) -> None:
        name, proposal_id = pair
        with app.test_request_context():
            services.publish(find_by_username(name), db.session.get(Proposal, proposal_id))

    with ThreadPoolExecutor(max_workers=len(people)) as pool:
        list(pool.map(publish, drafts))
    assert _kept_and_live(app) == (18, 18)


def test_migration_back_fill_counts_what_the_counters_keep(app, make_user) -> None:
    """Rebuilding the counters with 0015's back-fill gives the counters kept so far."""
    import importlib.util
    from pathlib import Path

    from sqlalchemy import text

    from decide.core.counts import SpaceCount
    from decide.debates import queries as debates
    from tests.debates.helpers import new_debate

    path = Path(__file__).parents[2] / "migrations" / "versions" / "0015_space_counts.py"
    spec = importlib.util.spec_from_file_location("migration_0015", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)

    make_user("ana")
    make_user("mod", roles=[("city", "aurora", "moderator")])
    new_proposal(app, title="A draft for later", publish=False)
    hidden = new_proposal(app, title="Published then hidden")
    new_proposal(app, title="Published and shown")
    new_proposal(app, where="borealis")
    new_debate(app)
    new_debate(app, where="borealis")
    _moderate(app, "hide", hidden)

    def kept() -> list[tuple[int, int]]:
        with app.app_context():
            return [(queries.proposal_count(s), debates.debate_count(s))
                    for s in (space("aurora"), space("borealis"))]

    before = kept()
    assert before == [(1, 1), (1, 1)]
    with app.app_context():
        db.session.execute(SpaceCount.__table__.delete())
        for statement in migration.BACKFILL:
            db.session.execute(text(statement))
        db.session.commit()
    assert kept() == before
