"""Deployment settings: TOML defaults overridden by DECIDE_* environment variables."""

from __future__ import annotations

from pathlib import Path

import pytest

from decide import create_app
from decide.config import SettingsError, load_settings
from tests.conftest import make_config


def test_defaults_and_environment_overrides() -> None:
    settings = load_settings(environ={})
    assert settings["MAIL_BACKEND"] == "file" and settings["MAIL_PORT"] == 25
    assert settings["SESSION_COOKIE_SECURE"] is True
    settings = load_settings(environ={
        "DECIDE_DATABASE_URL": "postgresql+psycopg://db/decide",
        "DECIDE_MAIL_PORT": "587", "DECIDE_SESSION_COOKIE_SECURE": "false",
        "DECIDE_UNKNOWN_THING": "ignored"})
    assert settings["DATABASE_URL"] == "postgresql+psycopg://db/decide"
    assert settings["MAIL_PORT"] == 587 and settings["SESSION_COOKIE_SECURE"] is False
    assert "UNKNOWN_THING" not in settings


@pytest.mark.parametrize(("name", "value"), [("DECIDE_MAIL_PORT", "twenty"),
                                             ("DECIDE_DEBUG", "perhaps")])
def test_bad_environment_values_are_named(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        load_settings(environ={name: value})


def test_secret_key_is_generated_once_per_instance(tmp_path: Path) -> None:
    config = make_config(tmp_path, SECRET_KEY="")
    first = create_app(config).config["SECRET_KEY"]
    second = create_app(config).config["SECRET_KEY"]
    assert first == second and len(first) == 64
    assert (tmp_path / "instance" / "secret_key").stat().st_mode & 0o077 == 0


def test_trusted_proxy_headers(tmp_path: Path) -> None:
    app = create_app(make_config(tmp_path, TRUSTED_PROXIES=1, SERVER_NAME=None))
    response = app.test_client().get("/health", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in response.headers
    plain = create_app(make_config(tmp_path, SERVER_NAME=None))
    response = plain.test_client().get("/health", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers
