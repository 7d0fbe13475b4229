"""Locale choice: explicit (account, cookie) > Accept-Language > space default; formatting."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask import g

from decide.core.i18n import LOCALE_COOKIE, format_money, normalise_locale


def lang_of(response) -> str:
    html = response.get_data(as_text=True)
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize(("raw", "expected"), [
    ("pt-BR", "pt_BR"), ("pt", "pt_BR"), ("pt_PT", "pt_BR"), ("es-MX", "es"), ("en_GB", "en"),
    ("fr", None), ("", None), (None, None),
])
def test_normalise_locale(raw, expected) -> None:
    assert normalise_locale(raw) == expected


def test_space_default_when_nothing_else(client) -> None:
    assert lang_of(client.get("/borealis/")) == "pt-BR"
    assert lang_of(client.get("/aurora/")) == "es"


def test_accept_language_beats_space_default(client) -> None:
    response = client.get("/borealis/", headers={"Accept-Language": "en-US,en;q=0.8"})
    assert lang_of(response) == "en"
    response = client.get("/", headers={"Accept-Language": "pt-BR,pt;q=0.9"})
    assert lang_of(response) == "pt-BR"


def test_switcher_sets_cookie_and_sticks(client) -> None:
    response = client.get("/locale/pt_BR?next=/aurora/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/aurora/")
    assert LOCALE_COOKIE in response.headers["Set-Cookie"]
    page = client.get("/aurora/", headers={"Accept-Language": "en"})
    assert lang_of(page) == "pt-BR"
    assert "Sair" not in page.get_data(as_text=True)  # not signed in
    assert 'aria-current="true">Português' in page.get_data(as_text=True)


def test_switcher_rejects_unknown_locale_and_foreign_redirects(client) -> None:
    assert client.get("/locale/fr").status_code == 404
    response = client.get("/locale/en?next=https://evil.example/")
    assert response.headers["Location"] in ("/", "http://decide.test/")


def test_account_locale_is_saved_and_wins(logged_in, app) -> None:
    client = logged_in("ana", locale="es")
    client.post("/locale/en")  # the switcher posts; a GET no longer writes to the account
    client.delete_cookie(LOCALE_COOKIE, domain="decide.test")
    assert lang_of(client.get("/aurora/", headers={"Accept-Language": "pt-BR"})) == "en"
    from decide.accounts.services import find_by_username

    with app.app_context():
        assert find_by_username("ana").locale == "en"


def test_space_only_offers_its_locales(client) -> None:
    # Cenit enables es and en only: a Portuguese reader falls back to the default, Spanish.
    response = client.get("/cenit/", headers={"Accept-Language": "pt-BR"})
    assert lang_of(response) == "es"
    assert "/locale/pt_BR" not in response.get_data(as_text=True)


def test_money_dates_numbers_follow_locale_and_space(app, client) -> None:
    es = client.get("/aurora/", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "1234,50\xa0€" in es or "1.234,50\xa0€" in es
    en = client.get("/aurora/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "€1,234.50" in en
    pt = client.get("/borealis/", headers={"Accept-Language": "pt-BR"}).get_data(as_text=True)
    assert "R$\xa01.234,50" in pt


def test_format_money_uses_space_currency(app) -> None:
    from decide.cities.queries import city_by_slug

    with app.test_request_context(headers={"Accept-Language": "en"}):
        g.space = city_by_slug("cenit")
        assert format_money(Decimal("10")).startswith("UYU") or "$" in format_money(10)
