"""The public budget pages through HTTP: the list, a budget, a heading, a project, for
anonymous visitors, residents and administrators; unpublished budgets and other spaces' rows
are 404."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select, update

from decide.budgets.models import Budget, BudgetPhase, HeadingContribution, Project
from decide.core.db import utcnow
from decide.extensions import db
from tests.budgets.helpers import new_budget, new_project, set_phase
from tests.conftest import login
from tests.debates.helpers import space

EN = {"Accept-Language": "en"}


def _html(response) -> str:
    return response.get_data(as_text=True)


def _untimed(response) -> str:
    """The page without its <time> elements' tags (their text stays)."""
    return re.sub(r"<time[^>]*>|</time>", "", _html(response))


def _client(app, username: str):
    browser = app.test_client()
    assert login(browser, username).status_code == 302
    return browser


def test_empty_list_says_so(app, client) -> None:
    html = _html(client.get("/aurora/budgets/", headers=EN))
    assert "No participatory budget in Aurora yet." in html
    assert client.get("/cenit/budgets/").status_code == 404  # the module is off there


def test_pages_render_for_anonymous_and_signed_in(app, client, make_user) -> None:
    make_user("ana", verified=True, locale="en")
    budget = new_budget(app, phase="selecting", amounts=(1000, 2000))
    project_id = new_project(app, budget, "ana", title="Benches for the park")
    with app.app_context():
        db.session.execute(update(BudgetPhase).where(
            BudgetPhase.budget_id == budget["id"], BudgetPhase.kind == "selecting").values(
            ends_on=date(2027, 3, 31), summaries={"en": "Support what you like"}))
        db.session.commit()
    base = f"/aurora/budgets/{budget['id']}"
    urls = ["/aurora/budgets/", base, f"{base}/headings/{budget['headings'][0]}",
            f"{base}/projects/{project_id}", "/aurora/"]
    ana = _client(app, "ana")
    for browser in (client, ana):
        for url in urls:
            response = browser.get(url, headers=EN)
            assert response.status_code == 200, url
    html = _html(client.get(base, headers=EN))
    assert "Budget 2027" in html and "Our money, our choice." in html
    assert "Selecting projects" in html and 'aria-current="step"' in html
    assert "Mar 31, 2027" in html  # until when
    assert "Verified residents can support as many projects" in html
    assert "Heading 1" in html and "€1,000" in html and "€2,000" in html
    listing = _html(client.get(f"{base}/headings/{budget['headings'][0]}", headers=EN))
    assert "Benches for the park" in listing and "0 supports" in listing
    page = _html(ana.get(f"{base}/projects/{project_id}", headers=EN))
    assert "Benches for the park" in page and "Plant trees." in page
    assert ">Support<" in page.replace('<span class="visually-hidden">', "<")
    anonymous = _html(client.get(f"{base}/projects/{project_id}", headers=EN))
    assert "Sign in to support" in anonymous
    home = _html(client.get("/aurora/", headers=EN))
    assert "Budget 2027" in home and "Support projects" in home


def test_unpublished_budget_is_for_administrators_only(app, client, make_user) -> None:
    make_user("ana", verified=True)
    make_user("admin", roles=[("city", "aurora", "administrator")], locale="en")
    budget = new_budget(app, published=False)
    project_id = new_project(app, budget, "ana")
    base = f"/aurora/budgets/{budget['id']}"
    ana = _client(app, "ana")
    for browser in (client, ana):
        assert browser.get(base).status_code == 404
        assert browser.get(f"{base}/headings/{budget['headings'][0]}").status_code == 404
        assert browser.get(f"{base}/projects/{project_id}").status_code == 404
        assert "Budget 2027" not in _html(browser.get("/aurora/budgets/", headers=EN))
    admin = _client(app, "admin")
    listing = _html(admin.get("/aurora/budgets/", headers=EN))
    assert "Budget 2027" in listing and "Not published: only administrators see it" in listing
    assert admin.get(base).status_code == 200
    assert admin.get(f"{base}/projects/{project_id}").status_code == 200


def test_other_spaces_rows_are_not_found(app, client, make_user) -> None:
    make_user("ana", verified=True)
    make_user("bea", city="borealis", verified=True)
    aurora = new_budget(app, "aurora")
    borealis = new_budget(app, "borealis")
    project_id = new_project(app, aurora, "ana")
    other_project = new_project(app, borealis, "bea", where="borealis")
    assert client.get(f"/borealis/budgets/{aurora['id']}").status_code == 404
    assert client.get(f"/borealis/budgets/{borealis['id']}/projects/{project_id}").status_code \
        == 404
    assert client.get(f"/aurora/budgets/{aurora['id']}/projects/{other_project}").status_code \
        == 404
    # A heading of another budget, even of the same space, is not this budget's.
    second = new_budget(app, "aurora")
    assert client.get(f"/aurora/budgets/{aurora['id']}/headings/{second['headings'][0]}"
                      ).status_code == 404
    assert client.get(f"/aurora/budgets/{second['id']}/projects/{project_id}").status_code \
        == 404


