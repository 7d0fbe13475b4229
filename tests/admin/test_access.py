"""Every admin and audit route: sign-in first, 403 without the role (also for a role in another
space), 404 for another space's object; the deployment pages only for its administrators."""

from __future__ import annotations

import re

from sqlalchemy import select

from decide.accounts.models import RoleAssignment
from decide.cities.models import Geozone
from decide.extensions import db
from tests.admin.helpers import space

# Values for the URL arguments of the routes below (the objects do not need to exist: the
# permission check comes first).
ARGUMENTS = {"geozone_id": "1", "assignment_id": "1"}
PUBLIC = {"admin.logo"}
DEPLOYMENT = {"audit.deployment_trail", "audit.deployment_csv"}


def _space_routes(app) -> list[tuple[str, str, set[str]]]:
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(("admin.", "audit.")):
            continue
        if rule.endpoint in PUBLIC | DEPLOYMENT:
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>",
                      lambda m: "aurora" if m.group(1) == "space" else ARGUMENTS[m.group(1)],
                      rule.rule)
        routes.append((rule.endpoint, path, set(rule.methods or ()) - {"HEAD", "OPTIONS"}))
    return routes


def test_routes_listed(app) -> None:
    endpoints = {endpoint for endpoint, _, _ in _space_routes(app)}
    assert {"admin.settings", "admin.modules", "admin.theme", "admin.geozones",
            "admin.roles", "audit.space_trail", "audit.space_csv"} <= endpoints


def test_anonymous_is_sent_to_sign_in(app, client) -> None:
    for endpoint, path, methods in _space_routes(app):
        for method in methods:
            response = client.open(path, method=method)
            assert response.status_code == 302, (endpoint, method)
            assert "/accounts/login" in response.headers["Location"]


def test_signed_in_without_the_role_gets_403(app, logged_in) -> None:
    # An administrator elsewhere is nobody here.
    client = logged_in("other", roles=[("city", "borealis", "administrator")])
    for endpoint, path, methods in _space_routes(app):
        for method in methods:
            assert client.open(path, method=method).status_code == 403, (endpoint, method)


def test_moderator_sees_the_home_only(app, logged_in) -> None:
    client = logged_in("mod", roles=[("city", "aurora", "moderator")])
    for endpoint, path, methods in _space_routes(app):
        for method in methods:
            expected = 200 if endpoint == "admin.index" else 403
            assert client.open(path, method=method).status_code == expected, (endpoint, method)


def test_objects_of_another_space_are_404(app, logged_in, make_user) -> None:
    make_user("bea", roles=[("city", "borealis", "moderator")])
    client = logged_in("boss", roles=[("city", "aurora", "administrator")])
    with app.app_context():
        borealis = space("borealis")
        zone = Geozone(space_id=borealis.id, slug="centro", name="Centro", position=0)
        db.session.add(zone)
        db.session.commit()
        zone_id = zone.id
        assignment_id = db.session.scalar(select(RoleAssignment.id).where(
            RoleAssignment.space_id == borealis.id))
    for path in (f"/aurora/admin/geozones/{zone_id}/delete",
                 f"/aurora/admin/roles/{assignment_id}/revoke"):
        assert client.get(path).status_code == 404, path
    for path, data in ((f"/aurora/admin/geozones/{zone_id}/rename", {"name": "X"}),
                       (f"/aurora/admin/geozones/{zone_id}/move", {"direction": "up"}),
                       (f"/aurora/admin/geozones/{zone_id}/delete", {}),
                       (f"/aurora/admin/roles/{assignment_id}/revoke", {"confirm": "yes"})):
        assert client.post(path, data=data).status_code == 404, path
    with app.app_context():
        assert db.session.get(Geozone, zone_id).name != "X"
        assert db.session.get(RoleAssignment, assignment_id) is not None


def test_deployment_trail_for_deployment_admins_only(logged_in, client) -> None:
    assert client.get("/admin/audit").status_code == 302
    logged_in("boss", roles=[("city", "aurora", "administrator")])
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/audit.csv").status_code == 403
    assert 'href="/admin/audit"' not in client.get("/aurora/admin/audit").get_data(as_text=True)
    client.post("/accounts/logout")
    logged_in("root", deployment_admin=True)
    assert client.get("/admin/audit").status_code == 200
    assert client.get("/admin/audit.csv").status_code == 200
    assert 'href="/admin/audit"' in client.get("/aurora/admin/audit").get_data(as_text=True)
    for url in ("/aurora/admin/settings", "/alliances/pact/admin/theme",
                "/alliances/pact/admin/audit"):
        assert client.get(url).status_code == 200, url
