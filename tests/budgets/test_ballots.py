"""Ballots: limits (knapsack money, approval count, one heading per group), who may vote and
when, the ballot page, the Add / Remove buttons other pages use, personal data."""

from __future__ import annotations

from sqlalchemy import func, select, update

from decide.budgets.models import Ballot, BallotLine, Project
from decide.extensions import db
from tests.budgets.helpers import new_budget, new_project, set_phase
from tests.conftest import login


def _votes(app, project_id: int) -> int:
    with app.app_context():
        return db.session.get(Project, project_id).votes_count


def _lines(app) -> list[int]:
    with app.app_context():
        return sorted(db.session.scalars(select(BallotLine.project_id)))


def _add(client, budget, project_id, **extra):
    return client.post(f"/aurora/budgets/{budget['id']}/ballot/add",
                       data={"project_id": str(project_id), **extra})


def _remove(client, budget, project_id):
    return client.post(f"/aurora/budgets/{budget['id']}/ballot/remove",
                       data={"project_id": str(project_id)})


def _voter(logged_in, make_user, locale="en"):
    make_user("author")
    return logged_in("voter", verified=True, locale=locale)


def test_knapsack_ballot_never_exceeds_the_heading_money(app, logged_in, make_user) -> None:
    client = _voter(logged_in, make_user)
    budget = new_budget(app, phase="balloting", amounts=(1000,))
    big = new_project(app, budget, "author", price=600, selected=True, title="Big library")
    mid = new_project(app, budget, "author", price=300, selected=True, title="Middle park")
    small = new_project(app, budget, "author", price=200, selected=True, title="Small bench")
    assert _add(client, budget, big).status_code == 303
    assert _add(client, budget, mid).status_code == 303
    response = _add(client, budget, small)
    assert response.status_code == 409
    assert "costs more than the money left" in response.get_data(as_text=True)
    assert _lines(app) == sorted([big, mid])
    assert (_votes(app, big), _votes(app, mid), _votes(app, small)) == (1, 1, 0)
    # The page shows what is spent and left.
    page = client.get(f"/aurora/budgets/{budget['id']}/ballot").get_data(as_text=True)
    assert "Big library" in page and "Middle park" in page
    assert "left" in page
    # Removing one makes room.
    assert _remove(client, budget, big).status_code == 303
    assert _votes(app, big) == 0
    assert _add(client, budget, small).status_code == 303
    assert _lines(app) == sorted([mid, small])


def test_adding_twice_keeps_one_line(app, logged_in, make_user) -> None:
    client = _voter(logged_in, make_user)
    budget = new_budget(app, phase="balloting", amounts=(1000,))
    project = new_project(app, budget, "author", price=100, selected=True)
    assert _add(client, budget, project).status_code == 303
    assert _add(client, budget, project).status_code == 303
    assert _lines(app) == [project] and _votes(app, project) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count(Ballot.id))) == 1


def test_approval_ballot_holds_at_most_max_projects(app, logged_in, make_user) -> None:
    client = _voter(logged_in, make_user)
    budget = new_budget(app, phase="balloting", amounts=(1000,), voting_style="approval",
                        max_projects=2)
    projects = [new_project(app, budget, "author", price=900, selected=True,
                            title=f"Project number {n}") for n in range(3)]
    # Approval ballots do not count money: 900 + 900 > 1000 is fine.
    assert _add(client, budget, projects[0]).status_code == 303
    assert _add(client, budget, projects[1]).status_code == 303
    response = _add(client, budget, projects[2])
    assert response.status_code == 409
    assert "as many projects as this heading allows" in response.get_data(as_text=True)
    assert _lines(app) == sorted(projects[:2])


def test_one_heading_per_group(app, logged_in, make_user) -> None:
    client = _voter(logged_in, make_user)
    budget = new_budget(app, phase="balloting", amounts=(1000, 2000))
    first = new_project(app, budget, "author", price=100, selected=True, heading=0)
    second = new_project(app, budget, "author", price=100, selected=True, heading=1)
    assert _add(client, budget, first).status_code == 303
    response = _add(client, budget, second)
    assert response.status_code == 409
    assert "another heading of this group" in response.get_data(as_text=True)
    # Once the first heading is empty, the other may be chosen.
    assert _remove(client, budget, first).status_code == 303
    assert _add(client, budget, second).status_code == 303
    assert _lines(app) == [second]


def test_only_selected_projects_on_the_ballot(app, logged_in, make_user) -> None:
    from decide.core.db import utcnow

    client = _voter(logged_in, make_user)
    budget = new_budget(app, phase="balloting", amounts=(1000,))
    unselected = new_project(app, budget, "author", price=100)
    withdrawn = new_project(app, budget, "author", price=100, selected=True)
    incompatible = new_project(app, budget, "author", price=100, selected=True)
    with app.app_context():
        db.session.execute(update(Project).where(Project.id == withdrawn)
                           .values(withdrawn_at=utcnow()))
        db.session.execute(update(Project).where(Project.id == incompatible)
                           .values(incompatible=True))
        db.session.commit()
    for project in (unselected, withdrawn, incompatible):
        response = _add(client, budget, project)
        assert response.status_code == 403
        assert "not on the ballot" in response.get_data(as_text=True)
    assert _lines(app) == []


