"""Execution tracking: milestone statuses of a space, milestones of winning projects (checked
input, images by their bytes, audited) and the public page with progress bars."""

from __future__ import annotations

import io

from sqlalchemy import func, select, update

from decide.audit.models import AuditEvent
from decide.budgets.models import MilestoneStatus, Project, ProjectFile, ProjectMilestone
from decide.extensions import db
from tests.budgets.helpers import new_budget, new_project
from tests.conftest import login

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 32


def finished_budget(app, make_user, where: str = "aurora", winners: int = 1) -> tuple:
    with app.app_context():
        from decide.accounts.services import find_by_username

        if find_by_username("author") is None:
            make_user("author")
    budget = new_budget(app, where, phase="finished", amounts=(1000,))
    ids = [new_project(app, budget, "author", price=100, selected=True, where=where,
                       title=f"Winning project {n}") for n in range(winners)]
    loser = new_project(app, budget, "author", price=100, selected=True, where=where,
                        title="Losing project")
    with app.app_context():
        db.session.execute(update(Project).where(Project.id.in_(ids)).values(winner=True))
        db.session.commit()
    return budget, ids, loser


def _admin(client, make_user) -> None:
    make_user("admin", roles=[("city", "aurora", "administrator")], locale="en")
    login(client, "admin")


def _milestones_url(budget, project_id) -> str:
    return f"/aurora/admin/budgets/{budget['id']}/projects/{project_id}/milestones"


def _status_ids(app) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(MilestoneStatus.id).order_by(
            MilestoneStatus.position)))


def _form(status_id="", progress="60", on_date="2027-05-01", image=None, **extra):
    data = {"on_date": on_date, "status_id": str(status_id), "progress": progress,
            "description_es": "Obras empezadas", "description_en": "Works started", **extra}
    if image is not None:
        data["image"] = (io.BytesIO(image), "photo.png")
    return data


def test_statuses_are_seeded_renamed_added_and_removed(app, client, make_user) -> None:
    _admin(client, make_user)
    page = client.get("/aurora/admin/budgets/milestone-statuses").get_data(as_text=True)
    assert "Tendering" in page and "In progress" in page and "Completed" in page
    first, second, third = _status_ids(app)
    response = client.post("/aurora/admin/budgets/milestone-statuses",
                           data={"name_es": "Paralizado", "name_en": "Stalled"})
    assert response.status_code == 303
    response = client.post(f"/aurora/admin/budgets/milestone-statuses/{first}",
                           data={f"status{first}-name_es": "Licitación",
                                 f"status{first}-name_en": "Out to tender"})
    assert response.status_code == 303
    assert client.post(f"/aurora/admin/budgets/milestone-statuses/{third}/delete"
                       ).status_code == 303
    page = client.get("/aurora/admin/budgets/milestone-statuses").get_data(as_text=True)
    assert "Out to tender" in page and "Stalled" in page and "Completed" not in page
    # A name is needed in the space's main language.
    response = client.post("/aurora/admin/budgets/milestone-statuses", data={"name_en": "x"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count(MilestoneStatus.id))) == 3
        actions = sorted(db.session.scalars(select(AuditEvent.action)))
        assert actions == ["budgets.milestone_status_added", "budgets.milestone_status_removed",
                           "budgets.milestone_status_renamed"]


def test_statuses_of_another_space_are_not_found(app, client, make_user) -> None:
    make_user("other-admin", city="borealis", roles=[("city", "borealis", "administrator")])
    login(client, "other-admin")
    client.get("/borealis/admin/budgets/milestone-statuses")
    theirs = _status_ids(app)[0]
    client.post("/accounts/logout")
    _admin(client, make_user)
    assert client.post(f"/aurora/admin/budgets/milestone-statuses/{theirs}/delete"
                       ).status_code == 404
    assert client.post(f"/aurora/admin/budgets/milestone-statuses/{theirs}",
                       data={f"status{theirs}-name_es": "Robado"}).status_code == 404
    with app.app_context():
        assert db.session.get(MilestoneStatus, theirs).names["es"] != "Robado"


def test_milestones_with_progress_show_on_the_public_page(app, client, make_user) -> None:
    budget, (winner,), loser = finished_budget(app, make_user)
    _admin(client, make_user)
    url = _milestones_url(budget, winner)
    assert client.get(url).status_code == 200
    tendering, in_progress, _completed = _status_ids(app)
    assert client.post(url, data=_form(tendering, "10", "2027-02-01")).status_code == 303
    response = client.post(url, data=_form(in_progress, "60", "2027-05-01", image=PNG))
    assert response.status_code == 303
    with app.app_context():
        milestone = db.session.scalar(select(ProjectMilestone).where(
            ProjectMilestone.progress == 60))
        image = db.session.get(ProjectFile, milestone.image_id)
        assert (image.kind, image.content_type, image.size) == ("image", "image/png", len(PNG))
        assert milestone.descriptions == {"es": "Obras empezadas", "en": "Works started"}
        assert db.session.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "budgets.milestone_added")) == 2
    client.post("/accounts/logout")
    make_user("reader", locale="en")
    login(client, "reader")
    page = client.get(f"/aurora/budgets/{budget['id']}/execution").get_data(as_text=True)
    assert '<progress class="supports-bar" max="100" value="60"' in page
    assert "60% done" in page and "In progress" in page and "Works started" in page
    assert "Winning project 0" in page and "Losing project" not in page
    assert page.index("2027") < page.index("Tendering")  # newest first, then the older one
    assert f"/files/{milestone.image_id}" in page


