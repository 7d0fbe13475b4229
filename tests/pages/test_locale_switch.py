"""The language switcher posts (with CSRF); a GET changes nothing stored; a language picked
before signing in is kept, saved on the account and announced."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from decide import create_app
from decide.accounts.models import User
from decide.core.i18n import LOCALE_COOKIE
from decide.extensions import db
from tests.conftest import PASSWORD, login, make_config


def saved_locale(app, username: str = "ana") -> str:
    with app.app_context():
        return db.session.scalar(select(User.locale).where(User.username == username))


def lang_of(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True)).group(1)


def test_switcher_is_a_post_form_per_language(client) -> None:
    html = client.get("/aurora/?page=2", headers={"Accept-Language": "en"}).get_data(
        as_text=True)
    nav = html.split('class="lang-switcher"', 1)[1].split("</nav>", 1)[0]
    forms = re.findall(r'<form method="post" action="/locale/([a-zA-Z_]+)">', nav)
    assert forms == ["es", "en", "pt_BR"]
    assert nav.count('name="csrf_token"') == 3
    assert nav.count('name="next" value="/aurora/?page=2"') == 3
    assert '<button type="submit" lang="pt-BR">Português</button>' in nav
    assert 'lang="en" aria-current="true">English</button>' in nav
    assert "<a " not in nav


def test_post_saves_the_account_and_the_cookie(app, logged_in) -> None:
    client = logged_in("ana", locale="es")
    response = client.post("/locale/en", data={"next": "/aurora/"})
    assert response.status_code == 302 and response.headers["Location"] == "/aurora/"
    assert client.get_cookie(LOCALE_COOKIE, domain="decide.test").value == "en"
    assert saved_locale(app) == "en"
    assert lang_of(client.get("/aurora/", headers={"Accept-Language": "es"})) == "en"


def test_get_sets_only_the_cookie(app, logged_in) -> None:
    client = logged_in("ana", locale="es")
    response = client.get("/locale/en?next=/aurora/")
    assert response.status_code == 302 and response.headers["Location"] == "/aurora/"
    assert client.get_cookie(LOCALE_COOKIE, domain="decide.test").value == "en"
    assert saved_locale(app) == "es"


def test_next_stays_a_local_path(client) -> None:
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post("/locale/en", data={"next": target})
        assert response.status_code == 302
        assert "evil" not in response.headers["Location"]
    assert client.post("/locale/fr", data={"next": "/"}).status_code == 404


def test_post_without_csrf_token_is_refused(tmp_path: Path, app, make_user) -> None:
    guarded = create_app(make_config(tmp_path, WTF_CSRF_ENABLED=True,
                                     DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"]))
    client = guarded.test_client()
    response = client.post("/locale/en", data={"next": "/"}, headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert client.get_cookie(LOCALE_COOKIE, domain="decide.test") is None
    # With the token the page gives, it works.
    page = client.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/locale/en", data={"next": "/", "csrf_token": token})
    assert response.status_code == 302
    assert client.get_cookie(LOCALE_COOKIE, domain="decide.test").value == "en"


def test_language_picked_before_signing_in_is_kept_and_announced(app, client,
                                                                  make_user) -> None:
    make_user("ana", locale="es")
    client.post("/locale/en", data={"next": "/"})
    response = login(client, "ana")
    assert response.status_code == 302
    page = client.get("/")
    assert lang_of(page) == "en"
    assert "Your account&#39;s language is now English." in page.get_data(as_text=True)
    assert saved_locale(app) == "en"


def test_no_note_when_the_languages_agree_or_none_was_picked(app, client, make_user) -> None:
    make_user("ana", locale="en")
    make_user("bea", locale="es")
    client.post("/locale/en", data={"next": "/"})
    login(client, "ana", PASSWORD)
    assert "language is now" not in client.get("/").get_data(as_text=True)
    other = app.test_client()
    login(other, "bea")
    page = other.get("/", headers={"Accept-Language": "en"})
    assert lang_of(page) == "es" and "is now" not in page.get_data(as_text=True)
    assert saved_locale(app, "bea") == "es"