def test_voting_only_while_balloting(app, logged_in, make_user) -> None:
    client = _voter(logged_in, make_user)
    budget = new_budget(app, phase="selecting", amounts=(1000,))
    project = new_project(app, budget, "author", price=100, selected=True)
    response = _add(client, budget, project)
    assert response.status_code == 403
    assert "Voting is not open" in response.get_data(as_text=True)
    set_phase(app, budget["id"], "balloting")
    assert _add(client, budget, project).status_code == 303
    set_phase(app, budget["id"], "reviewing_ballots")
    assert _remove(client, budget, project).status_code == 403
    assert _lines(app) == [project]


def test_organisations_and_unverified_people_cannot_vote(app, client, make_user) -> None:
    make_user("author")
    make_user("org", kind="organisation", locale="en")
    make_user("stranger", locale="en")  # not verified
    make_user("elsewhere", city="borealis", verified=True, locale="en")
    budget = new_budget(app, phase="balloting", amounts=(1000,))
    project = new_project(app, budget, "author", price=100, selected=True)
    for name, text in (("org", "Organisations cannot vote"),
                       ("stranger", "Only verified residents"),
                       ("elsewhere", "Only verified residents")):
        login(client, name)
        response = _add(client, budget, project)
        assert response.status_code == 403, name
        assert text in response.get_data(as_text=True)
        client.post("/accounts/logout")
    assert _lines(app) == []


def test_anonymous_visitors_are_sent_to_sign_in(app, client, make_user) -> None:
    make_user("author")
    budget = new_budget(app, phase="balloting", amounts=(1000,))
    project = new_project(app, budget, "author", price=100, selected=True)
    assert _add(client, budget, project).status_code == 302
    assert client.get(f"/aurora/budgets/{budget['id']}/ballot").status_code == 302
    assert _lines(app) == []


def test_other_spaces_and_unpublished_budgets_are_not_found(app, logged_in, make_user) -> None:
    client = _voter(logged_in, make_user)
    theirs = new_budget(app, "borealis", phase="balloting", amounts=(1000,))
    their_project = new_project(app, theirs, "author", price=100, selected=True,
                                where="borealis")
    ours = new_budget(app, phase="balloting", amounts=(1000,))
    hidden = new_budget(app, phase="balloting", amounts=(1000,), published=False)
    hidden_project = new_project(app, hidden, "author", price=100, selected=True)
    # Borealis's budget under Aurora's address, Borealis's project on Aurora's ballot.
    assert client.get(f"/aurora/budgets/{theirs['id']}/ballot").status_code == 404
    assert _add(client, theirs, their_project).status_code == 404
    assert _add(client, ours, their_project).status_code == 404
    assert _add(client, hidden, hidden_project).status_code == 404
    assert client.get(f"/aurora/budgets/{hidden['id']}/ballot").status_code == 404
    assert _lines(app) == []


def test_missing_or_bad_project_id_is_refused(app, logged_in, make_user) -> None:
    client = _voter(logged_in, make_user)
    budget = new_budget(app, phase="balloting", amounts=(1000,))
    assert client.post(f"/aurora/budgets/{budget['id']}/ballot/add",
                       data={}).status_code == 400
    assert _add(client, budget, "abc").status_code == 400
    assert _add(client, budget, 999999).status_code == 404


def test_redirects_back_only_to_this_site(app, logged_in, make_user) -> None:
    client = _voter(logged_in, make_user)
    budget = new_budget(app, phase="balloting", amounts=(1000,))
    project = new_project(app, budget, "author", price=100, selected=True)
    heading_url = f"/aurora/budgets/{budget['id']}/headings/{budget['headings'][0]}"
    response = _add(client, budget, project, next=heading_url)
    assert response.headers["Location"].endswith(heading_url)
    response = _remove(client, budget, project)
    assert response.headers["Location"].endswith(f"/aurora/budgets/{budget['id']}/ballot")
    response = _add(client, budget, project, next="//evil.example/steal")
    assert "evil.example" not in response.headers["Location"]


def test_checkout_rules_say_when_the_ballot_counts(app, logged_in, make_user) -> None:
    client = _voter(logged_in, make_user)
    budget = new_budget(app, phase="balloting", amounts=(1000,), min_projects=2,
                        min_percent=50)
    cheap = new_project(app, budget, "author", price=100, selected=True, title="Cheap swings")
    dear = new_project(app, budget, "author", price=450, selected=True, title="Dear fountain")
    _add(client, budget, cheap)
    page = client.get(f"/aurora/budgets/{budget['id']}/ballot").get_data(as_text=True)
    assert "does not count yet" in page
    assert "at least 2 projects" in page
    assert "not counted in the results" in page
    _add(client, budget, dear)  # 2 projects, 550 of 1000 ≥ 50 %
    page = client.get(f"/aurora/budgets/{budget['id']}/ballot").get_data(as_text=True)
    assert "Your ballot counts in this heading" in page
    assert "does not count yet" not in page


