"""PaBuLib files in and out: the anonymised export of a heading, the import of a file as a
finished budget (round trip: same projects, costs, votes and outcome), and refusals of bad
files (line number, nothing created)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from decide.accounts.models import User
from decide.budgets import pabulib
from decide.budgets.models import Ballot, BallotLine, Budget, Project
from decide.extensions import db
from tests.budgets.test_results import shares_example
from tests.conftest import login

FIXTURES = Path(__file__).parent / "fixtures"


def _admin(client, make_user) -> None:
    make_user("admin", roles=[("city", "aurora", "administrator")], locale="en")
    login(client, "admin")


def _upload(client, data: bytes, name: str = "", filename: str = "election.pb"):
    return client.post("/aurora/admin/budgets/import",
                       data={"name": name, "file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def _counts(app) -> tuple[int, int, int, int]:
    with app.app_context():
        return tuple(db.session.scalar(select(func.count(model.id)))
                     for model in (Budget, Project, Ballot, BallotLine))


def test_export_is_anonymous_and_recomputes_the_same_result(app, client, make_user) -> None:
    budget, a, b, c = shares_example(app, make_user)
    url = f"/aurora/budgets/{budget['id']}/results.pb"
    assert client.get(url).status_code == 404  # results not published, not an admin
    _admin(client, make_user)
    response = client.get(url)  # administrators may check the file before publishing
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert client.post(f"/aurora/admin/budgets/{budget['id']}/results").status_code == 303
    client.post("/accounts/logout")
    response = client.get(url, query_string={"heading": budget["headings"][0]})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    election = pabulib.parse(text)
    assert election.meta["vote_type"] == "approval"
    assert election.meta["budget"] == "1000"
    assert election.meta["num_votes"] == "10" and election.meta["num_projects"] == "3"
    assert election.meta["unit"] == "Aurora"
    assert election.rule == "greedy"
    assert [v.voter_id for v in election.votes] == [str(n) for n in range(1, 11)]
    assert {p.extra["name"]: (p.cost, p.votes, p.selected) for p in election.projects.values()} \
        == {"Alder avenue": (500, 6, 1), "Birch boulevard": (500, 6, 1),
            "Cedar court": (500, 4, 0)}
    assert set(pabulib.outcome(election)) == {str(a), str(b)}
    assert set(pabulib.outcome(election, "equalshares/add1")) == {str(a), str(c)}
    # No account identifies a voter in the file.
    with app.app_context():
        names = set(db.session.scalars(select(User.username)))
    assert not any(name in text for name in names)
    assert client.get(url, query_string={"heading": 999999}).status_code == 404


@pytest.mark.parametrize("fixture", ["greedy_approval.pb", "add1_completion.pb",
                                     "comparison_picks_greedy.pb"])
def test_import_then_export_round_trip(app, client, make_user, fixture) -> None:
    _admin(client, make_user)
    original = pabulib.read(FIXTURES / fixture)
    response = _upload(client, (FIXTURES / fixture).read_bytes(), name="Imported election")
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        budget = db.session.scalar(select(Budget))
        assert budget.phase == "finished" and budget.results_published_at is not None
        assert budget.allocation_rule == original.rule
        assert db.session.scalar(select(func.count(Ballot.id)).where(
            Ballot.user_id.is_not(None))) == 0
        heading_id = budget.groups[0].headings[0].id
    exported = pabulib.parse(client.get(
        f"/aurora/budgets/{budget.id}/results.pb",
        query_string={"heading": heading_id}).get_data(as_text=True))
    # Imported titles are the file's names, or "Project <id>" without a name column.
    def key(project: pabulib.Project) -> str:
        return project.extra.get("name") or f"Project {project.id}"

    by_name = {p.extra["name"]: p for p in exported.projects.values()}
    assert set(by_name) == {key(p) for p in original.projects.values()}
    for project in original.projects.values():
        copy = by_name[key(project)]
        assert copy.cost == project.cost
        assert copy.votes == sum(1 for v in original.votes if project.id in v.projects)
        assert copy.selected == (1 if project.selected else 0)
    assert exported.budget == original.budget
    assert len(exported.votes) == len(original.votes)
    renamed = {p.id: key(p) for p in original.projects.values()}
    names = {p.id: p.extra["name"] for p in exported.projects.values()}
    assert sorted(sorted(renamed[p] for p in v.projects) for v in original.votes) == \
        sorted(sorted(names[p] for p in v.projects) for v in exported.votes)
    assert {names[p] for p in pabulib.outcome(exported)} == \
        {renamed[p] for p in pabulib.outcome(original)} == \
        {renamed[p] for p in original.official_outcome}
    # The public results page shows the imported budget's winners.
    page = client.get(f"/aurora/budgets/{budget.id}/results")
    assert page.status_code == 200


def test_import_without_selected_column_computes_the_winners(app, client, make_user) -> None:
    _admin(client, make_user)
    text = ("META\nkey;value\nbudget;10\nvote_type;approval\nrule;greedy\ncurrency;EUR\n"
            "date_begin;01.03.2024\ndate_end;15.03.2024\n"
            "PROJECTS\nproject_id;cost;name\n1;6;Big park\n2;5;Library\n3;4;Bike lanes\n"
            "VOTES\nvoter_id;vote\n1;1,2\n2;1\n3;2,3\n4;1,3\n")
    assert _upload(client, text.encode()).status_code == 303
    with app.app_context():
        winners = set(db.session.scalars(select(Project.title).where(
            Project.winner.is_(True))))
        assert winners == {"Big park", "Bike lanes"}  # 3 votes: 6; 2 votes: 5 skipped, 4
        votes = dict(db.session.execute(select(Project.title, Project.votes_count)).all())
        assert votes == {"Big park": 3, "Library": 2, "Bike lanes": 2}
        budget = db.session.scalar(select(Budget))
        assert budget.currency == "EUR"
        balloting = next(p for p in budget.phases if p.kind == "balloting")
        assert (balloting.starts_on.isoformat(), balloting.ends_on.isoformat()) == \
            ("2024-03-01", "2024-03-15")


@pytest.mark.parametrize(("text", "message"), [
    ("META\nkey;value\nbudget;10\nvote_type;approval\nPROJECTS\nproject_id;cost\n"
     "1;abc\nVOTES\nvoter_id;vote\n1;1\n", "line 7"),
    ("META\nkey;value\nbudget;10\nvote_type;approval\nPROJECTS\nproject_id;cost\n"
     "1;5\nVOTES\nvoter_id;vote\n1;1\n2;9\n", "line 11"),
    ("PROJECTS\nproject_id;cost\n1;5\n", "line 1"),
    ("META\nkey;value\nbudget;10\nvote_type;ordinal\nPROJECTS\nproject_id;cost\n"
     "1;5\nVOTES\nvoter_id;vote\n1;1\n", "Only approval ballots"),
    ("META\nkey;value\nbudget;10.5\nvote_type;approval\nPROJECTS\nproject_id;cost\n"
     "1;5\nVOTES\nvoter_id;vote\n1;1\n", "decimals"),
    ("META\nkey;value\nbudget;10\nvote_type;approval\nPROJECTS\nproject_id;cost\n"
     "1;99999999999999999999\nVOTES\nvoter_id;vote\n1;1\n", "larger than"),
])
def test_malformed_files_are_refused_and_nothing_is_created(app, client, make_user, text,
                                                            message) -> None:
    _admin(client, make_user)
    before = _counts(app)
    response = _upload(client, text.encode())
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert _counts(app) == before


def test_binary_empty_and_huge_files_are_refused(app, client, make_user, monkeypatch) -> None:
    from decide.budgets import results

    _admin(client, make_user)
    before = _counts(app)
    assert _upload(client, b"\xff\xfe\x00 not text").status_code == 422
    response = client.post("/aurora/admin/budgets/import", data={"name": "x"},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    monkeypatch.setattr(results, "IMPORT_MAX_BYTES", 1000)
    assert _upload(client, b"META\n" + b"x" * 200_000).status_code == 413
    assert _counts(app) == before


def test_only_administrators_import(app, client, make_user) -> None:
    make_user("resident", verified=True)
    login(client, "resident")
    assert client.get("/aurora/admin/budgets/import").status_code == 403
    data = (FIXTURES / "greedy_approval.pb").read_bytes()
    assert _upload(client, data).status_code == 403
    client.post("/accounts/logout")
    assert _upload(client, data).status_code == 302  # to sign in
    assert _counts(app)[0] == 0


def test_files_larger_than_the_site_limit_are_accepted(app, client, make_user) -> None:
    """The site takes 2 MB per request; PaBuLib files may have up to 20 MB."""
    _admin(client, make_user)
    padding = "".join(f"note{n};{'x' * 1000}\n" for n in range(3 * 1024))  # 3 MB of META
    text = (f"META\nkey;value\n{padding}budget;10\nvote_type;approval\n"
            "PROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote\n1;1\n")
    assert _upload(client, text.encode(), name="Big file").status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Budget)).name == "Big file"
