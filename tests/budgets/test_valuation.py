"""Valuation: valuators' list, the valuation form (feasibility, price...), internal notes,
who may valuate which project, and the author told when a project is found not feasible."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from decide.audit.models import AuditEvent
from decide.budgets.models import Project, ProjectValuator, ValuationNote
from decide.extensions import db
from decide.notifications.models import Notification
from tests.budgets.helpers import new_budget, new_project
from tests.conftest import login

ADMIN = ("city", "aurora", "administrator")
VALUATOR = ("city", "aurora", "valuator")


def assign(app, project_id: int, user_id: int) -> None:
    with app.app_context():
        db.session.add(ProjectValuator(project_id=project_id, user_id=user_id))
        db.session.commit()


def project(app, project_id: int) -> Project:
    with app.app_context():
        found = db.session.get(Project, project_id)
        db.session.expunge(found)
        return found


def signed_in(app, username: str) -> Any:
    """A new browser signed in as `username` (the fixture's client stays vera's)."""
    other = app.test_client()
    assert login(other, username).status_code == 302
    return other


def count(app, model: Any) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def valuation(**changes: Any) -> dict[str, Any]:
    data = {"feasibility": "feasible", "unfeasibility_explanation": "", "price": "4500",
            "price_explanation": "Two benches and their installation.",
            "price_first_year": "500", "duration": "3 months"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def setup(app, client, make_user) -> dict[str, Any]:
    """ana's project in a budget being valuated, assigned to vera (signed in)."""
    ana = make_user("ana", locale="en")
    vera = make_user("vera", roles=[VALUATOR], locale="en")
    budget = new_budget(app, phase="valuating")
    project_id = new_project(app, budget)
    assign(app, project_id, vera)
    login(client, "vera")
    return {"budget": budget, "project": project_id, "ana": ana, "vera": vera,
            "url": f"/aurora/valuation/projects/{project_id}"}


def test_a_valuator_sees_the_projects_assigned_to_them(app, client, setup):
    budget = setup["budget"]
    new_project(app, budget, title="Someone else's job")
    page = client.get("/aurora/valuation/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Trees for the square" in text and "Someone else&#39;s job" not in text


def test_administrators_see_every_project_to_valuate(app, client, make_user, setup):
    new_project(app, setup["budget"], title="Someone else's job")
    make_user("alba", roles=[ADMIN], locale="en")
    client = signed_in(app, "alba")
    text = client.get("/aurora/valuation/").get_data(as_text=True)
    assert "Trees for the square" in text and "Someone else&#39;s job" in text
    assert client.get(setup["url"]).status_code == 200


def test_a_valuator_records_a_feasible_valuation(app, client, setup):
    assert client.get(setup["url"]).status_code == 200
    response = client.post(setup["url"], data=valuation(finished="y"))
    assert response.status_code == 302
    found = project(app, setup["project"])
    assert (found.feasibility, found.price, found.price_first_year, found.duration) == (
        "feasible", 4500, 500, "3 months")
    assert found.price_explanation == "Two benches and their installation."
    assert found.valuation_finished_at is not None
    with app.app_context():
        (event,) = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "budgets.valuate"))
        assert event.actor_id == setup["vera"] and event.target_id == setup["project"]
        assert event.data["before"]["feasibility"] == "undecided"
        assert event.data["after"] == {"feasibility": "feasible", "price": 4500,
                                       "price_explanation": "Two benches and their "
                                                            "installation.",
                                       "price_first_year": 500, "duration": "3 months",
                                       "finished": True}
    # Finished: the valuator sees it read-only and cannot change it any more.
    page = client.get(setup["url"]).get_data(as_text=True)
    assert "only an administrator can change it" in page
    assert client.post(setup["url"], data=valuation(price="1")).status_code == 409
    assert project(app, setup["project"]).price == 4500


@pytest.mark.parametrize("changes, message", [
    ({"price": "abc"}, "Enter a whole number"),
    ({"price": "-20"}, "Enter a number of at least 0."),
    ({"price_first_year": "1,5"}, "Enter a whole number"),
    ({"feasibility": "unfeasible"}, "Explain why the project is not feasible"),
    ({"feasibility": "maybe"}, "Choose feasible, not feasible or not decided yet."),
    ({"feasibility": "undecided", "finished": "y"}, "Say whether the project is feasible"),
    ({"price": "", "finished": "y"}, "A feasible project needs its price"),
])
def test_bad_valuations_keep_the_form_and_store_nothing(app, client, setup, changes, message):
    response = client.post(setup["url"], data=valuation(duration="Typed duration", **changes))
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert message in text
    assert 'value="Typed duration"' in text
    found = project(app, setup["project"])
    assert (found.feasibility, found.price, found.duration) == ("undecided", None, None)
    assert count(app, AuditEvent) == 0


def test_a_valuator_not_assigned_to_the_project_is_refused(app, client, make_user, setup):
    make_user("victor", roles=[VALUATOR])
    client = signed_in(app, "victor")
    assert client.get(setup["url"]).status_code == 403
    assert client.post(setup["url"], data=valuation()).status_code == 403
    assert client.post(f"{setup['url']}/notes", data={"body": "Hi"}).status_code == 403
    assert project(app, setup["project"]).price is None
    assert count(app, ValuationNote) == 0


