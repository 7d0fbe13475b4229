"""One support per person under real concurrent requests; counters equal rows."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from decide.extensions import db
from decide.proposals.models import Proposal, ProposalSupport
from tests.debates.test_concurrency import Browser
from tests.proposals.helpers import new_proposal, set_settings


def test_parallel_identical_supports_count_once(app, live_server, make_user) -> None:
    make_user("ana")
    make_user("vera", verified=True)
    proposal_id = new_proposal(app)
    browser = Browser(live_server, "vera")
    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(
            lambda _: browser.post(f"/aurora/proposals/{proposal_id}/support"), range(24)))
    assert all(status in (200, 409) for status in statuses), statuses
    with app.app_context():
        assert db.session.scalar(select(func.count(ProposalSupport.id))) == 1
        assert db.session.get(Proposal, proposal_id).supports_count == 1


def test_many_people_supporting_at_once_all_count_and_succeed_once(app, live_server,
                                                                    make_user) -> None:
    make_user("ana")
    people = [f"resident{n}" for n in range(16)]
    for name in people:
        make_user(name, verified=True)
    set_settings(app, "aurora", support_threshold=10)
    proposal_id = new_proposal(app)
    browsers = [Browser(live_server, name) for name in people]
    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(
            lambda b: b.post(f"/aurora/proposals/{proposal_id}/support"), browsers))
    # Ten supports reach the goal; the rest are told it is reached (403), none fails.
    assert statuses.count(200) == 10 and all(s in (200, 403) for s in statuses), statuses
    with app.app_context():
        proposal = db.session.get(Proposal, proposal_id)
        rows = db.session.scalar(select(func.count(ProposalSupport.id)))
        assert rows == proposal.supports_count == 10
        assert proposal.successful_at is not None
