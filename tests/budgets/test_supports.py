"""Supports of budget projects: in the selecting phase only, by verified residents (never
organisations), in at most the group's number of headings, removable while the phase lasts,
counted in SQL (and per city in alliances)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select, update

from decide.budgets.models import Project, ProjectSupport
from decide.core.votes import VoteCityCount
from decide.extensions import db
from tests.budgets.helpers import new_budget, new_project, set_phase
from tests.conftest import login

EN = {"Accept-Language": "en"}


def _html(response) -> str:
    return response.get_data(as_text=True)


def _client(app, username: str):
    browser = app.test_client()
    assert login(browser, username).status_code == 302
    return browser


def _supports(project_id: int) -> tuple[int, int]:
    """(the project's counter, its support rows)."""
    counter = db.session.scalar(select(Project.supports_count).where(Project.id == project_id))
    rows = db.session.scalar(select(func.count()).select_from(ProjectSupport).where(
        ProjectSupport.project_id == project_id))
    return counter, rows


def _url(budget: dict, project_id: int, action: str = "support") -> str:
    return f"/aurora/budgets/{budget['id']}/projects/{project_id}/{action}"


def test_support_and_remove_it_counted_in_sql(app, make_user) -> None:
    make_user("ana", verified=True)
    make_user("vera", verified=True, locale="en")
    budget = new_budget(app, phase="selecting")
    project_id = new_project(app, budget, "ana")
    vera = _client(app, "vera")
    response = vera.post(_url(budget, project_id))
    assert response.status_code == 303 and response.headers["Location"].endswith("#supports")
    with app.app_context():
        assert _supports(project_id) == (1, 1)
        row = db.session.scalar(select(ProjectSupport))
        assert (row.heading_id, row.group_id) == (budget["headings"][0], budget["group"])
        assert row.voter_city_id is None  # per-city counts are for alliances
    page = _html(vera.get(f"/aurora/budgets/{budget['id']}/projects/{project_id}", headers=EN))
    assert "1 support" in page and "You support this project." in page
    assert "Remove my support" in page
    response = vera.post(_url(budget, project_id), headers=EN)
    assert response.status_code == 409 and "already support" in _html(response)
    assert vera.post(_url(budget, project_id, "unsupport")).status_code == 303
    with app.app_context():
        assert _supports(project_id) == (0, 0)
    response = vera.post(_url(budget, project_id, "unsupport"), headers=EN)
    assert response.status_code == 409
    # Back to the list the button was on, never to another site.
    heading = f"/aurora/budgets/{budget['id']}/headings/{budget['headings'][0]}?order=new"
    response = vera.post(_url(budget, project_id), data={"next": heading})
    assert response.headers["Location"].endswith(heading)
    response = vera.post(_url(budget, project_id, "unsupport"),
                         data={"next": "https://evil.example/"})
    assert "evil" not in response.headers["Location"]


def test_heading_limit_per_group(app, make_user) -> None:
    make_user("ana", verified=True)
    make_user("vera", verified=True, locale="en")
    budget = new_budget(app, phase="selecting", amounts=(100, 200, 300), max_headings=2)
    first, second, third = (new_project(app, budget, "ana", heading=n) for n in range(3))
    also_first = new_project(app, budget, "ana", heading=0, title="Another one here")
    vera = _client(app, "vera")
    assert vera.post(_url(budget, first)).status_code == 303
    assert vera.post(_url(budget, also_first)).status_code == 303  # same heading: fine
    assert vera.post(_url(budget, second)).status_code == 303
    response = vera.post(_url(budget, third), headers=EN)
    assert response.status_code == 409
    assert "You already support projects in 2 heading(s) of “Districts”" in _html(response)
    with app.app_context():
        assert _supports(third) == (0, 0)
    # Removing every support of one heading frees it.
    assert vera.post(_url(budget, second, "unsupport")).status_code == 303
    assert vera.post(_url(budget, third)).status_code == 303
    with app.app_context():
        headings = set(db.session.scalars(select(ProjectSupport.heading_id).where(
            ProjectSupport.user_id != 0)))
        assert headings == {budget["headings"][0], budget["headings"][2]}
    # The budget page says where the person supports.
    page = _html(vera.get(f"/aurora/budgets/{budget['id']}", headers=EN))
    assert page.count("You support projects here") == 2


def test_who_and_when_may_support(app, client, make_user) -> None:
    make_user("ana", verified=True, locale="en")
    make_user("org", kind="organisation", locale="en")
    make_user("olga", locale="en")  # no residence
    make_user("bea", city="borealis", verified=True, locale="en")
    budget = new_budget(app, phase="selecting")
    project_id = new_project(app, budget, "ana")
    page = f"/aurora/budgets/{budget['id']}/projects/{project_id}"
    for name, reason in (("org", "Organisations cannot support projects."),
                         ("olga", "Verify your residence to support projects."),
                         ("bea", "Only verified residents of Aurora support its projects.")):
        browser = _client(app, name)
        assert reason in _html(browser.get(page, headers=EN)), name
        response = browser.post(_url(budget, project_id), headers=EN)
        assert response.status_code == 403 and reason in _html(response), name
    assert client.post(_url(budget, project_id)).status_code in (302, 401)
    ana = _client(app, "ana")
    for phase in ("accepting", "valuating", "balloting"):
        set_phase(app, budget["id"], phase)
        response = ana.post(_url(budget, project_id), headers=EN)
        assert response.status_code == 403, phase
    set_phase(app, budget["id"], "selecting")
    assert ana.post(_url(budget, project_id)).status_code == 303
    set_phase(app, budget["id"], "valuating")
    response = ana.post(_url(budget, project_id, "unsupport"), headers=EN)
    assert response.status_code == 403 and "only be removed while" in _html(response)
    set_phase(app, budget["id"], "selecting")
    with app.app_context():
        db.session.execute(update(Project).values(feasibility="unfeasible"))
        db.session.commit()
    make_user("vera", verified=True, locale="en")
    response = _client(app, "vera").post(_url(budget, project_id), headers=EN)
    assert response.status_code == 403 and "found unfeasible" in _html(response)
    with app.app_context():
        assert _supports(project_id) == (1, 1)
    # Another space's project is not found here.
    other = new_budget(app, "borealis", phase="selecting")
    make_user("bo", city="borealis", verified=True)
    other_project = new_project(app, other, "bo", where="borealis")
    assert ana.post(f"/aurora/budgets/{other['id']}/projects/{other_project}/support"
                    ).status_code == 404
    assert ana.post(f"/aurora/budgets/{budget['id']}/projects/{other_project}/support"
                    ).status_code == 404


def test_alliance_supports_count_per_city(app, make_user) -> None:
    make_user("ana", verified=True, locale="en")
    make_user("bea", city="borealis", verified=True, locale="en")
    budget = new_budget(app, "alliances/pact", phase="selecting")
    project_id = new_project(app, budget, "ana", where="alliances/pact")
    page = f"/alliances/pact/budgets/{budget['id']}/projects/{project_id}"
    for name in ("ana", "bea"):
        browser = _client(app, name)
        assert ">Support<" in _html(browser.get(page)).replace(
            '<span class="visually-hidden">', "<"), name
        response = browser.post(f"{page}/support")
        assert response.status_code == 303, name
    with app.app_context():
        assert _supports(project_id) == (2, 2)
        counts = db.session.scalars(select(VoteCityCount.count).where(
            VoteCityCount.target_type == "budget_project",
            VoteCityCount.target_id == project_id)).all()
        assert sorted(counts) == [1, 1]


def test_parallel_supports_in_many_headings_respect_the_limit(app, live_server,
                                                              make_user) -> None:
    from tests.debates.test_concurrency import Browser

    make_user("ana", verified=True)
    make_user("vera", verified=True)
    budget = new_budget(app, phase="selecting", amounts=(100,) * 6, max_headings=2)
    projects = [new_project(app, budget, "ana", heading=n) for n in range(6)]
    browser = Browser(live_server, "vera")
    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(lambda p: browser.post(_url(budget, p)), projects))
    assert statuses.count(200) == 2 and all(s in (200, 409) for s in statuses), statuses
    with app.app_context():
        headings = db.session.scalars(select(func.count(func.distinct(
            ProjectSupport.heading_id)))).one()
        assert headings == 2
        assert sum(db.session.scalars(select(Project.supports_count))) == 2
