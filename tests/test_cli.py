"""The `decide` command line."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from decide.accounts.models import User
from decide.extensions import db
from tests.conftest import FIXTURE_CONFIG


def run(app, *args: str):
    return app.test_cli_runner().invoke(args=list(args), catch_exceptions=False)


def test_users_create_confirm_verify_grant(app) -> None:
    result = run(app, "users", "create", "--email", "Cli@Example.org", "--username", "cli",
                 "--password", "a-long-cli-secret", "--city", "aurora", "--role", "official",
                 "--space", "aurora", "--position", "Mayor", "--level", "5")
    assert result.exit_code == 0, result.output
    result = run(app, "users", "verify", "cli@example.org", "--city", "aurora")
    assert result.exit_code == 0, result.output
    result = run(app, "users", "grant", "cli@example.org", "--role", "secretariat",
                 "--space", "alliances/pact")
    assert result.exit_code == 0, result.output
    result = run(app, "users", "confirm", "cli@example.org")
    assert result.exit_code == 0
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "cli"))
        assert user.is_confirmed and user.residence.city.slug == "aurora"
        assert sorted(r.role for r in user.roles) == ["official", "secretariat"]


def test_cli_errors_are_clear(app) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "verify", "ghost@example.org", "--city", "aurora"])
    assert result.exit_code != 0 and "no account" in result.output
    run(app, "users", "create", "--email", "a@example.org", "--username", "aaa",
        "--password", "a-long-cli-secret")
    result = runner.invoke(args=["users", "verify", "a@example.org", "--city", "atlantis"])
    assert result.exit_code != 0 and "atlantis" in result.output
    result = runner.invoke(args=["users", "create", "--email", "b@example.org", "--username",
                                 "aaa", "--password", "a-long-cli-secret"])
    assert result.exit_code != 0
    result = runner.invoke(args=["users", "create", "--email", "c@example.org", "--username",
                                 "ccc", "--password", "short"])
    assert result.exit_code != 0


def test_config_load_reports_malformed_file(app, tmp_path) -> None:
    import shutil

    cities = tmp_path / "cities"
    shutil.copytree(FIXTURE_CONFIG / "cities", cities)
    (cities / "aurora.toml").write_text((cities / "aurora.toml").read_text().replace(
        'currency = "EUR"', "currency = 5"))
    app.config["CITIES_DIR"] = str(cities)
    try:
        result = app.test_cli_runner().invoke(args=["config", "load"])
    finally:
        app.config["CITIES_DIR"] = str(FIXTURE_CONFIG / "cities")
    assert result.exit_code != 0
    assert "aurora.toml" in result.output and "currency" in result.output
    result = run(app, "config", "load")
    assert "4 unchanged" in result.output


def test_demo_is_idempotent(app) -> None:
    first = run(app, "demo", "--no-serve")
    assert first.exit_code == 0, first.output
    with app.app_context():
        count = db.session.query(User).count()
    second = run(app, "demo", "--no-serve")
    assert second.exit_code == 0, second.output
    assert "decide-demo-2026" in second.output
    with app.app_context():
        assert db.session.query(User).count() == count == 11


def test_demo_with_the_shipped_configuration(app) -> None:
    """The README's first command: real cities, demo accounts and debates in three languages."""
    from decide.config import CONFIG_DIR
    from decide.debates.models import Debate

    app.config.update(CITIES_DIR=str(CONFIG_DIR / "cities"),
                      ALLIANCES_DIR=str(CONFIG_DIR / "alliances"))
    try:
        result = run(app, "demo", "--no-serve")
        assert result.exit_code == 0, result.output
        assert "demo debates: 5 created" in result.output
        again = run(app, "demo", "--no-serve")
        assert "demo debates: 0 created" in again.output
    finally:
        app.config.update(CITIES_DIR=str(FIXTURE_CONFIG / "cities"),
                          ALLIANCES_DIR=str(FIXTURE_CONFIG / "alliances"))
    with app.app_context():
        debates = db.session.scalars(db.select(Debate)).all()
        assert {d.locale for d in debates} == {"es", "en", "pt_BR"}
        assert sum(d.comments_count for d in debates) >= 12


def test_users_create_refuses_a_bad_email(app) -> None:
    result = app.test_cli_runner().invoke(args=[
        "users", "create", "--email", "bad-email", "--username", "bad",
        "--password", "a-long-cli-secret"])
    assert result.exit_code != 0
    assert "--email 'bad-email' is not an e-mail address" in result.output
    assert len(result.output.strip().splitlines()) == 1
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "bad")) is None


