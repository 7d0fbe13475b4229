"""The space administration page: who may see it, granting and revoking roles."""

from __future__ import annotations

from sqlalchemy import select

from decide.accounts.models import RoleAssignment
from decide.audit.models import AuditEvent
from decide.extensions import db


def test_admin_page_needs_a_role_in_that_space(logged_in, client) -> None:
    assert client.get("/aurora/admin/").status_code == 302  # to sign-in
    logged_in("mod", roles=[("city", "aurora", "moderator")])
    assert client.get("/aurora/admin/").status_code == 200
    assert client.get("/borealis/admin/").status_code == 403
    assert client.get("/alliances/pact/admin/").status_code == 403


def test_administrator_grants_and_revokes(app, logged_in, make_user) -> None:
    make_user("bea", city="borealis")
    client = logged_in("boss", roles=[("city", "aurora", "administrator")])
    response = client.post("/aurora/admin/roles", data={
        "username": "bea", "role": "official", "official_position": "Mayor",
        "official_level": "5"})
    assert response.status_code == 303
    page = client.get("/aurora/admin/roles", headers={"Accept-Language": "en"})
    assert "Mayor" in page.get_data(as_text=True)
    with app.app_context():
        assignment = db.session.scalar(select(RoleAssignment).where(
            RoleAssignment.role == "official"))
        assert assignment.space.slug == "aurora" and assignment.official_level == 5
        assignment_id = assignment.id
    assert client.post(f"/aurora/admin/roles/{assignment_id}/revoke",
                       data={"confirm": "yes"}).status_code == 303
    with app.app_context():
        assert db.session.get(RoleAssignment, assignment_id) is None
        grant, revoke = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action.in_(("admin.role_grant", "admin.role_revoke")))
            .order_by(AuditEvent.id)).all()
        assert grant.data["after"] == {"role": "official", "position": "Mayor", "level": 5}
        assert grant.data["before"] is None and grant.actor.username == "boss"
        assert revoke.data["before"]["role"] == "official" and revoke.data["after"] is None
        assert (revoke.target_type, revoke.space.slug) == ("user", "aurora")


def test_bad_role_input_keeps_form(app, logged_in, make_user) -> None:
    make_user("bea")
    client = logged_in("boss", roles=[("city", "aurora", "administrator")], locale="en")
    response = client.post("/aurora/admin/roles", data={
        "username": "bea", "role": "official", "official_position": "", "official_level": ""},
        headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "position and a level" in response.get_data(as_text=True)
    response = client.post("/aurora/admin/roles", data={"username": "ghost", "role": "moderator"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 404 and 'value="ghost"' in response.get_data(as_text=True)
    response = client.post("/aurora/admin/roles", data={"username": "bea",
                                                        "role": "secretariat"})
    assert response.status_code == 400
    response = client.post("/aurora/admin/roles", data={"username": "bea", "role": "official",
                                                        "official_position": "X",
                                                        "official_level": "7"})
    assert response.status_code == 400
    with app.app_context():
        # A refused grant leaves no audit event behind.
        assert db.session.scalar(select(AuditEvent.id)) is None


def test_moderator_cannot_manage_roles(logged_in, make_user) -> None:
    make_user("bea")
    client = logged_in("mod", roles=[("city", "aurora", "moderator")])
    response = client.post("/aurora/admin/roles", data={"username": "bea", "role": "moderator"})
    assert response.status_code == 403


def test_deployment_admin_everywhere(logged_in) -> None:
    client = logged_in("root", deployment_admin=True)
    for url in ("/aurora/admin/", "/borealis/admin/", "/alliances/pact/admin/"):
        assert client.get(url).status_code == 200


def test_modules_add_their_admin_menu_entries(client, logged_in, monkeypatch) -> None:
    """The admin shell lists what module declarations add, for those allowed, by name of
    nothing: a module declared here (as a new module would be) shows its entry."""
    from decide.core.modules import AdminEntry, Module, registry

    extra = Module(name="surveys", admin_menu=(
        AdminEntry("Survey results", "search.index", action="space.admin"),
        AdminEntry("Secret desk", "search.index", action="deployment.admin"),
    ))
    monkeypatch.setitem(registry._modules, "surveys", extra)
    logged_in("boss", roles=[("city", "aurora", "administrator")])
    html = client.get("/aurora/admin/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Survey results" in html and 'href="/aurora/search"' in html
    assert "Secret desk" not in html
