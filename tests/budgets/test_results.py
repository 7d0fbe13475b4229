"""Results: the same outcome as the rules module on the same data, checkout rules decide which
ballots count, publishing sets the winners, the public and administrators' pages, the rule
comparison in plain words, and a bounded number of queries."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import insert, select

from decide.audit.models import AuditEvent
from decide.budgets import ballots as ballot_services
from decide.budgets import results, rules
from decide.budgets.models import Ballot, BallotLine, Budget, BudgetHeading, Project
from decide.core.db import utcnow
from decide.extensions import db
from tests.budgets.helpers import new_budget, new_project


def cast(app, budget: dict, choices: Sequence[Sequence[int]]) -> None:
    """Anonymous ballots straight in the database (the ballot services have their tests),
    with votes_count recounted in SQL."""
    with app.app_context():
        prices = dict(db.session.execute(select(Project.id, Project.price)).all())
        headings = dict(db.session.execute(select(Project.id, Project.heading_id)).all())
        group = budget["group"]
        now = utcnow()
        for choice in choices:
            ballot_id = db.session.execute(insert(Ballot).values(
                budget_id=budget["id"], user_id=None, created_at=now, updated_at=now)
                .returning(Ballot.id)).scalar_one()
            for project_id in choice:
                db.session.execute(insert(BallotLine).values(
                    ballot_id=ballot_id, project_id=project_id, heading_id=headings[project_id],
                    group_id=group, cost=prices[project_id], created_at=now))
        ballot_services.recount_votes(budget["id"])
        db.session.commit()


def shares_example(app, make_user, phase: str = "reviewing_ballots", **options) -> tuple:
    """Six voters want A and B, four want C; each costs 500 of 1000. Most votes first funds
    A and B; Equal Shares with Add1 gives the four their fair part: A and C."""
    make_user("author")
    budget = new_budget(app, phase=phase, amounts=(1000,), voting_style="approval", **options)
    a = new_project(app, budget, "author", price=500, selected=True, title="Alder avenue")
    b = new_project(app, budget, "author", price=500, selected=True, title="Birch boulevard")
    c = new_project(app, budget, "author", price=500, selected=True, title="Cedar court")
    cast(app, budget, [[a, b]] * 6 + [[c]] * 4)
    return budget, a, b, c


def _budget(budget: dict) -> Budget:
    return db.session.get(Budget, budget["id"])


def test_results_equal_the_rules_module_on_the_same_data(app, make_user) -> None:
    make_user("author")
    budget = new_budget(app, phase="reviewing_ballots", amounts=(1000,))
    prices = (600, 500, 400, 100, 250, 50)
    ids = [new_project(app, budget, "author", price=p, selected=True,
                       title=f"Project number {n}") for n, p in enumerate(prices)]
    choices = [[ids[0], ids[3]], [ids[1], ids[2]], [ids[1]], [ids[0]], [ids[2], ids[4]],
               [ids[4], ids[5]], [ids[0], ids[1], ids[5]], [ids[3]]]
    cast(app, budget, choices)
    costs = {str(i): p for i, p in zip(ids, prices, strict=True)}
    ballots = [tuple(str(p) for p in sorted(choice)) for choice in choices]
    votes = rules.approval_votes(costs, ballots)
    expected = {
        "greedy": rules.greedy(costs, 1000, votes),
        "greedy-no-skip": rules.greedy(costs, 1000, votes, skip=False),
        "equalshares": rules.equal_shares(costs, 1000, ballots),
        "equalshares/add1": rules.equal_shares_add1(costs, 1000, ballots),
    }
    with app.test_request_context():
        [result] = results.compute(_budget(budget))
        assert sorted(result.ballots) == sorted(ballots)
        for rule, funded in expected.items():
            assert [str(p) for p in result.outcomes[rule].funded] == funded, rule
        assert {p.id: p.votes for p in result.projects.values()} == \
            {int(k): v for k, v in votes.items()}


def test_every_rule_the_administrator_may_pick_is_computed(app, make_user) -> None:
    from decide.budgets.models import ALLOCATION_RULES

    budget, a, b, c = shares_example(app, make_user)
    for rule in ALLOCATION_RULES:
        with app.test_request_context():
            row = _budget(budget)
            row.allocation_rule, row.min_votes = rule, 5
            [result] = results.compute(row)
            assert result.rule == rule and result.chosen.rule == rule
            db.session.rollback()
    with app.test_request_context():
        row = _budget(budget)
        row.allocation_rule, row.min_votes = "greedy-threshold", 5
        [result] = results.compute(row)
        assert result.chosen.funded == [a, b]  # C has 4 votes < 5
        db.session.rollback()


def test_equal_shares_differs_and_the_page_says_so(app, make_user) -> None:
    budget, a, b, c = shares_example(app, make_user)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        [result] = results.compute(_budget(budget))
        assert result.outcomes["greedy"].funded == [a, b]
        assert sorted(result.outcomes["equalshares/add1"].funded) == [a, c]
        shares = result.outcomes["equalshares/add1"]
        assert (shares.added, shares.removed) == ([c], [b])
        assert shares.voters_served == 10 and result.outcomes["greedy"].voters_served == 6
        assert result.difference(shares) == ("Equal Shares (completed with Add1) would fund "
                                             "“Cedar court” instead of “Birch boulevard”.")
        assert "same projects" in result.difference(result.outcomes["greedy-no-skip"])


def test_incomplete_ballots_are_not_counted(app, make_user) -> None:
    make_user("author")
    budget = new_budget(app, phase="reviewing_ballots", amounts=(1000,), min_projects=2)
    a = new_project(app, budget, "author", price=300, selected=True, title="Alder avenue")
    b = new_project(app, budget, "author", price=300, selected=True, title="Birch boulevard")
    c = new_project(app, budget, "author", price=300, selected=True, title="Cedar court")
    # Three single-project ballots for C do not meet the minimum of two projects.
    cast(app, budget, [[a, b], [a, b], [c], [c], [c]])
    with app.test_request_context():
        [result] = results.compute(_budget(budget))
        assert result.incomplete == 3 and len(result.ballots) == 2
        assert result.projects[c].votes == 0
        assert result.chosen.funded == [a, b]


def test_publish_sets_winners_and_finishes(app, client, make_user) -> None:
    from tests.conftest import login

    budget, a, b, c = shares_example(app, make_user)
    make_user("admin", roles=[("city", "aurora", "administrator")], locale="en")
    make_user("resident", verified=True, locale="en")
    url = f"/aurora/budgets/{budget['id']}/results"
    admin_url = f"/aurora/admin/budgets/{budget['id']}/results"
    assert client.get(url).status_code == 404  # not published yet
    login(client, "resident")
    assert client.get(admin_url).status_code == 403
    assert client.post(admin_url).status_code == 403
    client.post("/accounts/logout")
    login(client, "admin")
    preview = client.get(admin_url).get_data(as_text=True)
    assert "Preview" in preview and "Alder avenue" in preview
    response = client.post(admin_url)
    assert response.status_code == 303
    with app.app_context():
        row = _budget(budget)
        assert row.phase == "finished" and row.results_published_at is not None
        winners = set(db.session.scalars(select(Project.id).where(Project.winner.is_(True))))
        assert winners == {a, b}
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "budgets.results_published"))
        assert event.data["winners"] == sorted([a, b])
        assert event.data["phase"] == {"before": "reviewing_ballots", "after": "finished"}
    # Publishing again is refused (the budget is finished).
    assert client.post(admin_url).status_code == 409
    page = client.get(url).get_data(as_text=True)
    assert "Alder avenue" in page and "Birch boulevard" in page
    assert "would fund “Cedar court” instead of “Birch boulevard”" in page
    assert "results.pb" in page


def test_results_cannot_be_published_while_voting(app, client, make_user) -> None:
    from tests.conftest import login

    budget, a, b, c = shares_example(app, make_user, phase="balloting")
    make_user("admin", roles=[("city", "aurora", "administrator")], locale="en")
    login(client, "admin")
    admin_url = f"/aurora/admin/budgets/{budget['id']}/results"
    page = client.get(admin_url)
    assert page.status_code == 200 and "once voting has closed" in page.get_data(as_text=True)
    assert client.post(admin_url).status_code == 409
    with app.app_context():
        assert _budget(budget).phase == "balloting"
        assert not db.session.scalar(select(Project.id).where(Project.winner.is_(True)))


def test_results_of_another_space_are_not_found(app, client, make_user) -> None:
    from tests.conftest import login

    make_user("author")
    budget = new_budget(app, "borealis", phase="reviewing_ballots", amounts=(1000,))
    make_user("admin", roles=[("city", "aurora", "administrator")], locale="en")
    login(client, "admin")
    assert client.get(f"/aurora/admin/budgets/{budget['id']}/results").status_code == 404
    assert client.post(f"/aurora/admin/budgets/{budget['id']}/results").status_code == 404
    assert client.get(f"/aurora/budgets/{budget['id']}/results").status_code == 404
    with app.app_context():
        assert _budget(budget).phase == "reviewing_ballots"


def _bulk(app, budget: dict, projects: int, ballots: int) -> None:
    """Many projects and ballots in one heading, inserted in bulk."""
    with app.app_context():
        heading = db.session.get(BudgetHeading, budget["headings"][0])
        author = db.session.scalar(select(Project.author_id))
        now = utcnow()
        db.session.execute(insert(Project), [
            {"space_id": heading.group.budget.space_id, "budget_id": budget["id"],
             "heading_id": heading.id, "group_id": heading.group_id, "author_id": author,
             "title": f"Bulk project {n}", "description": "x", "description_html": "x",
             "locale": "en", "price": 10 + n % 50, "selected": True, "feasibility": "feasible",
             "created_at": now, "updated_at": now} for n in range(projects)])
        ids = list(db.session.scalars(select(Project.id).where(
            Project.budget_id == budget["id"])))
        ballot_ids = db.session.scalars(
            insert(Ballot).returning(Ballot.id, sort_by_parameter_order=True),
            [{"budget_id": budget["id"], "created_at": now, "updated_at": now}
             for _n in range(ballots)]).all()
        db.session.execute(insert(BallotLine), [
            {"ballot_id": ballot_id, "project_id": ids[(n * k) % len(ids)],
             "heading_id": heading.id, "group_id": heading.group_id, "cost": 10,
             "created_at": now}
            for n, ballot_id in enumerate(ballot_ids) for k in (1, 7, 13)
            if k == 1 or (n * k) % len(ids) != n % len(ids)])
        ballot_services.recount_votes(budget["id"])
        db.session.commit()


def test_results_pages_run_a_fixed_number_of_queries(app, client, make_user,
                                                     count_queries) -> None:
    from tests.conftest import login

    make_user("author")
    make_user("admin", roles=[("city", "aurora", "administrator")])
    small = new_budget(app, phase="reviewing_ballots", amounts=(1000,))
    new_project(app, small, "author", price=100, selected=True)
    _bulk(app, small, 5, 10)
    large = new_budget(app, phase="reviewing_ballots", amounts=(5000,))
    new_project(app, large, "author", price=100, selected=True)
    _bulk(app, large, 300, 2000)
    login(client, "admin")
    counts = {}
    for name, budget in (("small", small), ("large", large)):
        url = f"/aurora/admin/budgets/{budget['id']}/results"
        client.get(url)  # warm caches (space, account)
        results._CACHE.clear()  # measure the computation, not the cache of outcomes
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        counts[name, "admin"] = counter.count
        assert client.post(url).status_code == 303
        for page in ("results", "results.pb", "execution"):
            url = f"/aurora/budgets/{budget['id']}/{page}"
            results._CACHE.clear()
            with count_queries() as counter:
                assert client.get(url).status_code == 200, page
            counts[name, page] = counter.count
            with count_queries() as counter:  # computed once: the cache answers
                assert client.get(url).status_code == 200, page
            counts[name, page, "cached"] = counter.count
        # The cache spares the ballots' query (not for the execution page, which has none).
        assert counts[name, "results", "cached"] == counts[name, "results"] - 1
    for page in ("admin", "results", "results.pb", "execution"):
        assert counts["small", page] == counts["large", page], (page, counts)
    for page in ("results", "results.pb", "execution"):
        assert counts["small", page, "cached"] == counts["large", page, "cached"], counts
    assert counts["large", "results"] <= 20, counts


def test_results_follow_every_change_of_the_ballots(app, make_user) -> None:
    """Outcomes are kept between pages, but a ballot's change, a new price or another rule
    computes them again."""
    from decide.accounts.services import find_by_username
    from tests.debates.helpers import space

    budget, a, b, c = shares_example(app, make_user, phase="balloting")
    make_user("late", verified=True)
    with app.test_request_context():
        [result] = results.compute(_budget(budget))
        assert len(result.ballots) == 10 and result.projects[c].votes == 4
        late = find_by_username("late")
        ballot_services.add_line(late, space("aurora"), budget["id"], c)
        [result] = results.compute(_budget(budget))
        assert len(result.ballots) == 11 and result.projects[c].votes == 5
        ballot_services.remove_line(late, space("aurora"), budget["id"], c)
        ballot_services.add_line(late, space("aurora"), budget["id"], b)
        [result] = results.compute(_budget(budget))
        assert (result.projects[b].votes, result.projects[c].votes) == (7, 4)
        db.session.get(Project, c).price = 100
        db.session.commit()
        [result] = results.compute(_budget(budget))
        assert result.projects[c].cost == 100 and result.chosen.funded == [b, a]
        row = _budget(budget)
        row.allocation_rule = "equalshares/add1"
        db.session.commit()
        [result] = results.compute(_budget(budget))
        assert result.rule == "equalshares/add1"
        assert sorted(result.chosen.funded) == sorted(result.outcomes["equalshares/add1"].funded)
