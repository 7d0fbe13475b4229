"""Submitting, editing and withdrawing budget projects, with their image and documents."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from decide.budgets.models import BudgetHeading, Project, ProjectFile
from decide.extensions import db
from decide.search.models import SearchDocument
from tests.budgets.helpers import new_budget, new_project, set_phase
from tests.conftest import login

EN = {"Accept-Language": "en"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"x" * 64


def _html(response) -> str:
    return response.get_data(as_text=True)


def _client(app, username: str):
    browser = app.test_client()
    assert login(browser, username).status_code == 302
    return browser


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _projects_count(heading_id: int) -> int:
    return db.session.scalar(select(BudgetHeading.projects_count).where(
        BudgetHeading.id == heading_id))


def _form(heading: int, **changes):
    return {"heading": str(heading), "title": "Shade for the square",
            "description": "Plant **ten** trees.", "location": "Plaza Mayor",
            "tags": "parks, shade", **changes}


def test_submit_with_image_and_documents(app, make_user) -> None:
    make_user("ana", verified=True, locale="en")
    budget = new_budget(app, phase="accepting", amounts=(1000, 2000))
    ana = _client(app, "ana")
    base = f"/aurora/budgets/{budget['id']}"
    assert ana.get(f"{base}/projects/new?heading={budget['headings'][1]}").status_code == 200
    response = ana.post(f"{base}/projects/new", data=_form(
        budget["headings"][1], image=(io.BytesIO(PNG), "square.png"),
        documents=[(io.BytesIO(PDF), "plan.pdf"), (io.BytesIO(PDF), "costs.pdf")]),
        content_type="multipart/form-data")
    assert response.status_code == 303, _html(response)
    with app.app_context():
        project = db.session.scalar(select(Project))
        assert project.heading_id == budget["headings"][1] and project.location == "Plaza Mayor"
        assert "<strong>ten</strong>" in project.description_html and project.locale == "en"
        assert sorted(t.name for t in project.tags) == ["parks", "shade"]
        files = db.session.scalars(select(ProjectFile).order_by(ProjectFile.id)).all()
        assert [(f.kind, f.content_type, f.title) for f in files] == [
            ("image", "image/png", "square.png"), ("document", "application/pdf", "plan.pdf"),
            ("document", "application/pdf", "costs.pdf")]
        assert _projects_count(budget["headings"][1]) == 1
        assert _projects_count(budget["headings"][0]) == 0
        assert db.session.scalar(select(SearchDocument).where(
            SearchDocument.target_type == "budget_project")) is not None
        image_id, document_id = files[0].id, files[1].id
    page = _html(ana.get(response.headers["Location"], headers=EN))
    assert "Shade for the square" in page and "plan.pdf" in page
    image = ana.get(f"/aurora/budgets/files/{image_id}")
    assert image.status_code == 200 and image.data == PNG
    assert image.headers["Content-Type"] == "image/png"
    assert image.headers["X-Content-Type-Options"] == "nosniff"
    document = ana.get(f"/aurora/budgets/files/{document_id}")
    assert document.headers["Content-Type"] == "application/pdf"
    assert document.headers["Content-Disposition"].startswith("attachment;")
    # Another space does not serve them.
    assert ana.get(f"/borealis/budgets/files/{image_id}").status_code == 404


def test_bad_files_are_refused_and_the_text_kept(app, make_user) -> None:
    make_user("ana", verified=True, locale="en")
    budget = new_budget(app, phase="accepting")
    ana = _client(app, "ana")
    url = f"/aurora/budgets/{budget['id']}/projects/new"
    heading = budget["headings"][0]
    cases = [
        ({"image": (io.BytesIO(b"GIF89a" + b"\x00" * 20), "fake.png")},
         "must be a PNG, JPEG or WebP"),
        ({"image": (io.BytesIO(b"<svg onload=alert(1)>"), "x.jpg")},
         "must be a PNG, JPEG or WebP"),
        ({"image": (io.BytesIO(PNG + b"\x00" * (2 * 1024 * 1024)), "big.png")},
         "at most 2 MB"),
        ({"documents": [(io.BytesIO(PNG), "plan.pdf")]}, "is not a PDF document"),
        ({"documents": [(io.BytesIO(PDF), f"d{n}.pdf") for n in range(4)]},
         "at most 3 documents"),
    ]
    for files, message in cases:
        response = ana.post(url, data=_form(heading, title="Keep this title", **files),
                            content_type="multipart/form-data", headers=EN)
        html = _html(response)
        assert response.status_code == 400, message
        assert message in html and 'value="Keep this title"' in html, message
    # A body over every limit is a form error too, not a bare error page.
    response = ana.post(url, data=_form(heading, documents=[
        (io.BytesIO(PDF + b"x" * (5 * 1024 * 1024)), f"d{n}.pdf") for n in range(4)]),
        content_type="multipart/form-data", headers=EN)
    assert response.status_code == 413 and "too large together" in _html(response)
    response = ana.post(url, data=_form(heading, title="abc", description=""), headers=EN)
    assert response.status_code == 400 and "between 4 and 80" in _html(response)
    response = ana.post(url, data=_form("999999"), headers=EN)
    assert response.status_code == 400 and "Choose one of the budget" in _html(response)
    with app.app_context():
        assert _count(Project) == 0 and _count(ProjectFile) == 0
        assert _projects_count(heading) == 0


def test_submit_outside_the_phase_or_without_residence_is_refused(app, make_user) -> None:
    make_user("ana", verified=True, locale="en")
    make_user("olga", locale="en")  # not verified
    budget = new_budget(app, phase="selecting")
    base = f"/aurora/budgets/{budget['id']}"
    ana = _client(app, "ana")
    response = ana.get(f"{base}/projects/new", headers=EN)
    assert response.status_code == 403 and "while the budget is accepting projects" in \
        _html(response)
    response = ana.post(f"{base}/projects/new", data=_form(budget["headings"][0],
                                                          title="Typed title"), headers=EN)
    html = _html(response)
    assert response.status_code == 403 and 'value="Typed title"' in html
    assert "while the budget is accepting projects" in html
    set_phase(app, budget["id"], "accepting")
    olga = _client(app, "olga")
    response = olga.post(f"{base}/projects/new", data=_form(budget["headings"][0]), headers=EN)
    assert response.status_code == 403 and "Verify your residence" in _html(response)
    response = olga.get(f"{base}/projects/new", headers=EN)
    assert response.status_code == 403 and "Verify your residence" in _html(response)
    with app.app_context():
        assert _count(Project) == 0


def test_edit_moves_heading_counts_and_files(app, make_user) -> None:
    make_user("ana", verified=True, locale="en")
    make_user("bo", verified=True, locale="en")
    budget = new_budget(app, phase="accepting", amounts=(1000, 2000))
    ana = _client(app, "ana")
    base = f"/aurora/budgets/{budget['id']}"
    response = ana.post(f"{base}/projects/new", data=_form(
        budget["headings"][0], documents=[(io.BytesIO(PDF), "old.pdf")]),
        content_type="multipart/form-data")
    project_url = response.headers["Location"]
    with app.app_context():
        project_id = db.session.scalar(select(Project.id))
        old_file = db.session.scalar(select(ProjectFile.id))
    edit = f"{base}/projects/{project_id}/edit"
    form = _html(ana.get(edit, headers=EN))
    assert 'value="Shade for the square"' in form and "old.pdf" in form
    assert _client(app, "bo").get(edit).status_code == 403
    response = ana.post(edit, data=_form(
        budget["headings"][1], title="Shade and water", remove_files=str(old_file),
        image=(io.BytesIO(b"\xff\xd8\xff\xe0" + b"\x00" * 20), "photo.jpg")),
        content_type="multipart/form-data")
    assert response.status_code == 303 and response.headers["Location"] == project_url
    with app.app_context():
        project = db.session.get(Project, project_id)
        assert project.title == "Shade and water" and project.heading_id == budget["headings"][1]
        assert _projects_count(budget["headings"][0]) == 0
        assert _projects_count(budget["headings"][1]) == 1
        assert [(f.kind, f.content_type) for f in db.session.scalars(select(ProjectFile))] == [
            ("image", "image/jpeg")]
    set_phase(app, budget["id"], "reviewing")
    response = ana.get(edit)
    assert response.status_code == 303  # no longer editable: back to the page, with a message


def test_withdraw_asks_to_confirm_and_leaves_the_list(app, client, make_user) -> None:
    make_user("ana", verified=True, locale="en")
    make_user("bo", verified=True)
    budget = new_budget(app, phase="reviewing")
    project_id = new_project(app, budget, "ana", title="Benches by the river")
    base = f"/aurora/budgets/{budget['id']}"
    url = f"{base}/projects/{project_id}/withdraw"
    assert _client(app, "bo").post(url, data={"confirm": "y"}).status_code == 403
    ana = _client(app, "ana")
    assert "Withdraw this project" in _html(ana.get(url, headers=EN))
    response = ana.post(url, data={}, headers=EN)
    assert response.status_code == 400 and "Tick the box" in _html(response)
    response = ana.post(url, data={"confirm": "y"})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Project, project_id).is_withdrawn
        assert _projects_count(budget["headings"][0]) == 0
    heading = f"{base}/headings/{budget['headings'][0]}"
    assert "Benches by the river" not in _html(client.get(heading))
    page = _html(client.get(f"{base}/projects/{project_id}", headers=EN))
    assert "Its author withdrew this project" in page
    assert ana.post(url, data={"confirm": "y"}).status_code == 403  # once only
    set_phase(app, budget["id"], "selecting")
    other = new_project(app, budget, "ana")
    assert ana.post(f"{base}/projects/{other}/withdraw",
                    data={"confirm": "y"}).status_code == 403


def test_posting_too_fast_keeps_the_form(app, make_user, tmp_path) -> None:
    from decide import create_app
    from tests.conftest import PASSWORD, make_config

    limited = create_app(make_config(
        tmp_path, RATELIMIT_ENABLED=True, DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        RATELIMIT_DEBATE="2 per minute"))
    make_user("ana", verified=True, locale="en")
    budget = new_budget(app, phase="accepting")
    ana = limited.test_client()
    ana.post("/accounts/login", data={"identifier": "ana", "password": PASSWORD})
    url = f"/aurora/budgets/{budget['id']}/projects/new"
    statuses = [ana.post(url, data=_form(budget["headings"][0], title=f"Project {n} here")
                         ).status_code for n in range(3)]
    assert statuses == [303, 303, 429]
    html = _html(ana.post(url, data=_form(budget["headings"][0], title="Flooding title")))
    assert "posting too fast" in html and 'value="Flooding title"' in html
