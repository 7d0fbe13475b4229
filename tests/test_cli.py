"""The `decide` command line."""

from __future__ import annotations

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