def test_cli_speaks_english_whatever_the_default_locale(app) -> None:
    assert app.config["DEFAULT_LOCALE"] == "es"
    run(app, "users", "create", "--email", "a@example.org", "--username", "aaa",
        "--password", "a-long-cli-secret")
    result = app.test_cli_runner().invoke(args=[
        "users", "create", "--email", "b@example.org", "--username", "aaa",
        "--password", "a-long-cli-secret"])
    assert result.exit_code != 0 and "This username is already taken." in result.output


def test_users_verify_moves_a_residence_only_when_asked(app) -> None:
    run(app, "users", "create", "--email", "v@example.org", "--username", "vecina",
        "--password", "a-long-cli-secret")
    assert run(app, "users", "verify", "v@example.org", "--city", "aurora").exit_code == 0
    result = app.test_cli_runner().invoke(
        args=["users", "verify", "v@example.org", "--city", "borealis"])
    assert result.exit_code != 0
    assert "verified resident of aurora; add --move" in result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "vecina"))
        assert user.residence.city.slug == "aurora"
    # Verifying again in the same city is harmless; --move does move.
    assert run(app, "users", "verify", "v@example.org", "--city", "aurora").exit_code == 0
    result = run(app, "users", "verify", "v@example.org", "--city", "borealis", "--move")
    assert result.exit_code == 0 and "(moved from aurora)" in result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "vecina"))
        assert user.residence.city.slug == "borealis"


def test_config_load_says_what_happens_to_spaces_without_a_file(app, tmp_path) -> None:
    import shutil

    cities = tmp_path / "cities"
    shutil.copytree(FIXTURE_CONFIG / "cities", cities)
    (cities / "cenit.toml").unlink()
    app.config["CITIES_DIR"] = str(cities)
    try:
        result = run(app, "config", "load")
        assert "cenit: no file; kept, not updated" in result.output
        assert "3 unchanged, 1 without a file" in result.output
        result = run(app, "config", "load", "--retire-missing")
        assert result.exit_code == 0, result.output
        assert "cenit: no file; retired" in result.output and "1 retired" in result.output
        assert "without a file" not in run(app, "config", "load").output
    finally:
        app.config["CITIES_DIR"] = str(FIXTURE_CONFIG / "cities")


@pytest.fixture
def restored_config(app):
    saved = dict(app.config)
    yield app
    app.config.clear()
    app.config.update(saved)


def test_serve_warns_about_secure_cookies_over_http(restored_config, monkeypatch) -> None:
    import socket

    import decide.cli

    app = restored_config
    served = []
    monkeypatch.setattr(decide.cli, "run_simple", lambda *args, **kw: served.append(args))
    app.config.update(SESSION_COOKIE_SECURE=True, BASE_URL="")
    result = app.test_cli_runner().invoke(
        args=["serve", "--host", "0.0.0.0", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert served and served[0][:2] == ("0.0.0.0", 8123)
    assert len(result.stderr.strip().splitlines()) == 1
    assert "DECIDE_SESSION_COOKIE_SECURE=true" in result.stderr and "HTTPS" in result.stderr
    assert app.config["BASE_URL"] == f"http://{socket.gethostname()}:8123"

    # On the loopback address browsers accept secure cookies: no warning; BASE_URL as set.
    app.config.update(BASE_URL="https://decide.example.org")
    result = app.test_cli_runner().invoke(args=["serve", "--port", "8124"])
    assert result.stderr == "" and app.config["BASE_URL"] == "https://decide.example.org"


def test_demo_links_in_emails_carry_the_port(restored_config) -> None:
    from pathlib import Path

    from decide.config import DEFAULT_CONFIG_DIR

    app = restored_config
    app.config.update(BASE_URL="", CITIES_DIR=str(DEFAULT_CONFIG_DIR / "cities"),
                      ALLIANCES_DIR=str(DEFAULT_CONFIG_DIR / "alliances"))
    result = run(app, "demo", "--no-serve", "--port", "5123")
    assert result.exit_code == 0, result.output
    mails = [p.read_text(errors="replace") for p in (Path(app.instance_path) / "mail").glob(
        "*.eml")]
    assert app.config["BASE_URL"] == "http://127.0.0.1:5123"
    assert mails and all("http://localhost/" not in m for m in mails)
    assert any("http://127.0.0.1:5123/" in m for m in mails)
