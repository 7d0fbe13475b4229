"""Security headers, cookies, CSRF and error pages."""

from __future__ import annotations

from pathlib import Path

from decide import create_app
from tests.conftest import make_config


def test_security_headers(client) -> None:
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_no_inline_scripts_or_styles(client) -> None:
    for url in ("/", "/aurora/", "/accounts/signup", "/accounts/login", "/alliances/pact/"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>" not in html and "<style" not in html and " style=" not in html, url
        # Nothing is loaded from another host (no CDN).
        for attr in ('src="http', 'href="http'):
            for chunk in html.split(attr)[1:]:
                assert chunk.split("://", 1)[1].startswith("decide.test"), url


def test_production_cookies_are_secure(tmp_path: Path) -> None:
    app = create_app(make_config(tmp_path, SESSION_COOKIE_SECURE=True))
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


def test_csrf_is_required(tmp_path: Path, app) -> None:
    # A second app on the same database, with CSRF protection on as in production.
    protected = create_app(make_config(tmp_path, WTF_CSRF_ENABLED=True,
                                       DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"]))
    client = protected.test_client()
    response = client.post("/accounts/login", data={"identifier": "x", "password": "y"},
                           headers={"Accept-Language": "es"})
    assert response.status_code == 400
    assert "Your form expired" not in response.get_data(as_text=True)
    english = client.post("/accounts/login", data={"identifier": "x", "password": "y"},
                          headers={"Accept-Language": "en"})
    assert "Your form expired" in english.get_data(as_text=True)
    page = client.get("/accounts/login").get_data(as_text=True)
    assert 'name="csrf_token"' in page


def test_translated_error_pages(client) -> None:
    en = client.get("/no-such-city/", headers={"Accept-Language": "en"})
    assert en.status_code == 404 and "Page not found" in en.get_data(as_text=True)
    es = client.get("/no-such-city/", headers={"Accept-Language": "es"})
    assert es.status_code == 404 and "Page not found" not in es.get_data(as_text=True)
    pt = client.get("/alliances/nope/", headers={"Accept-Language": "pt-BR"})
    assert pt.status_code == 404 and "Page not found" not in pt.get_data(as_text=True)
    assert client.get("/aurora/admin/").status_code == 302  # sign-in first
    assert client.post("/").status_code == 405