@pytest.mark.parametrize("roles", [[], [("city", "aurora", "moderator")],
                                   [("city", "borealis", "valuator")]])
def test_people_without_the_valuator_role_here_are_refused(app, client, make_user, setup,
                                                           roles):
    make_user("bruno", roles=roles)
    client = signed_in(app, "bruno")
    for method, url in (("GET", "/aurora/valuation/"), ("GET", setup["url"]),
                        ("POST", setup["url"]), ("POST", f"{setup['url']}/notes")):
        assert client.open(url, method=method, data=valuation()).status_code == 403, url
    assert count(app, AuditEvent) == 0


def test_the_author_cannot_valuate_their_own_project(app, client, setup):
    client = signed_in(app, "ana")
    assert client.get(setup["url"]).status_code == 403


def test_another_citys_project_is_not_found(app, client, make_user, setup):
    make_user("bea", city="borealis")
    theirs = new_budget(app, "borealis", phase="valuating")
    their_project = new_project(app, theirs, "bea", where="borealis")
    assign(app, their_project, setup["vera"])  # even assigned by mistake
    assert client.get(f"/aurora/valuation/projects/{their_project}").status_code == 404
    assert client.post(f"/aurora/valuation/projects/{their_project}",
                       data=valuation()).status_code == 404


def test_valuation_is_closed_outside_its_phases(app, client, setup):
    from tests.budgets.helpers import set_phase

    set_phase(app, setup["budget"]["id"], "balloting")
    page = client.get(setup["url"])
    assert page.status_code == 200
    assert "Valuation is closed" in page.get_data(as_text=True)
    assert client.post(setup["url"], data=valuation()).status_code == 403
    assert project(app, setup["project"]).price is None


def test_finishing_an_unfeasible_valuation_tells_the_author(app, client, setup):
    response = client.post(setup["url"], data=valuation(
        feasibility="unfeasible", price="",
        unfeasibility_explanation="The square is protected heritage.", finished="y"))
    assert response.status_code == 302
    found = project(app, setup["project"])
    assert found.feasibility == "unfeasible"
    assert found.unfeasibility_explanation == "The square is protected heritage."
    with app.app_context():
        (note,) = db.session.scalars(select(Notification).where(
            Notification.user_id == setup["ana"]))
        assert note.kind == "budget_project_unfeasible"
    client = signed_in(app, "ana")
    centre = client.get("/notifications/").get_data(as_text=True)
    assert "Trees for the square" in centre and "not feasible" in centre


def test_an_unfinished_unfeasible_valuation_tells_nobody(app, client, setup):
    response = client.post(setup["url"], data=valuation(
        feasibility="unfeasible", unfeasibility_explanation="Too expensive."))
    assert response.status_code == 302
    assert count(app, Notification) == 0


def test_an_administrator_reopens_a_finished_valuation_and_the_selection_goes(app, client,
                                                                              make_user,
                                                                              setup):
    client.post(setup["url"], data=valuation(finished="y"))
    with app.app_context():
        db.session.get(Project, setup["project"]).selected = True
        db.session.commit()
    make_user("alba", roles=[ADMIN], locale="en")
    client = signed_in(app, "alba")
    assert client.post(setup["url"], data=valuation()).status_code == 302  # not finished
    found = project(app, setup["project"])
    assert found.valuation_finished_at is None and found.selected is False
    assert count(app, Notification) == 0


def test_internal_notes_are_for_valuators_and_administrators(app, client, make_user, setup):
    response = client.post(f"{setup['url']}/notes", data={"body": "Ask the parks office."})
    assert response.status_code == 302
    assert "Ask the parks office." in client.get(setup["url"]).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(ValuationNote.author_id)) == setup["vera"]
    assert client.post(f"{setup['url']}/notes", data={"body": "  "}).status_code == 400
    assert count(app, ValuationNote) == 1
    # Never on the public project page.
    client = signed_in(app, "ana")
    public = client.get(f"/aurora/budgets/{setup['budget']['id']}/projects/{setup['project']}")
    assert public.status_code == 200 and "Trees for the square" in public.get_data(as_text=True)
    assert "Ask the parks office." not in public.get_data(as_text=True)


def test_the_valuation_list_runs_the_same_queries_for_3_or_30_projects(app, client, make_user,
                                                                      count_queries):
    make_user("ana")
    few_valuator = make_user("vera", roles=[VALUATOR])
    many_valuator = make_user("victor", roles=[VALUATOR])
    budget = new_budget(app, phase="valuating", amounts=(1000, 2000))
    other_budget = new_budget(app, phase="valuating")
    for n in range(30):
        project_id = new_project(app, budget if n % 2 else other_budget,
                                 title=f"Bulk project {n:03d}")
        assign(app, project_id, many_valuator)
        if n < 3:
            assign(app, project_id, few_valuator)
    counts = []
    for username in ("vera", "victor"):
        browser = signed_in(app, username)
        browser.get("/aurora/valuation/")  # warm caches
        with count_queries() as counter:
            page = browser.get("/aurora/valuation/")
            assert page.status_code == 200
        counts.append(counter.count)
    assert "Bulk project 024" in page.get_data(as_text=True)
    assert counts[0] == counts[1]
