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


def test_control_characters_are_refused_in_the_visitors_language(client) -> None:
    for url in ("/aurora/debates/?tag=a%00b", "/aurora/debates/?geozone=%00", "/users/ana%00",
                "/aurora/search?q=%01", "/aurora%00/"):
        english = client.get(url, headers={"Accept-Language": "en"})
        assert english.status_code == 400, url
        assert "control characters" in english.get_data(as_text=True), url
        assert english.headers["X-Content-Type-Options"] == "nosniff"
        spanish = client.get(url, headers={"Accept-Language": "es"})
        assert spanish.status_code == 400 and '<html lang="es">' in spanish.get_data(
            as_text=True)
    response = client.post("/accounts/login", data={"identifier": "ana\x00", "password": "x"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "control characters" in response.get_data(as_text=True)


def test_tabs_and_new_lines_in_forms_are_text(app) -> None:
    from decide.core.security import has_control_characters

    def refused(path: str, **kwargs: object) -> bool:
        with app.test_request_context(path, **kwargs):
            return has_control_characters()

    assert not refused("/", method="POST", data={"body": "One\r\n\tTwo", "q": "x"})
    assert not refused("/", query_string={"q": "tab\there"})
    assert not refused("/users/José", query_string={"q": "árbol 💥"})
    assert refused("/", method="POST", data={"body": "a\x00b"})
    assert refused("/", method="POST", data={"bo\x1bdy": "text"})
    assert refused("/", query_string={"q": "\x0b"})
    assert refused("/users/a%0Ab")


def test_next_with_control_characters_falls_back_to_the_home_page(client) -> None:
    for target in ("/a%0Ab", "/a%0Db", "/a%09b", "/a%7Fb"):
        response = client.get(f"/locale/en?next={target}")
        assert response.status_code in (302, 303), target
        assert response.headers["Location"] in ("/", "http://decide.test/"), target
    assert client.get("/locale/en?next=/aurora/").headers["Location"].endswith("/aurora/")


def test_safe_next_refuses_control_characters(app) -> None:
    from decide.core.urls import safe_next

    for target in ("/a\nb", "/a\rb", "/a\x00b", "/a\x7fb", "/ok\t"):
        with app.test_request_context("/", query_string={"next": target}):
            assert safe_next() == "/", repr(target)
    with app.test_request_context("/", query_string={"next": "/aurora/debates/?page=2"}):
        assert safe_next() == "/aurora/debates/?page=2"
