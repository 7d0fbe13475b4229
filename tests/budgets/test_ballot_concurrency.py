"""Ballot limits hold under real concurrent requests of one person (PostgreSQL in CI: the
ballot row is locked with SELECT ... FOR UPDATE; SQLite: the write lock): many parallel
"add" posts for different projects never leave a ballot over its limit, and every project's
votes_count equals its line rows."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from decide.budgets.models import Ballot, BallotLine, Project
from decide.extensions import db
from tests.budgets.helpers import new_budget, new_project
from tests.debates.test_concurrency import Browser


def _post_all(browser: Browser, path: str, project_ids: list[int]) -> list[int]:
    with ThreadPoolExecutor(max_workers=len(project_ids)) as pool:
        return list(pool.map(lambda pid: browser.post(path, project_id=str(pid)), project_ids))


def _check_counters(app) -> None:
    with app.app_context():
        lines = dict(db.session.execute(
            select(BallotLine.project_id, func.count(BallotLine.id))
            .group_by(BallotLine.project_id)).all())
        for project_id, votes in db.session.execute(select(Project.id, Project.votes_count)):
            assert votes == lines.get(project_id, 0), project_id


def test_parallel_adds_never_exceed_the_knapsack_money(app, live_server, make_user) -> None:
    make_user("author")
    make_user("voter", verified=True)
    budget = new_budget(app, phase="balloting", amounts=(1000,))
    projects = [new_project(app, budget, "author", price=150, selected=True,
                            title=f"Project number {n}") for n in range(16)]
    browser = Browser(live_server, "voter")
    statuses = _post_all(browser, f"/aurora/budgets/{budget['id']}/ballot/add", projects)
    # 200: added (the redirect to the ballot page followed); 409: over the limit.
    assert set(statuses) <= {200, 409}, statuses
    assert statuses.count(200) == 6, statuses  # 6 × 150 = 900 ≤ 1000 < 7 × 150
    with app.app_context():
        assert db.session.scalar(select(func.count(Ballot.id))) == 1
        spent = db.session.scalar(select(func.sum(BallotLine.cost)))
        assert spent == 900
    _check_counters(app)


def test_parallel_adds_never_exceed_the_approval_count(app, live_server, make_user) -> None:
    make_user("author")
    make_user("voter", verified=True)
    budget = new_budget(app, phase="balloting", amounts=(1000,), voting_style="approval",
                        max_projects=3)
    projects = [new_project(app, budget, "author", price=500, selected=True,
                            title=f"Project number {n}") for n in range(12)]
    browser = Browser(live_server, "voter")
    statuses = _post_all(browser, f"/aurora/budgets/{budget['id']}/ballot/add", projects)
    assert set(statuses) <= {200, 409}, statuses
    with app.app_context():
        assert db.session.scalar(select(func.count(BallotLine.id))) == 3
    _check_counters(app)


def test_parallel_adds_in_two_headings_keep_one_heading(app, live_server, make_user) -> None:
    make_user("author")
    make_user("voter", verified=True)
    budget = new_budget(app, phase="balloting", amounts=(1000, 1000))
    projects = [new_project(app, budget, "author", price=10, selected=True, heading=n % 2,
                            title=f"Project number {n}") for n in range(12)]
    browser = Browser(live_server, "voter")
    statuses = _post_all(browser, f"/aurora/budgets/{budget['id']}/ballot/add", projects)
    assert set(statuses) <= {200, 409}, statuses
    with app.app_context():
        headings = set(db.session.scalars(select(BallotLine.heading_id)))
        assert len(headings) == 1
        assert db.session.scalar(select(func.count(BallotLine.id))) == 6
    _check_counters(app)


def test_parallel_adds_and_removes_keep_counters_exact(app, live_server, make_user) -> None:
    make_user("author")
    make_user("voter", verified=True)
    budget = new_budget(app, phase="balloting", amounts=(10_000,))
    projects = [new_project(app, budget, "author", price=100, selected=True,
                            title=f"Project number {n}") for n in range(8)]
    browser = Browser(live_server, "voter")
    base = f"/aurora/budgets/{budget['id']}/ballot"

    def churn(project_id: int) -> list[int]:
        return [browser.post(f"{base}/add", project_id=str(project_id)),
                browser.post(f"{base}/remove", project_id=str(project_id)),
                browser.post(f"{base}/add", project_id=str(project_id))]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(churn, projects))
    assert all(status == 200 for trio in results for status in trio), results
    with app.app_context():
        assert db.session.scalar(select(func.count(BallotLine.id))) == 8
    _check_counters(app)