def test_alliance_budget_shows_contributions_per_city(app, client) -> None:
    budget = new_budget(app, "alliances/pact", amounts=(5000,))
    with app.app_context():
        db.session.add_all([
            HeadingContribution(heading_id=budget["headings"][0], city_id=space("aurora").id,
                                amount=3000),
            HeadingContribution(heading_id=budget["headings"][0], city_id=space("borealis").id,
                                amount=2000)])
        db.session.commit()
    html = _html(client.get(f"/alliances/pact/budgets/{budget['id']}", headers=EN))
    assert "Contributions:" in html and "Aurora" in html and "Borealis" in html
    assert "$3,000" in html and "$2,000" in html


def test_phase_decides_prices_filters_and_links(app, client, make_user) -> None:
    make_user("ana", verified=True)
    budget = new_budget(app, phase="valuating", amounts=(1000,))
    project_id = new_project(app, budget, "ana", price=345, feasibility="feasible",
                             selected=True)
    with app.app_context():
        db.session.execute(update(Project).values(valuation_finished_at=utcnow(),
                                                  price_explanation="Two benches"))
        db.session.commit()
    base = f"/aurora/budgets/{budget['id']}"
    heading = f"{base}/headings/{budget['headings'][0]}"
    page = _html(client.get(f"{base}/projects/{project_id}", headers=EN))
    assert "€345" not in page and "Published in the phase" in page and "Feasible" in page
    assert client.get(f"{heading}?order=price").status_code == 400
    assert client.get(f"{heading}?status=selected").status_code == 400
    assert client.get(f"{heading}?order=nonsense").status_code == 400
    set_phase(app, budget["id"], "publishing_prices")
    page = _html(client.get(f"{base}/projects/{project_id}", headers=EN))
    assert "€345" in page and "Two benches" in page
    assert client.get(f"{heading}?order=price").status_code == 200
    assert "€345" in _html(client.get(heading, headers=EN))
    # Approval budgets that hide money show no prices.
    with app.app_context():
        db.session.execute(update(Budget).values(voting_style="approval", hide_money=True))
        db.session.commit()
    assert "€345" not in _html(client.get(f"{base}/projects/{project_id}", headers=EN))
    with app.app_context():
        db.session.execute(update(Budget).values(voting_style="knapsack", hide_money=False,
                                                 phase="balloting"))
        db.session.commit()
    html = _html(client.get(heading, headers=EN))
    assert "Selected for the ballot" in html and "Sign in to vote" in html
    assert client.get(f"{heading}?status=selected").status_code == 200
    assert "My ballot" in _html(client.get(base, headers=EN))
    with app.app_context():
        db.session.execute(update(Budget).values(phase="finished",
                                                 results_published_at=utcnow()))
        db.session.execute(update(Project).values(winner=True, votes_count=7))
        db.session.commit()
    html = _html(client.get(base, headers=EN))
    assert "See the results" in html and "Follow the execution" in html
    listing = _html(client.get(f"{heading}?order=votes&status=winners", headers=EN))
    assert "7 votes" in listing and "Winner" in listing


def test_heading_list_filters_search_and_pages(app, client, make_user) -> None:
    make_user("ana", verified=True, locale="en")
    budget = new_budget(app, phase="accepting")
    ana = _client(app, "ana")
    base = f"/aurora/budgets/{budget['id']}"
    for n in range(22):
        response = ana.post(f"{base}/projects/new", data={
            "heading": budget["headings"][0], "title": f"Project number {n}",
            "description": "Fountains" if n == 3 else "Trees", "tags": "water" if n < 2 else ""})
        assert response.status_code == 303, response.data
    heading = f"{base}/headings/{budget['headings'][0]}"
    first = _html(client.get(heading, headers=EN))
    assert "Page 1 of 2" in first and "Project number 21" in first
    assert "Project number 21" in _html(client.get(heading + "?order=new", headers=EN))
    tagged = _html(client.get(heading + "?tag=water", headers=EN))
    assert "2 projects found" in tagged and "Project number 0" in tagged
    found = _html(client.get(heading + "?q=fountains", headers=EN))
    assert "1 project found" in found and "Project number 3" in found
    assert client.get(heading + "?tag=nothing").status_code == 404
    assert client.get(heading + "?geozone=norte").status_code == 200  # ignored, never a 500
    assert client.get(heading + "?page=abc").status_code == 400
    with app.app_context():
        assert db.session.scalar(select(Project.id).where(Project.title == "Project number 3"))


