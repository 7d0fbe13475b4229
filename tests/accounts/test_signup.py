"""Sign-up, e-mail confirmation, sign-in and sign-out through HTTP."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from decide.accounts.models import User
from decide.extensions import db
from tests.conftest import PASSWORD, login, mailbox

SIGNUP = {
    "kind": "person",
    "username": "marta",
    "email": "Marta@Example.org",
    "password": PASSWORD,
    "locale": "pt_BR",
    "home_city": "borealis",
    "accept_terms": "y",
}


def confirmation_link(app, to: str) -> str:
    messages = [m for m in mailbox(app) if m["to"] == to]
    assert messages, f"no mail to {to}"
    return re.search(r"https?://\S+/accounts/confirm/\S+", messages[0]["text"]).group(0)


def test_signup_confirm_login_logout(app, client) -> None:
    response = client.post("/accounts/signup", data=SIGNUP)
    assert response.status_code == 201
    assert "marta@example.org" in response.get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "marta"))
        assert user.email == "marta@example.org" and user.confirmed_at is None
        assert user.home_city.slug == "borealis" and user.terms_accepted_at is not None
        assert user.password_hash and PASSWORD not in user.password_hash

    # The e-mail is in the recipient's language (Portuguese here).
    mail = [m for m in mailbox(app) if m["to"] == "marta@example.org"][0]
    assert "Confirm your e-mail" not in mail["subject"]

    # Unconfirmed accounts cannot sign in yet.
    response = login(client, "marta")
    assert response.status_code == 302 and "/accounts/confirm" in response.headers["Location"]

    link = confirmation_link(app, "marta@example.org")
    path = link.split("decide.test", 1)[1]
    assert client.get(path).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "marta")).confirmed_at

    response = login(client, "marta@example.org")
    assert response.status_code == 302
    page = client.get("/accounts/settings")
    assert page.status_code == 200 and "marta" in page.get_data(as_text=True)

    assert client.post("/accounts/logout").status_code == 302
    assert client.get("/accounts/settings").status_code == 302


def test_duplicate_username_and_email_keep_input(app, client, make_user) -> None:
    make_user("marta")
    response = client.post("/accounts/signup", data={**SIGNUP, "username": "MARTA",
                                                     "email": "new@example.org"})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert 'value="new@example.org"' in html and 'value="MARTA"' in html
    assert PASSWORD not in html
    response = client.post("/accounts/signup", data={**SIGNUP, "username": "other",
                                                     "email": "marta@example.org"})
    assert response.status_code == 409
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 1


def test_weak_and_overlong_passwords(client) -> None:
    for password, status in (("short", 400), ("1234567890", 400), ("x" * 129, 400),
                             ("marta-is-great", 400)):
        response = client.post("/accounts/signup", data={**SIGNUP, "password": password})
        assert response.status_code == status, password
        html = response.get_data(as_text=True)
        assert 'value="marta"' in html
        assert f'value="{password}"' not in html


def test_missing_terms_and_bad_email(client) -> None:
    data = dict(SIGNUP)
    del data["accept_terms"]
    data["email"] = "not-an-email"
    response = client.post("/accounts/signup", data=data, headers={"Accept-Language": "en"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "You must accept the terms" in html and "valid e-mail" in html


def test_organisation_needs_a_name(client) -> None:
    data = {**SIGNUP, "kind": "organisation", "organisation_name": ""}
    assert client.post("/accounts/signup", data=data).status_code == 400
    data["organisation_name"] = "Barrio Vivo"
    assert client.post("/accounts/signup", data=data).status_code == 201


def test_wrong_and_expired_confirmation_tokens(app, client) -> None:
    response = client.get("/accounts/confirm/not-a-token", headers={"Accept-Language": "en"})
    assert response.status_code == 400 and "not valid" in response.get_data(as_text=True)
    client.post("/accounts/signup", data=SIGNUP)
    link = confirmation_link(app, "marta@example.org").split("decide.test", 1)[1]
    app.config["CONFIRMATION_MAX_AGE"] = -1
    try:
        response = client.get(link, headers={"Accept-Language": "en"})
    finally:
        app.config["CONFIRMATION_MAX_AGE"] = 604800
    assert response.status_code == 400 and "expired" in response.get_data(as_text=True)
    # Ask for a new link: the same answer whether the address exists or not.
    assert client.post("/accounts/confirm", data={"email": "marta@example.org"}).status_code == 200
    assert len([m for m in mailbox(app) if m["to"] == "marta@example.org"]) == 2
    assert client.post("/accounts/confirm", data={"email": "ghost@example.org"}).status_code == 200


def test_wrong_password_is_401_and_keeps_identifier(client, make_user) -> None:
    make_user("marta")
    response = client.post("/accounts/login", data={"identifier": "marta", "password": "nope"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 401
    html = response.get_data(as_text=True)
    assert 'value="marta"' in html and "not correct" in html


def test_login_redirects_only_to_local_next(client, make_user) -> None:
    make_user("marta")
    response = client.post("/accounts/login?next=/aurora/",
                           data={"identifier": "marta", "password": PASSWORD})
    assert response.headers["Location"] == "/aurora/"
    client.post("/accounts/logout")
    response = client.post("/accounts/login?next=//evil.example/",
                           data={"identifier": "marta", "password": PASSWORD})
    assert "evil" not in response.headers["Location"]
