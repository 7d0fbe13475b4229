"""The account page, data export, deletion and public profiles."""

from __future__ import annotations

import json

from sqlalchemy import select

from decide.accounts.models import RoleAssignment, User
from decide.extensions import db
from tests.conftest import PASSWORD, login, mailbox


def form(**overrides):
    data = {"email": "ana@example.org", "locale": "es", "home_city": "aurora",
            "organisation_name": "", "new_password": "", "current_password": ""}
    data.update(overrides)
    return data


def test_edit_locale_and_city(app, logged_in) -> None:
    client = logged_in("ana")
    response = client.post("/accounts/settings", data=form(locale="en", home_city="borealis"))
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "ana"))
        assert user.locale == "en" and user.home_city.slug == "borealis"


def test_changing_email_needs_password_and_reconfirmation(app, logged_in) -> None:
    client = logged_in("ana")
    response = client.post("/accounts/settings", data=form(email="new@example.org"),
                           headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert 'value="new@example.org"' in response.get_data(as_text=True)
    response = client.post("/accounts/settings",
                           data=form(email="new@example.org", current_password=PASSWORD))
    assert response.status_code == 302
    assert any(m["to"] == "new@example.org" for m in mailbox(app))
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "ana"))
        assert user.email == "new@example.org" and user.confirmed_at is None


def test_email_taken_by_another_account(app, logged_in, make_user) -> None:
    make_user("bea")
    client = logged_in("ana")
    response = client.post("/accounts/settings",
                           data=form(email="bea@example.org", current_password=PASSWORD))
    assert response.status_code == 409


def test_change_password_keeps_this_session_and_ends_others(app, logged_in, make_user) -> None:
    client = logged_in("ana")
    other = app.test_client()
    login(other, "ana")
    assert other.get("/accounts/settings").status_code == 200
    response = client.post("/accounts/settings", data=form(
        new_password="another-long-secret", current_password=PASSWORD))
    assert response.status_code == 302
    assert client.get("/accounts/settings").status_code == 200
    assert other.get("/accounts/settings").status_code == 302


def test_export_personal_data(app, logged_in) -> None:
    client = logged_in("ana", verified=True, roles=[("city", "aurora", "moderator")])
    response = client.get("/accounts/export")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    assert data["account"]["email"] == "ana@example.org"
    assert data["residence"]["city"] == "aurora"
    assert data["roles"] == [{"space": "aurora", "space_kind": "city", "role": "moderator",
                              "position": None, "level": None}]
    assert "password" not in json.dumps(data)


def test_delete_account_anonymises(app, logged_in) -> None:
    client = logged_in("ana", verified=True, roles=[("city", "aurora", "official")])
    response = client.post("/accounts/delete", data={"password": "wrong", "confirm": "y"})
    assert response.status_code == 403
    response = client.post("/accounts/delete", data={"password": PASSWORD})
    assert response.status_code == 400  # the confirmation box
    response = client.post("/accounts/delete", data={"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    with app.test_request_context():
        user = db.session.scalar(select(User))
        assert user.is_deleted and user.email is None and user.password_hash is None
        assert user.residence is None
        assert db.session.scalar(select(RoleAssignment)) is None
        assert user.username.startswith("deleted-") and "ana" not in user.display_name
    assert client.get("/accounts/settings").status_code == 302
    assert login(client, "ana").status_code == 401
    assert client.get("/users/ana").status_code == 404
    # The address can be used again.
    assert client.post("/accounts/signup", data={
        "kind": "person", "username": "ana2", "email": "ana@example.org", "password": PASSWORD,
        "locale": "es", "home_city": "", "accept_terms": "y"}).status_code == 201


def test_public_profile_shows_badges(app, client, make_user) -> None:
    make_user("ana", verified=True, roles=[("city", "aurora", "official")])
    make_user("org", kind="organisation")
    html = client.get("/users/ana", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Councillor" in html and "badge--official" in html
    assert "Verified resident of Aurora" in html
    assert "ana@example.org" not in html
    html = client.get("/users/org", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Org org" in html and "badge--organisation" in html
    assert client.get("/users/nobody").status_code == 404


def test_profile_lists_recent_activity(app, client, make_user) -> None:
    from tests.debates.helpers import new_comment, new_debate

    make_user("ana")
    debate_id = new_debate(app, title="Shade for every square")
    new_comment(app, debate_id, author="ana", body="More trees")
    other = new_debate(app, title="Another debate in Borealis", where="borealis")
    html = client.get("/users/ana", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Started a debate" in html and "Commented on" in html
    assert f'href="/aurora/debates/{debate_id}"' in html
    assert f"/borealis/debates/{other}" in html and "Borealis" in html