def test_shared_behaviours_on_projects(app, client, make_user) -> None:
    """Comments (counted in SQL), flags, follows, translations, hiding, search, the data
    download and the author's profile all know budget projects."""
    import json

    make_user("ana", verified=True, locale="en")
    make_user("bo", verified=True, locale="en")
    make_user("mod", roles=[("city", "aurora", "moderator")], locale="en")
    budget = new_budget(app, phase="accepting")
    base = f"/aurora/budgets/{budget['id']}"
    assert _client(app, "ana").post(f"{base}/projects/new", data={
        "heading": budget["headings"][0], "title": "Lights for the tunnel",
        "description": "Bright and safe."}).status_code == 303
    set_phase(app, budget["id"], "selecting")
    with app.app_context():
        project_id = db.session.scalar(select(Project.id))
    page_url = f"{base}/projects/{project_id}"
    bo = _client(app, "bo")
    response = bo.post(f"/aurora/comments/budget_project/{project_id}",
                       data={"body": "Yes, please"})
    assert response.status_code == 303 and f"{page_url}#comment-" in response.headers["Location"]
    with app.app_context():
        assert db.session.get(Project, project_id).comments_count == 1
    page = _html(bo.get(page_url, headers=EN))
    assert "Yes, please" in page and "1 comment" in page
    # An empty comment comes back on the project's page, with its error.
    response = bo.post(f"/aurora/comments/budget_project/{project_id}", data={"body": ""})
    assert response.status_code == 400 and "Lights for the tunnel" in _html(response)
    assert bo.get(f"/aurora/flag/budget_project/{project_id}").status_code == 200
    assert bo.post(f"/aurora/follows/budget_project/{project_id}").status_code == 303
    assert "Following — stop following" in _html(bo.get(page_url, headers=EN))
    assert bo.get(f"/aurora/translations/budget_project/{project_id}/new?locale=es"
                  ).status_code == 200
    # Search finds the project by its title; the author's profile lists it.
    found = _html(client.get("/aurora/search?q=tunnel", headers=EN))
    assert "Lights for the tunnel" in found
    assert "Lights for the tunnel" in _html(client.get("/users/ana", headers=EN))
    # The data download has the projects and supports.
    assert bo.post(f"{page_url}/support").status_code == 303
    data = json.loads(bo.get("/accounts/export").data)
    assert data["budgets"]["supports"][0]["project_id"] == project_id
    assert data["budgets"]["ballots"] == []
    ana_data = json.loads(_client(app, "ana").get("/accounts/export").data)
    assert ana_data["budgets"]["projects"][0]["title"] == "Lights for the tunnel"
    # Hidden projects: gone for everyone but the moderators.
    with app.app_context():
        db.session.execute(update(Project).values(hidden_at=utcnow()))
        db.session.commit()
    assert client.get(page_url).status_code == 404
    assert "Lights for the tunnel" not in _html(client.get(
        f"{base}/headings/{budget['headings'][0]}"))
    moderator = _client(app, "mod")
    assert "Hidden by moderation" in _html(moderator.get(page_url, headers=EN))
    assert "Lights for the tunnel" in _html(moderator.get(
        f"{base}/headings/{budget['headings'][0]}"))


def test_what_can_be_done_now_and_until_when(app, client) -> None:
    budget = new_budget(app, phase="accepting")
    with app.app_context():
        for kind, ends_on in (("accepting", date(2027, 1, 31)), ("reviewing", date(2027, 2, 15)),
                              ("selecting", date(2027, 3, 1))):
            db.session.execute(update(BudgetPhase).where(
                BudgetPhase.budget_id == budget["id"], BudgetPhase.kind == kind).values(
                ends_on=ends_on))
        db.session.commit()
    url = f"/aurora/budgets/{budget['id']}"
    html = _untimed(client.get(url, headers=EN))
    assert "propose projects for any heading. <strong>Until Jan 31, 2027.</strong>" in html
    assert "withdraw their projects. <strong>Until Feb 15, 2027.</strong>" in html
    assert "Sign in to propose a project" in html
    # With reviewing switched off, withdrawing ends with accepting; the timeline skips it.
    with app.app_context():
        db.session.execute(update(BudgetPhase).where(
            BudgetPhase.budget_id == budget["id"], BudgetPhase.kind == "reviewing").values(
            enabled=False))
        db.session.commit()
    html = _untimed(client.get(url, headers=EN))
    assert "withdraw their projects. <strong>Until Jan 31, 2027.</strong>" in html
    assert "Reviewing projects" not in html
    set_phase(app, budget["id"], "informing")
    html = _untimed(client.get(url, headers=EN))
    assert "projects cannot be proposed yet" in html
