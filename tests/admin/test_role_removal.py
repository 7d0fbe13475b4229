"""Removing a role asks first (without JavaScript), and nobody removes their own way in."""

from __future__ import annotations

from sqlalchemy import select

from decide.accounts.models import RoleAssignment
from decide.extensions import db

EN = {"Accept-Language": "en"}


def assignment_id(app, username: str, role: str) -> int | None:
    from decide.accounts.models import User

    with app.app_context():
        return db.session.scalar(
            select(RoleAssignment.id).join(User, User.id == RoleAssignment.user_id)
            .where(User.username == username, RoleAssignment.role == role))


def test_the_table_links_to_a_confirmation_page(app, logged_in, make_user) -> None:
    make_user("bea", roles=[("city", "aurora", "moderator")])
    client = logged_in("boss", roles=[("city", "aurora", "administrator")], locale="en")
    target = assignment_id(app, "bea", "moderator")
    page = client.get("/aurora/admin/roles", headers=EN).get_data(as_text=True)
    # No form removes anything from the table itself: only a link to the confirmation page.
    assert f'action="/aurora/admin/roles/{target}/revoke"' not in page
    assert f'href="/aurora/admin/roles/{target}/revoke"' in page

    confirm = client.get(f"/aurora/admin/roles/{target}/revoke", headers=EN)
    assert confirm.status_code == 200
    text = confirm.get_data(as_text=True)
    assert "bea will no longer hold this role" in text
    assert 'name="confirm" value="yes"' in text
    assert assignment_id(app, "bea", "moderator") == target  # looking changes nothing

    # A POST without the confirmation (an old page, a script) is sent to the question.
    response = client.post(f"/aurora/admin/roles/{target}/revoke", headers=EN)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/aurora/admin/roles/{target}/revoke")
    assert assignment_id(app, "bea", "moderator") == target

    response = client.post(f"/aurora/admin/roles/{target}/revoke", data={"confirm": "yes"},
                           headers=EN, follow_redirects=True)
    assert response.status_code == 200
    assert "The role has been removed." in response.get_data(as_text=True)
    assert assignment_id(app, "bea", "moderator") is None


def test_nobody_removes_their_own_administrator_role(app, logged_in) -> None:
    client = logged_in("boss", roles=[("city", "aurora", "administrator")], locale="es")
    own = assignment_id(app, "boss", "administrator")
    page = client.get(f"/aurora/admin/roles/{own}/revoke")
    assert page.status_code == 200
    assert 'name="confirm"' not in page.get_data(as_text=True)
    response = client.post(f"/aurora/admin/roles/{own}/revoke", data={"confirm": "yes"})
    assert response.status_code == 409
    # In the administrator's own language (Spanish, saved on the account).
    assert "No puedes quitarte tu propio rol de administrador" in response.get_data(as_text=True)
    assert assignment_id(app, "boss", "administrator") == own
    assert client.get("/aurora/admin/").status_code == 200


def test_another_administrator_or_the_deployment_admin_may_remove_it(app, logged_in,
                                                                     make_user) -> None:
    make_user("second", roles=[("city", "aurora", "administrator")])
    client = logged_in("root", deployment_admin=True,
                       roles=[("city", "aurora", "administrator")])
    own = assignment_id(app, "root", "administrator")
    # A deployment administrator keeps access, so removing their own role here is allowed.
    assert client.post(f"/aurora/admin/roles/{own}/revoke",
                       data={"confirm": "yes"}).status_code == 303
    other = assignment_id(app, "second", "administrator")
    assert client.post(f"/aurora/admin/roles/{other}/revoke",
                       data={"confirm": "yes"}).status_code == 303
    assert assignment_id(app, "second", "administrator") is None


def test_a_moderator_cannot_reach_the_confirmation(app, logged_in, make_user) -> None:
    make_user("bea", roles=[("city", "aurora", "official")])
    client = logged_in("mod", roles=[("city", "aurora", "moderator")])
    target = assignment_id(app, "bea", "official")
    assert client.get(f"/aurora/admin/roles/{target}/revoke").status_code == 403
    assert client.post(f"/aurora/admin/roles/{target}/revoke",
                       data={"confirm": "yes"}).status_code == 403
    assert assignment_id(app, "bea", "official") == target
