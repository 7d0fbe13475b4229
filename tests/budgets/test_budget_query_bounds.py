"""The budget pages run the same number of queries with a few projects and with many: the
list of a heading (each ordering and filter), a project, the budget, the list of budgets and the
space's home page, while supporting and while voting."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select

from decide.accounts.models import User
from decide.budgets.models import BudgetHeading, Project, ProjectFile, ProjectSupport
from decide.core.db import utcnow
from decide.extensions import db
from tests.budgets.helpers import new_budget, new_project, set_phase
from tests.conftest import login
from tests.debates.helpers import space

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def _bulk_projects(app, budget: dict[str, Any], count: int, first: int) -> None:
    """`count` projects in the first heading, by several authors, some with an image and in
    another language than the reader's, with supports counted on the rows."""
    with app.app_context():
        space_id = space("aurora").id
        heading = db.session.get(BudgetHeading, budget["headings"][0])
        authors = list(db.session.scalars(select(User.id).order_by(User.id)))
        now = utcnow()
        rows = [{"space_id": space_id, "budget_id": budget["id"], "heading_id": heading.id,
                 "group_id": heading.group_id, "author_id": authors[n % len(authors)],
                 "title": f"Bulk project {first + n}", "description": "x",
                 "description_html": "<p>x</p>", "locale": "en" if n % 3 == 1 else "es",
                 "feasibility": "feasible" if n % 2 else "undecided",
                 "valuation_finished_at": now if n % 2 else None, "price": 100 + n,
                 "selected": n % 3 == 0, "incompatible": False, "winner": False,
                 "supports_count": n % 40, "votes_count": 0, "comments_count": n % 7,
                 "flags_count": 0, "created_at": now, "updated_at": now} for n in range(count)]
        db.session.execute(insert(Project), rows)
        ids = list(db.session.scalars(select(Project.id).where(
            Project.title.like("Bulk project %")).order_by(Project.id.desc()).limit(count)))
        db.session.execute(insert(ProjectFile), [
            {"project_id": pid, "kind": "image", "title": "p.png", "content_type": "image/png",
             "size": len(PNG), "data": PNG, "created_at": now} for pid in ids[::2]])
        heading.projects_count = BudgetHeading.projects_count + count
        db.session.commit()


def _support_some(app, user: str, budget: dict[str, Any], count: int) -> None:
    """The reader supports `count` of the newest projects (rows as the service makes them)."""
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.username == user))
        ids = list(db.session.scalars(select(Project.id).where(
            Project.budget_id == budget["id"]).order_by(Project.id.desc()).limit(count)))
        db.session.execute(insert(ProjectSupport), [
            {"project_id": pid, "user_id": user_id, "heading_id": budget["headings"][0],
             "group_id": budget["group"], "value": 1, "created_at": utcnow()} for pid in ids])
        db.session.commit()


def _queries(client, count_queries, url: str) -> list[str]:
    with count_queries() as counter:
        response = client.get(url)
        assert response.status_code == 200, url
    return counter.statements


def _differences(urls: list[str], small: list[list[str]], large: list[list[str]]) -> str:
    lines = []
    for url, few, many in zip(urls, small, large, strict=True):
        if len(few) != len(many):
            lines.append(f"{url}: {len(few)} -> {len(many)} queries")
            lines.extend(f"  few:  {' '.join(s.split())[:200]}" for s in few)
            lines.extend(f"  many: {' '.join(s.split())[:200]}" for s in many)
    return "\n".join(lines)


def test_budget_pages_do_not_grow_with_projects(app, client, make_user, count_queries) -> None:
    for name in ("ana", "bo", "carla", "dora"):
        make_user(name, verified=True)
    budget = new_budget(app, phase="selecting", amounts=(100_000, 50_000))
    project_id = new_project(app, budget, "ana", title="The one we look at")
    assert login(client, "carla").status_code == 302
    base = f"/aurora/budgets/{budget['id']}"
    heading = f"{base}/headings/{budget['headings'][0]}"
    urls = [heading, f"{heading}?order=new", f"{heading}?order=supports&page=2",
            f"{heading}?status=feasible", f"{base}/projects/{project_id}", base,
            "/aurora/budgets/", "/aurora/"]
    phases = ("selecting", "balloting")

    def measure() -> list[list[str]]:
        found = []
        for phase in phases:
            set_phase(app, budget["id"], phase)
            found += [_queries(client, count_queries, url) for url in urls]
        set_phase(app, budget["id"], "selecting")
        return found

    _bulk_projects(app, budget, 45, 0)
    _support_some(app, "carla", budget, 3)
    small = measure()
    _bulk_projects(app, budget, 450, 45)
    _support_some(app, "dora", budget, 200)
    large = measure()
    every_url = [f"{url} ({phase})" for phase in phases for url in urls]
    counts = {url: len(many) for url, many in zip(every_url, large, strict=True)}
    print("queries per page:", counts)
    assert [len(s) for s in small] == [len(s) for s in large], \
        _differences(every_url, small, large)
    assert max(counts.values()) <= 25, counts