def test_ballot_for_and_the_button_macro(app, make_user) -> None:
    """The contract with the project pages: one state per page, one button per project."""
    from flask import render_template_string

    from decide.accounts.services import find_by_username
    from decide.budgets.ballot_queries import ballot_for
    from decide.budgets.models import Budget

    make_user("author")
    make_user("voter", verified=True, locale="en")
    budget = new_budget(app, phase="balloting", amounts=(500, 800))
    on = new_project(app, budget, "author", price=300, selected=True, title="On the ballot")
    dear = new_project(app, budget, "author", price=300, selected=True, title="Too dear now")
    other = new_project(app, budget, "author", price=10, selected=True, heading=1)
    off = new_project(app, budget, "author", price=10, title="Not selected")
    template = ('{% from "budgets/ballot/_macros.html" import ballot_button with context %}'
                '{{ ballot_button(project, ballot, budget) }}')
    with app.test_request_context("/aurora/budgets/1"):
        from flask import g

        from tests.debates.helpers import space

        g.space = space("aurora")
        voter = find_by_username("voter")
        g._login_user = voter  # what Flask-Login's current_user reads
        row = db.session.get(Budget, budget["id"])
        assert ballot_for(None, row) is None
        from decide.budgets import ballots

        ballots.add_line(voter, g.space, budget["id"], on)
        state = ballot_for(voter, row)
        assert state.project_ids == {on}
        heading = budget["headings"][0]
        assert state.spent == {heading: 300} and state.count == {heading: 1}
        assert state.heading_ids_by_group == {budget["group"]: heading}

        def button(project_id: int) -> str:
            return render_template_string(template, project=db.session.get(Project, project_id),
                                          ballot=state, budget=row)

        assert "Remove from my ballot" in button(on)
        assert "Not enough money left" in button(dear)
        assert "another heading of this group" in button(other)
        assert "not on the ballot" in button(off)
        state.project_ids.clear()
        state.spent.clear()
        state.heading_ids_by_group.clear()
        assert "Add to my ballot" in button(dear)
        anonymous = render_template_string(template, project=db.session.get(Project, on),
                                           ballot=None, budget=row)
        assert "Sign in to vote" in anonymous


def test_personal_data_and_erasure_keep_the_votes(app, logged_in, make_user) -> None:
    from decide.accounts.services import find_by_username
    from decide.budgets import ballots

    client = _voter(logged_in, make_user)
    budget = new_budget(app, phase="balloting", amounts=(1000,))
    project = new_project(app, budget, "author", price=100, selected=True, title="Shade trees")
    _add(client, budget, project)
    with app.test_request_context():
        voter = find_by_username("voter")
        data = ballots.personal_data(voter)
        assert data[0]["budget_id"] == budget["id"]
        assert data[0]["projects"] == [{"project_id": project, "title": "Shade trees",
                                        "cost": 100}]
        ballots.erase_personal_data(voter)
        db.session.commit()
        assert ballots.personal_data(voter) == []
        assert db.session.scalar(select(func.count(Ballot.id)).where(
            Ballot.user_id.is_(None))) == 1
    assert _lines(app) == [project] and _votes(app, project) == 1


def test_alliance_ballots_record_the_voter_city(app, client, make_user) -> None:
    make_user("author")
    make_user("bo", city="borealis", verified=True)
    budget = new_budget(app, "alliances/pact", phase="balloting", amounts=(1000,))
    project = new_project(app, budget, "author", price=100, selected=True,
                          where="alliances/pact")
    login(client, "bo")
    response = client.post(f"/alliances/pact/budgets/{budget['id']}/ballot/add",
                           data={"project_id": str(project)})
    assert response.status_code == 303
    with app.app_context():
        from tests.debates.helpers import space

        assert db.session.scalar(select(Ballot.voter_city_id)) == space("borealis").id


def test_ballot_page_runs_a_fixed_number_of_queries(app, logged_in, make_user,
                                                    count_queries) -> None:
    client = _voter(logged_in, make_user)
    small = new_budget(app, phase="balloting", amounts=(10_000,))
    large = new_budget(app, phase="balloting", amounts=(10_000, 5_000, 5_000), max_headings=1)
    _add(client, small, new_project(app, small, "author", price=10, selected=True))
    for n in range(15):
        _add(client, large, new_project(app, large, "author", price=10, selected=True,
                                        title=f"Project number {n}"))
    counts = []
    for budget in (small, large):
        url = f"/aurora/budgets/{budget['id']}/ballot"
        client.get(url)
        with count_queries() as counter:
            page = client.get(url)
        assert page.status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
    assert "Project number 14" in page.get_data(as_text=True)
