"""An unexpected error shows a translated 500 page, not a stack trace."""

from __future__ import annotations

from pathlib import Path

from decide import create_app
from tests.conftest import make_config


def test_server_error_page(tmp_path: Path, app) -> None:
    broken = create_app(make_config(tmp_path, TESTING=False, PROPAGATE_EXCEPTIONS=False,
                                    DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"]))

    @broken.route("/boom")
    def boom() -> str:
        raise RuntimeError("boom")

    client = broken.test_client()
    response = client.get("/boom", headers={"Accept-Language": "en"})
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Something went wrong" in html and "RuntimeError" not in html
    response = client.get("/boom", headers={"Accept-Language": "pt-BR"})
    assert response.status_code == 500 and "Something went wrong" not in response.get_data(
        as_text=True)


def _broken_app(tmp_path: Path, app) -> object:
    """A production-like app (errors handled, not raised) on the test database."""
    return create_app(make_config(tmp_path, TESTING=False, PROPAGATE_EXCEPTIONS=False,
                                  DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"]))


def test_server_error_page_after_a_failed_statement_signed_in(tmp_path: Path, app,
                                                              make_user) -> None:
    """On PostgreSQL a failed statement aborts the transaction; the 500 page, which loads the
    signed-in person and their unread count, must still render (the session is rolled back)."""
    from sqlalchemy import text

    from decide.extensions import db
    from tests.conftest import login

    broken = _broken_app(tmp_path, app)

    @broken.route("/boom-sql")
    def boom_sql() -> str:
        db.session.execute(text("SELECT no_such_column FROM no_such_table"))
        return "unreachable"

    make_user("ana", locale="en")
    client = broken.test_client()
    assert login(client, "ana").status_code == 302
    response = client.get("/boom-sql")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Something went wrong" in html and "ana" in html  # the full page, signed in
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert response.headers["X-Frame-Options"] == "DENY"


def test_error_page_falls_back_to_a_static_translated_page(tmp_path: Path, app,
                                                           monkeypatch) -> None:
    """Should the page template itself fail, a small page still says what happened, in the
    visitor's language, with the security headers."""
    import decide.core.errors as errors

    broken = _broken_app(tmp_path, app)

    @broken.route("/boom")
    def boom() -> str:
        raise RuntimeError("boom")

    def failing_template(*args: object, **kwargs: object) -> str:
        raise RuntimeError("template down")

    monkeypatch.setattr(errors, "render_template", failing_template)
    client = broken.test_client()
    english = client.get("/boom", headers={"Accept-Language": "en"})
    assert english.status_code == 500
    html = english.get_data(as_text=True)
    assert '<html lang="en">' in html and "Something went wrong" in html
    assert "RuntimeError" not in html and "template down" not in html
    assert english.headers["X-Content-Type-Options"] == "nosniff"
    spanish = client.get("/no-such-page/", headers={"Accept-Language": "es"})
    assert spanish.status_code == 404
    html = spanish.get_data(as_text=True)
    assert '<html lang="es">' in html and "Go to the home page" not in html
    assert spanish.headers["Content-Security-Policy"]


def test_method_not_allowed_keeps_the_allow_header(client) -> None:
    response = client.post("/")
    assert response.status_code == 405 and "GET" in response.headers["Allow"]
    assert response.headers["X-Frame-Options"] == "DENY"