def test_bad_milestones_are_refused_and_keep_what_was_typed(app, client, make_user) -> None:
    budget, (winner,), loser = finished_budget(app, make_user)
    _admin(client, make_user)
    url = _milestones_url(budget, winner)
    response = client.post(url, data=_form(progress="150"))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "from 0 to 100" in page and "Works started" in page
    assert client.post(url, data=_form(on_date="yesterday")).status_code == 400
    response = client.post(url, data=_form(image=b"GIF89a not allowed"))
    assert response.status_code == 422
    assert "PNG, JPEG or WebP" in response.get_data(as_text=True)
    big = b"\x89PNG\r\n\x1a\n" + b"\x00" * (2 * 1024 * 1024)
    response = client.post(url, data=_form(image=big))
    assert response.status_code == 422
    assert "larger than 2 MB" in response.get_data(as_text=True)
    response = client.post(url, data=_form(description_es="", description_en=""))
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count(ProjectMilestone.id))) == 0
        assert db.session.scalar(select(func.count(ProjectFile.id))) == 0
    # WebP is fine.
    assert client.post(url, data=_form(image=WEBP)).status_code == 303


def test_milestones_only_for_winners_of_this_space(app, client, make_user) -> None:
    budget, (winner,), loser = finished_budget(app, make_user)
    theirs, (their_winner,), _ = finished_budget(app, make_user, where="borealis")
    _admin(client, make_user)
    assert client.get(_milestones_url(budget, loser)).status_code == 404
    assert client.post(_milestones_url(budget, loser), data=_form()).status_code == 404
    assert client.get(_milestones_url(theirs, their_winner)).status_code == 404
    assert client.get(f"/aurora/admin/budgets/{budget['id']}/projects/{their_winner}"
                      "/milestones").status_code == 404
    assert client.get(f"/aurora/budgets/{theirs['id']}/execution").status_code == 404
    client.post("/accounts/logout")
    make_user("resident", verified=True)
    login(client, "resident")
    assert client.get(_milestones_url(budget, winner)).status_code == 403
    assert client.post(_milestones_url(budget, winner), data=_form()).status_code == 403
    assert client.get("/aurora/admin/budgets/milestone-statuses").status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count(ProjectMilestone.id))) == 0


def test_removing_a_milestone(app, client, make_user) -> None:
    budget, (winner,), loser = finished_budget(app, make_user)
    _admin(client, make_user)
    url = _milestones_url(budget, winner)
    client.post(url, data=_form(image=PNG))
    with app.app_context():
        milestone_id = db.session.scalar(select(ProjectMilestone.id))
    assert client.post(f"{url}/{milestone_id}/delete").status_code == 303
    assert client.post(f"{url}/{milestone_id}/delete").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count(ProjectMilestone.id))) == 0
        assert db.session.scalar(select(func.count(ProjectFile.id))) == 0
        assert db.session.scalar(select(AuditEvent.action).where(
            AuditEvent.action == "budgets.milestone_removed")) is not None


def test_execution_page_only_after_finishing(app, client, make_user) -> None:
    make_user("author")
    budget = new_budget(app, phase="reviewing_ballots", amounts=(1000,))
    assert client.get(f"/aurora/budgets/{budget['id']}/execution").status_code == 404


def test_execution_page_runs_a_fixed_number_of_queries(app, client, make_user,
                                                       count_queries) -> None:
    from decide.budgets import execution
    from decide.core.db import utcnow
    from tests.debates.helpers import space

    small, small_ids, _ = finished_budget(app, make_user, winners=1)
    large, large_ids, _ = finished_budget(app, make_user, winners=12)
    with app.test_request_context():
        aurora = space("aurora")
        statuses = execution.ensure_default_statuses(aurora)
        for n, project_id in enumerate(small_ids + large_ids):
            for k in range(3):
                db.session.add(ProjectMilestone(
                    project_id=project_id, on_date=utcnow().date(), descriptions={"en": "x"},
                    status_id=statuses[k].id, progress=(n + k) % 100))
        db.session.commit()
    counts = []
    for budget in (small, large):
        url = f"/aurora/budgets/{budget['id']}/execution"
        client.get(url)
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
