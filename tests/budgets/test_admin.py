"""The budgets' administration: budgets, phases, groups and headings, projects (valuators,
selection), with permissions, space isolation, bad input and query bounds."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from decide.audit.models import AuditEvent
from decide.budgets.models import (
    PHASES,
    Budget,
    BudgetGroup,
    BudgetHeading,
    BudgetPhase,
    HeadingContribution,
    Project,
    ProjectValuator,
)
from decide.core.db import utcnow
from decide.extensions import db
from tests.budgets.helpers import new_budget, new_project
from tests.conftest import login
from tests.debates.helpers import space

ADMIN = ("city", "aurora", "administrator")
BASE = "/aurora/admin/budgets"


@pytest.fixture
def admin(client, make_user) -> Any:
    make_user("alba", roles=[ADMIN], locale="en")
    login(client, "alba")
    return client


def audit(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def count(app, model: Any) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def budget_form(**changes: Any) -> dict[str, Any]:
    data = {"name_es": "Presupuestos 2028", "name_en": "Budgets 2028",
            "description_es": "Decidimos juntos.", "voting_style": "knapsack",
            "allocation_rule": "greedy", "min_votes": ""}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def heading_form(**changes: Any) -> dict[str, Any]:
    data = {"name_es": "Barrio Norte", "amount": "50000", "geozone_id": "", "population": "",
            "max_projects": "", "min_projects": "", "min_percent": ""}
    data.update(changes)
    return data


def finished_feasible(app, project_id: int, price: int = 300) -> None:
    with app.app_context():
        project = db.session.get(Project, project_id)
        project.feasibility, project.price = "feasible", price
        project.valuation_finished_at = utcnow()
        db.session.commit()


# Permissions and isolation ------------------------------------------------------------------

def admin_routes(budget: dict[str, Any], project_id: int) -> list[tuple[str, str]]:
    b, h, grp = budget["id"], budget["headings"][0], budget["group"]
    return [
        ("GET", f"{BASE}/"), ("GET", f"{BASE}/new"), ("POST", f"{BASE}/new"),
        ("GET", f"{BASE}/{b}"), ("POST", f"{BASE}/{b}"), ("POST", f"{BASE}/{b}/publish"),
        ("GET", f"{BASE}/{b}/phases"), ("POST", f"{BASE}/{b}/phase"),
        ("GET", f"{BASE}/{b}/phases/accepting"), ("POST", f"{BASE}/{b}/phases/accepting"),
        ("GET", f"{BASE}/{b}/headings"), ("GET", f"{BASE}/{b}/groups/new"),
        ("POST", f"{BASE}/{b}/groups/new"), ("GET", f"{BASE}/{b}/groups/{grp}"),
        ("POST", f"{BASE}/{b}/groups/{grp}"), ("GET", f"{BASE}/{b}/groups/{grp}/delete"),
        ("POST", f"{BASE}/{b}/groups/{grp}/delete"),
        ("GET", f"{BASE}/{b}/groups/{grp}/headings/new"),
        ("POST", f"{BASE}/{b}/groups/{grp}/headings/new"),
        ("GET", f"{BASE}/{b}/headings/{h}"), ("POST", f"{BASE}/{b}/headings/{h}"),
        ("GET", f"{BASE}/{b}/headings/{h}/delete"), ("POST", f"{BASE}/{b}/headings/{h}/delete"),
        ("GET", f"{BASE}/{b}/projects"),
        ("POST", f"{BASE}/{b}/projects/{project_id}/valuators"),
        ("POST", f"{BASE}/{b}/projects/{project_id}/valuators/remove"),
        ("POST", f"{BASE}/{b}/projects/{project_id}/decision"),
    ]


@pytest.mark.parametrize("role", [None, "moderator", "valuator"])
def test_admin_routes_refuse_people_without_the_role(app, client, make_user, role):
    make_user("ana")
    make_user("bruno", roles=[("city", "aurora", role)] if role else [])
    budget = new_budget(app)
    project_id = new_project(app, budget)
    login(client, "bruno")
    for method, url in admin_routes(budget, project_id):
        response = client.open(url, method=method, data={"publish": "yes", "phase": "selecting"})
        assert response.status_code == 403, (method, url, response.status_code)
    assert count(app, Budget) == 1 and count(app, BudgetGroup) == 1
    assert count(app, AuditEvent) == 0


def test_an_administrator_of_another_city_is_refused(app, client, make_user):
    make_user("ana")
    make_user("bruno", city="borealis", roles=[("city", "borealis", "administrator")])
    budget = new_budget(app)
    project_id = new_project(app, budget)
    login(client, "bruno")
    for method, url in admin_routes(budget, project_id):
        assert client.open(url, method=method).status_code == 403, (method, url)


def test_anonymous_visitors_are_sent_to_sign_in(app, client):
    response = client.get(f"{BASE}/")
    assert response.status_code == 302 and "/accounts/login" in response.headers["Location"]


def test_another_citys_budget_heading_and_project_are_not_found(app, admin, make_user):
    make_user("bea", city="borealis")
    theirs = new_budget(app, "borealis")
    their_project = new_project(app, theirs, "bea", where="borealis")
    ours = new_budget(app)
    b, h, grp = theirs["id"], theirs["headings"][0], theirs["group"]
    for url in (f"{BASE}/{b}", f"{BASE}/{b}/phases", f"{BASE}/{b}/headings",
                f"{BASE}/{b}/projects", f"{BASE}/{b}/groups/{grp}",
                f"{BASE}/{b}/headings/{h}", f"{BASE}/{b}/headings/{h}/delete",
                f"{BASE}/{b}/phases/accepting",
                # Our budget, their heading, group or project.
                f"{BASE}/{ours['id']}/headings/{h}", f"{BASE}/{ours['id']}/groups/{grp}",
                f"{BASE}/{ours['id']}/groups/{grp}/headings/new",
                f"/aurora/valuation/projects/{their_project}"):
        assert admin.get(url).status_code == 404, url
    for url in (f"{BASE}/{b}/publish", f"{BASE}/{b}/phase",
                f"{BASE}/{ours['id']}/headings/{h}/delete",
                f"{BASE}/{ours['id']}/projects/{their_project}/decision",
                f"{BASE}/{ours['id']}/projects/{their_project}/valuators"):
        assert admin.post(url, data={"publish": "yes", "phase": "selecting",
                                     "decision": "incompatible", "value": "yes",
                                     "user_id": "1"}).status_code == 404, url
    with app.app_context():
        assert db.session.get(Budget, b).published_at is not None
        assert db.session.get(BudgetHeading, h) is not None
        assert db.session.get(Project, their_project).incompatible is False


def test_the_budgets_pages_need_the_module(app, client, make_user):
    make_user("carla", city="cenit", roles=[("city", "cenit", "administrator")])
    login(client, "carla")
    assert client.get("/cenit/admin/budgets/").status_code == 404


# Budgets ------------------------------------------------------------------------------------

def test_an_administrator_creates_a_budget_with_its_nine_phases(app, admin):
    page = admin.get(f"{BASE}/new")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Name (Spanish)" in text and "Name (Portuguese (Brazil))" in text
    assert "Most votes first (as CONSUL)" in text and "Equal Shares" in text
    response = admin.post(f"{BASE}/new", data=budget_form())
    assert response.status_code == 302
    with app.app_context():
        budget = db.session.scalar(select(Budget))
        assert budget.names == {"es": "Presupuestos 2028", "en": "Budgets 2028"}
        assert budget.descriptions == {"es": "Decidimos juntos."}
        assert budget.currency == "EUR" and budget.phase == "informing"
        assert budget.published_at is None
        assert [p.kind for p in budget.phases] == list(PHASES)
        assert all(p.enabled for p in budget.phases)
    assert len(audit(app, "budgets.create")) == 1
    assert admin.get(f"{BASE}/").status_code == 200
    assert "Budgets 2028" in admin.get(f"{BASE}/").get_data(as_text=True)


def test_an_alliance_budget_takes_the_alliances_currency(app, client, make_user):
    make_user("alba", roles=[("alliance", "pact", "administrator")], locale="en")
    login(client, "alba")
    response = client.post("/alliances/pact/admin/budgets/new", data=budget_form())
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Budget.currency)) == "USD"


@pytest.mark.parametrize("changes, field_text", [
    ({"name_es": ""}, "This field is required."),
    ({"allocation_rule": "lottery"}, "Choose a way of choosing winners from the list."),
    ({"voting_style": "ranked"}, "Choose a voting style from the list."),
    ({"min_votes": "abc"}, "Enter a whole number"),
    ({"min_votes": "-3"}, "Enter a number of at least 0."),
    ({"hide_money": "y"}, "Prices can only be hidden on approval ballots."),
])
def test_bad_budget_input_keeps_the_form_and_stores_nothing(app, admin, changes, field_text):
    response = admin.post(f"{BASE}/new", data=budget_form(**changes))
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert field_text in text
    assert 'value="Budgets 2028"' in text  # what was typed stays
    assert count(app, Budget) == 0 and count(app, AuditEvent) == 0


def test_publishing_and_unpublishing_are_audited(app, admin):
    budget = new_budget(app, published=False)
    assert admin.post(f"{BASE}/{budget['id']}/publish", data={"publish": "yes"}).status_code == 302
    with app.app_context():
        assert db.session.get(Budget, budget["id"]).published_at is not None
    assert admin.post(f"{BASE}/{budget['id']}/publish", data={"publish": "no"}).status_code == 302
    with app.app_context():
        assert db.session.get(Budget, budget["id"]).published_at is None
    assert len(audit(app, "budgets.publish")) == 1
    assert len(audit(app, "budgets.unpublish")) == 1
    assert admin.post(f"{BASE}/{budget['id']}/publish", data={"publish": "x"}).status_code == 400


def test_the_rule_can_change_before_balloting_only(app, admin):
    budget = new_budget(app, phase="valuating")
    response = admin.post(f"{BASE}/{budget['id']}", data=budget_form(
        allocation_rule="equalshares/add1"))
    assert response.status_code == 302
    event = audit(app, "budgets.update")[0]
    assert event.data["before"]["allocation_rule"] == "greedy"
    assert event.data["after"]["allocation_rule"] == "equalshares/add1"
    budget = new_budget(app, phase="balloting")
    response = admin.post(f"{BASE}/{budget['id']}", data=budget_form(allocation_rule="equalshares"))
    assert response.status_code == 409
    assert "Voting has started" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Budget, budget["id"]).allocation_rule == "greedy"
    # The names still change while voting.
    response = admin.post(f"{BASE}/{budget['id']}", data=budget_form(name_es="Nuevo nombre"))
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Budget, budget["id"]).names["es"] == "Nuevo nombre"


def test_hide_money_and_threshold_for_approval_budgets(app, admin):
    response = admin.post(f"{BASE}/new", data=budget_form(
        voting_style="approval", hide_money="y", allocation_rule="greedy-threshold",
        min_votes="25"))
    assert response.status_code == 302
    with app.app_context():
        budget = db.session.scalar(select(Budget))
        assert (budget.voting_style, budget.hide_money, budget.min_votes) == ("approval", True, 25)


# Phases -------------------------------------------------------------------------------------

def test_moving_the_budget_to_a_phase_is_audited(app, admin):
    budget = new_budget(app, phase="accepting")
    page = admin.get(f"{BASE}/{budget['id']}/phases")
    assert page.status_code == 200 and "Accepting projects" in page.get_data(as_text=True)
    response = admin.post(f"{BASE}/{budget['id']}/phase", data={"phase": "selecting"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Budget, budget["id"]).phase == "selecting"
    (event,) = audit(app, "budgets.phase_move")
    assert event.data == {"budget_id": budget["id"], "before": "accepting",
                          "after": "selecting"}
    with app.app_context():
        assert db.session.get(AuditEvent, event.id).actor.username == "alba"


def test_a_budget_cannot_move_to_a_disabled_or_unknown_phase(app, admin):
    budget = new_budget(app, phase="accepting")
    with app.app_context():
        db.session.scalar(select(BudgetPhase).where(
            BudgetPhase.budget_id == budget["id"], BudgetPhase.kind == "selecting")).enabled = False
        db.session.commit()
    for target, status in (("selecting", 409), ("lottery", 400), ("accepting", 409)):
        response = admin.post(f"{BASE}/{budget['id']}/phase", data={"phase": target})
        assert response.status_code == status, target
    with app.app_context():
        assert db.session.get(Budget, budget["id"]).phase == "accepting"
    assert audit(app, "budgets.phase_move") == []


def test_a_phase_is_edited_with_dates_and_texts(app, admin):
    budget = new_budget(app)
    url = f"{BASE}/{budget['id']}/phases/selecting"
    assert admin.get(url).status_code == 200
    response = admin.post(url, data={"enabled": "y", "starts_on": "2027-03-01",
                                     "ends_on": "2027-03-31", "summary_es": "Apoya proyectos",
                                     "summary_en": "Support projects", "description_es": ""})
    assert response.status_code == 302
    with app.app_context():
        phase = db.session.scalar(select(BudgetPhase).where(
            BudgetPhase.budget_id == budget["id"], BudgetPhase.kind == "selecting"))
        assert phase.starts_on.isoformat() == "2027-03-01"
        assert phase.summaries == {"es": "Apoya proyectos", "en": "Support projects"}
    (event,) = audit(app, "budgets.phase_update")
    assert event.data["after"]["starts_on"] == "2027-03-01"
    # Switched off (not the current phase).
    assert admin.post(url, data={"starts_on": "", "ends_on": ""}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(BudgetPhase.enabled).where(
            BudgetPhase.budget_id == budget["id"], BudgetPhase.kind == "selecting")) is False


@pytest.mark.parametrize("data, message, status", [
    ({"enabled": "y", "starts_on": "2027-03-31", "ends_on": "2027-03-01"},
     "The phase cannot end before it starts.", 400),
    ({"enabled": "y", "starts_on": "31/03/2027"}, "Enter a date like 2027-03-31.", 400),
    ({"starts_on": "2027-03-01"}, "The budget is in this phase", 409),
])
def test_bad_phase_input_keeps_the_form(app, admin, data, message, status):
    budget = new_budget(app, phase="accepting")
    response = admin.post(f"{BASE}/{budget['id']}/phases/accepting",
                          data={**data, "summary_en": "Typed summary"})
    assert response.status_code == status
    text = response.get_data(as_text=True)
    assert message in text and "Typed summary" in text
    with app.app_context():
        phase = db.session.scalar(select(BudgetPhase).where(
            BudgetPhase.budget_id == budget["id"], BudgetPhase.kind == "accepting"))
        assert phase.starts_on is None and phase.enabled and phase.summaries == {}
    assert count(app, AuditEvent) == 0


def test_an_unknown_phase_page_is_not_found(app, admin):
    budget = new_budget(app)
    assert admin.get(f"{BASE}/{budget['id']}/phases/lottery").status_code == 404


# Groups and headings ------------------------------------------------------------------------

def test_groups_and_headings_are_created_edited_and_deleted(app, admin):
    budget = new_budget(app, amounts=())
    b = budget["id"]
    assert admin.get(f"{BASE}/{b}/headings").status_code == 200
    response = admin.post(f"{BASE}/{b}/groups/new",
                          data={"name_es": "Barrios", "name_en": "Districts",
                                "max_headings": "2"})
    assert response.status_code == 302
    with app.app_context():
        group = db.session.scalar(select(BudgetGroup).where(BudgetGroup.names["es"].as_string()
                                                            == "Barrios"))
        group_id = group.id
        assert group.max_headings == 2
        zone_id = space("aurora").geozones[0].id
    url = f"{BASE}/{b}/groups/{group_id}/headings/new"
    assert admin.get(url).status_code == 200
    response = admin.post(url, data=heading_form(geozone_id=str(zone_id), population="12000",
                                                 min_percent="50", min_projects="1"))
    assert response.status_code == 302
    with app.app_context():
        heading = db.session.scalar(select(BudgetHeading).where(
            BudgetHeading.group_id == group_id))
        heading_id = heading.id
        assert (heading.amount, heading.geozone_id, heading.population, heading.min_percent,
                heading.min_projects) == (50000, zone_id, 12000, 50, 1)
        assert heading.budget_id == b
    text = admin.get(f"{BASE}/{b}/headings").get_data(as_text=True)
    assert "Barrio Norte" in text and "Norte" in text
    response = admin.post(f"{BASE}/{b}/headings/{heading_id}",
                          data=heading_form(name_es="Barrio Sur", amount="60000"))
    assert response.status_code == 302
    (event,) = audit(app, "budgets.heading_update")
    assert event.data["before"]["amount"] == 50000 and event.data["after"]["amount"] == 60000
    assert admin.get(f"{BASE}/{b}/headings/{heading_id}/delete").status_code == 200
    assert admin.post(f"{BASE}/{b}/headings/{heading_id}/delete").status_code == 302
    assert admin.post(f"{BASE}/{b}/groups/{group_id}/delete").status_code == 302
    with app.app_context():
        assert db.session.get(BudgetGroup, group_id) is None
    assert len(audit(app, "budgets.heading_delete")) == 1
    assert len(audit(app, "budgets.group_delete")) == 1


@pytest.mark.parametrize("changes, message", [
    ({"amount": "-5"}, "Enter a number of at least 0."),
    ({"amount": "lots"}, "Enter a whole number"),
    ({"amount": ""}, "This field is required."),
    ({"min_percent": "150"}, "Enter a number of at most 100."),
    ({"population": "1.5"}, "Enter a whole number"),
    ({"geozone_id": "999999"}, "Choose a district from the list."),
    ({"name_es": ""}, "This field is required."),
])
def test_bad_heading_input_keeps_the_form_and_stores_nothing(app, admin, changes, message):
    budget = new_budget(app, amounts=(1000,))
    before = count(app, BudgetHeading)
    response = admin.post(f"{BASE}/{budget['id']}/groups/{budget['group']}/headings/new",
                          data=heading_form(name_en="Typed name", **changes))
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert message in text and 'value="Typed name"' in text
    assert count(app, BudgetHeading) == before and count(app, AuditEvent) == 0


def test_bad_group_input(app, admin):
    budget = new_budget(app)
    response = admin.post(f"{BASE}/{budget['id']}/groups/new",
                          data={"name_es": "Barrios", "max_headings": "0"})
    assert response.status_code == 400
    assert "Enter a number of at least 1." in response.get_data(as_text=True)
    assert count(app, BudgetGroup) == 1


def test_approval_headings_need_their_number_of_projects(app, admin):
    budget = new_budget(app, voting_style="approval", amounts=())
    url = f"{BASE}/{budget['id']}/groups/{budget['group']}/headings/new"
    response = admin.post(url, data=heading_form())
    assert response.status_code == 400
    assert "Approval budgets need the number of projects" in response.get_data(as_text=True)
    assert admin.post(url, data=heading_form(max_projects="3")).status_code == 302


def test_switching_to_approval_needs_every_headings_number_of_projects(app, admin):
    budget = new_budget(app, amounts=(1000, 2000))
    response = admin.post(f"{BASE}/{budget['id']}", data=budget_form(voting_style="approval"))
    assert response.status_code == 409
    assert "give every heading the number of projects" in response.get_data(as_text=True)
    with app.app_context():
        for heading_id in budget["headings"]:
            db.session.get(BudgetHeading, heading_id).max_projects = 2
        db.session.commit()
    response = admin.post(f"{BASE}/{budget['id']}", data=budget_form(voting_style="approval"))
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Budget, budget["id"]).voting_style == "approval"


def test_a_heading_with_projects_cannot_be_deleted(app, admin, make_user):
    make_user("ana")
    budget = new_budget(app)
    new_project(app, budget)
    h = budget["headings"][0]
    assert admin.get(f"{BASE}/{budget['id']}/headings/{h}/delete").status_code == 200
    response = admin.post(f"{BASE}/{budget['id']}/headings/{h}/delete")
    assert response.status_code == 409
    assert "This heading holds projects" in response.get_data(as_text=True)
    response = admin.post(f"{BASE}/{budget['id']}/groups/{budget['group']}/delete")
    assert response.status_code == 409
    with app.app_context():
        assert db.session.get(BudgetHeading, h) is not None
    assert count(app, AuditEvent) == 0


def test_alliance_headings_add_up_the_member_cities_contributions(app, client, make_user):
    make_user("alba", roles=[("alliance", "pact", "administrator")], locale="en")
    login(client, "alba")
    budget = new_budget(app, "alliances/pact", amounts=())
    with app.app_context():
        aurora, borealis = space("aurora").id, space("borealis").id
    url = f"/alliances/pact/admin/budgets/{budget['id']}/groups/{budget['group']}/headings/new"
    page = client.get(url).get_data(as_text=True)
    assert "Contribution of Aurora" in page and "Contribution of Borealis" in page
    response = client.post(url, data=heading_form(
        amount="", **{f"contribution_{aurora}": "30000", f"contribution_{borealis}": "20000"}))
    assert response.status_code == 302
    with app.app_context():
        heading = db.session.scalar(select(BudgetHeading))
        assert heading.amount == 50000
        assert {c.city_id: c.amount for c in heading.contributions} == {aurora: 30000,
                                                                       borealis: 20000}
        heading_id = heading.id
    text = client.get(f"/alliances/pact/admin/budgets/{budget['id']}/headings").get_data(
        as_text=True)
    assert "Aurora: $30,000" in text and "Borealis: $20,000" in text
    response = client.post(
        f"/alliances/pact/admin/budgets/{budget['id']}/headings/{heading_id}",
        data=heading_form(**{f"contribution_{aurora}": "-1", f"contribution_{borealis}": "5"}))
    assert response.status_code == 400
    assert count(app, HeadingContribution) == 2
    response = client.post(
        f"/alliances/pact/admin/budgets/{budget['id']}/headings/{heading_id}",
        data=heading_form(amount="9999", **{f"contribution_{aurora}": "10000",
                                            f"contribution_{borealis}": ""}))
    assert response.status_code == 400
    assert "The amount must be the sum of the contributions" in response.get_data(as_text=True)
    response = client.post(
        f"/alliances/pact/admin/budgets/{budget['id']}/headings/{heading_id}",
        data=heading_form(amount="10000", **{f"contribution_{aurora}": "10000",
                                             f"contribution_{borealis}": ""}))
    assert response.status_code == 302
    with app.app_context():
        heading = db.session.get(BudgetHeading, heading_id)
        assert heading.amount == 10000 and len(heading.contributions) == 1
    # No city contributes: the amount typed, as in a city.
    response = client.post(
        f"/alliances/pact/admin/budgets/{budget['id']}/headings/{heading_id}",
        data=heading_form(amount="7000", **{f"contribution_{aurora}": "",
                                            f"contribution_{borealis}": ""}))
    assert response.status_code == 302
    with app.app_context():
        heading = db.session.get(BudgetHeading, heading_id)
        assert heading.amount == 7000 and heading.contributions == []


# Projects: valuators and decisions -----------------------------------------------------------

def test_valuators_are_assigned_and_removed(app, admin, make_user):
    make_user("ana")
    vera = make_user("vera", roles=[("city", "aurora", "valuator")])
    budget = new_budget(app)
    project_id = new_project(app, budget)
    url = f"{BASE}/{budget['id']}/projects"
    page = admin.get(url).get_data(as_text=True)
    assert "Trees for the square" in page and "vera" in page
    response = admin.post(f"{url}/{project_id}/valuators?heading={budget['headings'][0]}",
                          data={"user_id": str(vera)})
    assert response.status_code == 303
    assert f"heading={budget['headings'][0]}" in response.headers["Location"]
    with app.app_context():
        assert db.session.scalar(select(ProjectValuator.user_id)) == vera
    assert admin.post(f"{url}/{project_id}/valuators",
                      data={"user_id": str(vera)}).status_code == 409
    (event,) = audit(app, "budgets.valuator_assign")
    assert event.target_id == project_id and event.data["valuator_id"] == vera
    assert admin.post(f"{url}/{project_id}/valuators/remove",
                      data={"user_id": str(vera)}).status_code == 303
    assert admin.post(f"{url}/{project_id}/valuators/remove",
                      data={"user_id": str(vera)}).status_code == 404
    assert count(app, ProjectValuator) == 0
    assert len(audit(app, "budgets.valuator_unassign")) == 1


def test_only_valuators_of_the_space_can_be_assigned(app, admin, make_user):
    make_user("ana")
    other = make_user("otto", city="borealis", roles=[("city", "borealis", "valuator")])
    plain = make_user("pia")
    budget = new_budget(app)
    project_id = new_project(app, budget)
    for user_id in (other, plain):
        response = admin.post(f"{BASE}/{budget['id']}/projects/{project_id}/valuators",
                              data={"user_id": str(user_id)})
        assert response.status_code == 400
    assert admin.post(f"{BASE}/{budget['id']}/projects/{project_id}/valuators",
                      data={"user_id": "abc"}).status_code == 400
    assert count(app, ProjectValuator) == 0


def test_only_feasible_finished_projects_are_selected(app, admin, make_user):
    make_user("ana")
    budget = new_budget(app, phase="valuating")
    project_id = new_project(app, budget)
    url = f"{BASE}/{budget['id']}/projects/{project_id}/decision"
    response = admin.post(url, data={"decision": "selected", "value": "yes"})
    assert response.status_code == 409
    assert "Only feasible projects whose valuation is finished" in response.get_data(
        as_text=True)
    finished_feasible(app, project_id)
    assert admin.post(url, data={"decision": "selected", "value": "yes"}).status_code == 303
    with app.app_context():
        assert db.session.get(Project, project_id).selected is True
    (event,) = audit(app, "budgets.project_selected")
    assert (event.data["before"], event.data["after"]) == (False, True)
    # Incompatible takes it off the ballot.
    assert admin.post(url, data={"decision": "incompatible", "value": "yes"}).status_code == 303
    with app.app_context():
        project = db.session.get(Project, project_id)
        assert project.incompatible is True and project.selected is False
    assert len(audit(app, "budgets.project_incompatible")) == 1
    assert admin.post(url, data={"decision": "winner", "value": "yes"}).status_code == 400


def test_the_selection_is_frozen_once_voting_starts(app, admin, make_user):
    make_user("ana")
    budget = new_budget(app, phase="balloting")
    project_id = new_project(app, budget)
    finished_feasible(app, project_id)
    response = admin.post(f"{BASE}/{budget['id']}/projects/{project_id}/decision",
                          data={"decision": "selected", "value": "yes"})
    assert response.status_code == 409
    with app.app_context():
        assert db.session.get(Project, project_id).selected is False


def test_the_projects_list_filters(app, admin, make_user):
    make_user("ana")
    vera = make_user("vera", roles=[("city", "aurora", "valuator")])
    budget = new_budget(app, amounts=(1000, 2000))
    first = new_project(app, budget, title="Trees in the north", heading=0)
    second = new_project(app, budget, title="Benches in the south", heading=1,
                         feasibility="unfeasible")
    third = new_project(app, budget, title="Lights for the park", heading=1)
    finished_feasible(app, third)
    with app.app_context():
        db.session.add(ProjectValuator(project_id=first, user_id=vera))
        db.session.get(Project, third).selected = True
        db.session.commit()
    url = f"{BASE}/{budget['id']}/projects"

    def titles(query: str) -> set[str]:
        text = admin.get(f"{url}?{query}").get_data(as_text=True)
        return {t for t in ("Trees in the north", "Benches in the south",
                            "Lights for the park") if t in text}

    assert titles("") == {"Trees in the north", "Benches in the south", "Lights for the park"}
    assert titles(f"heading={budget['headings'][0]}") == {"Trees in the north"}
    assert titles("feasibility=unfeasible") == {"Benches in the south"}
    assert titles("valuation=finished") == {"Lights for the park"}
    assert titles("valuation=open") == {"Trees in the north", "Benches in the south"}
    assert titles(f"valuator={vera}") == {"Trees in the north"}
    assert titles("valuator=0") == {"Benches in the south", "Lights for the park"}
    assert titles("selected=yes") == {"Lights for the park"}
    assert titles("selected=no&feasibility=unfeasible") == {"Benches in the south"}
    # Unknown values are ignored, not errors; a bad page number is a 400.
    assert len(titles("heading=999999&feasibility=maybe&valuator=x")) == 3
    assert admin.get(f"{url}?page=abc").status_code == 400
    assert second


def test_the_projects_list_is_paginated(app, admin, make_user):
    make_user("ana")
    budget = new_budget(app)
    for n in range(27):
        new_project(app, budget, title=f"Project number {n:02d}")
    first = admin.get(f"{BASE}/{budget['id']}/projects").get_data(as_text=True)
    second = admin.get(f"{BASE}/{budget['id']}/projects?page=2").get_data(as_text=True)
    assert "Project number 00" in first and "Project number 26" not in first
    assert "Project number 26" in second and "Page 2 of 2" in second


def _many_projects(app, budget: dict[str, Any], n: int, valuators: list[int]) -> None:
    for i in range(n):
        project_id = new_project(app, budget, title=f"Bulk project {i:03d}",
                                 heading=i % len(budget["headings"]))
        with app.app_context():
            for user_id in valuators:
                db.session.add(ProjectValuator(project_id=project_id, user_id=user_id))
            db.session.commit()


def test_the_projects_list_runs_the_same_queries_for_3_or_30_projects(app, admin, make_user,
                                                                     count_queries):
    make_user("ana")
    valuators = [make_user(f"val{i}", roles=[("city", "aurora", "valuator")]) for i in range(2)]
    small = new_budget(app, amounts=(1000, 2000))
    big = new_budget(app, amounts=(1000, 2000))
    _many_projects(app, small, 3, valuators)
    _many_projects(app, big, 30, valuators)
    admin.get(f"{BASE}/{small['id']}/projects")  # warm caches
    with count_queries() as few:
        assert admin.get(f"{BASE}/{small['id']}/projects").status_code == 200
    with count_queries() as many:
        page = admin.get(f"{BASE}/{big['id']}/projects")
        assert page.status_code == 200
    assert "Bulk project 024" in page.get_data(as_text=True)
    assert many.count == few.count, (few.statements, many.statements)


def test_winners_link_to_their_milestones_and_the_index_to_the_other_admin_pages(app, admin,
                                                                                make_user):
    make_user("ana")
    budget = new_budget(app, phase="finished")
    project_id = new_project(app, budget, price=300, selected=True)
    with app.app_context():
        db.session.get(Project, project_id).winner = True
        db.session.commit()
    text = admin.get(f"{BASE}/{budget['id']}/projects").get_data(as_text=True)
    assert f"{BASE}/{budget['id']}/projects/{project_id}/milestones" in text
    text = admin.get(f"{BASE}/").get_data(as_text=True)
    assert f"{BASE}/import" in text and "/aurora/valuation/" in text
    assert f"{BASE}/{budget['id']}/results" in admin.get(f"{BASE}/{budget['id']}").get_data(
        as_text=True)
