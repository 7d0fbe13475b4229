"""Deployment settings: shipped defaults, a deployment's decide.toml, DECIDE_* variables."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from decide import _secret_key, create_app
from decide.config import (
    DEFAULT_CONFIG_DIR,
    ROOT,
    SettingsError,
    find_config_dir,
    load_settings,
)
from tests.conftest import make_config


def test_defaults_and_environment_overrides() -> None:
    settings = load_settings(environ={})
    assert settings["MAIL_BACKEND"] == "file" and settings["MAIL_PORT"] == 25
    assert settings["SESSION_COOKIE_SECURE"] is True
    settings = load_settings(environ={
        "DECIDE_DATABASE_URL": "postgresql+psycopg://db/decide",
        "DECIDE_MAIL_PORT": "587", "DECIDE_SESSION_COOKIE_SECURE": "false",
        "DECIDE_MAIL_BACKEND": "smtp", "DECIDE_DEFAULT_LOCALE": "pt_BR",
        "DECIDE_DEFAULT_TIMEZONE": "America/Sao_Paulo",
        "DECIDE_RATELIMIT_LOGIN": "5 per minute; 20 per hour",
        "DECIDE_BASE_URL": "https://decide.example.org/",
        "DECIDE_REDIS_URL": "rediss://cache:6380/1"})
    assert settings["DATABASE_URL"] == "postgresql+psycopg://db/decide"
    assert settings["MAIL_PORT"] == 587 and settings["SESSION_COOKIE_SECURE"] is False
    assert (settings["MAIL_BACKEND"], settings["DEFAULT_LOCALE"]) == ("smtp", "pt_BR")
    assert settings["DEFAULT_TIMEZONE"] == "America/Sao_Paulo"
    assert settings["BASE_URL"] == "https://decide.example.org"
    assert settings["REDIS_URL"] == "rediss://cache:6380/1"


BAD_VALUES = [
    ("DECIDE_MAIL_BACKEND", "pigeon", "expected one of file, smtp"),
    ("DECIDE_DEFAULT_LOCALE", "fr", "expected one of es, en, pt_BR"),
    ("DECIDE_DEFAULT_TIMEZONE", "Mars/Olympus", "IANA time zone"),
    ("DECIDE_DEFAULT_TIMEZONE", "../../etc/passwd", "IANA time zone"),
    ("DECIDE_RATELIMIT_LOGIN", "tenperminute", "rate limits"),
    ("DECIDE_RATELIMIT_VOTE", "", "rate limits"),
    ("DECIDE_BASE_URL", "decide.example.org", "absolute address"),
    ("DECIDE_BASE_URL", "ftp://decide.example.org", "absolute address"),
    ("DECIDE_DATABASE_URL", "mysql://decide@db/decide", "postgresql+psycopg://"),
    ("DECIDE_DATABASE_URL", "decide.db", "sqlite:///"),
    ("DECIDE_REDIS_URL", "localhost:6379", "redis://"),
    ("DECIDE_REDIS_URL", "http://cache:6379", "redis://"),
    ("DECIDE_MAIL_PORT", "twenty", "whole number"),
    ("DECIDE_MAIL_PORT", "0", "from 1 to 65535"),
    ("DECIDE_TRUSTED_PROXIES", "-1", "from 0 to 10"),
    ("DECIDE_PAGE_CACHE_SECONDS", "-5", "from 0 to 86400"),
    ("DECIDE_PAGE_CACHE_SECONDS", "5m", "whole number"),
    ("DECIDE_PAGE_CACHE_MEMORY_MB", "0", "from 1 to 4096"),
    ("DECIDE_DEBUG", "perhaps", "true or false"),
    ("DECIDE_MAIL_SENDER", "nobody", "address"),
]


@pytest.mark.parametrize(("name", "value", "allowed"), BAD_VALUES)
def test_bad_environment_values_are_named_in_one_line(name: str, value: str,
                                                      allowed: str) -> None:
    with pytest.raises(SettingsError) as info:
        load_settings(environ={name: value})
    message = str(info.value)
    assert message.startswith(f"{name}={value}: ")
    assert allowed in message and "\n" not in message


def test_the_issue_example_word_for_word() -> None:
    with pytest.raises(SettingsError) as info:
        load_settings(environ={"DECIDE_MAIL_BACKEND": "pigeon"})
    assert str(info.value) == "DECIDE_MAIL_BACKEND=pigeon: expected one of file, smtp"


def test_unknown_variable_is_refused_with_a_suggestion() -> None:
    with pytest.raises(SettingsError) as info:
        load_settings(environ={"DECIDE_MAIL_BAKEND": "smtp"})
    assert str(info.value).startswith("DECIDE_MAIL_BAKEND=smtp: unknown setting; "
                                      "did you mean DECIDE_MAIL_BACKEND?")
    # Variables read by the tooling, not by the application, are not settings.
    load_settings(environ={"DECIDE_TEST_DATABASE_URL": "x", "DECIDE_CHROMIUM": "/usr/bin/c",
                           "DECIDE_FUZZ_SEED": "1",
                           "DECIDE_CONFIG_PATH": str(DEFAULT_CONFIG_DIR)})


@pytest.mark.parametrize("url", ["postgres://decide:pw@db:5432/decide",
                                 "postgresql://decide:pw@db:5432/decide",
                                 "postgresql+psycopg://decide:pw@db:5432/decide"])
def test_postgres_urls_get_the_driver(url: str) -> None:
    settings = load_settings(environ={"DECIDE_DATABASE_URL": url})
    assert settings["DATABASE_URL"] == "postgresql+psycopg://decide:pw@db:5432/decide"


def test_secrets_are_never_echoed() -> None:
    with pytest.raises(SettingsError) as info:
        load_settings(environ={"DECIDE_DATABASE_URL": "mysql://decide:hunter2@db/decide"})
    assert "hunter2" not in str(info.value) and "mysql://decide:***@db/decide" in str(info.value)
    with pytest.raises(SettingsError) as info:  # a misspelt secret
        load_settings(environ={"DECIDE_SECRET_KY": "hunter2"})
    assert str(info.value).startswith("DECIDE_SECRET_KY=(hidden): unknown setting; did you "
                                      "mean DECIDE_SECRET_KEY?")


def test_deployment_file_overrides_only_declared_keys(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "decide.toml").write_text('[decide]\nmail_backend = "smtp"\nmail_port = 587\n')
    settings = load_settings(environ={"DECIDE_CONFIG_PATH": str(config)})
    assert (settings["MAIL_BACKEND"], settings["MAIL_PORT"]) == ("smtp", 587)
    assert settings["SITE_NAME"] == "Decide"  # the rest keeps the shipped defaults
    assert settings["CITIES_DIR"] == str(config.resolve() / "cities")

    for text, expected in [
        ('[decide]\nmail_bakend = "smtp"\n', "mail_bakend: unknown setting; did you mean "
                                              "mail_backend?"),
        ('[decide]\nmail_port = "587"\n', "mail_port = '587': expected a whole number"),
        ('[decide]\ndefault_locale = "fr"\n', "default_locale = 'fr': expected one of"),
        ('[mail]\nport = 1\n', "[mail]: unknown table"),
        ("[decide\n", "not valid TOML"),
    ]:
        (config / "decide.toml").write_text(text)
        with pytest.raises(SettingsError) as info:
            load_settings(environ={"DECIDE_CONFIG_PATH": str(config)})
        assert str(info.value).startswith(str(config.resolve() / "decide.toml"))
        assert expected in str(info.value)


def test_configuration_lookup_order(tmp_path: Path) -> None:
    """$DECIDE_CONFIG_PATH, then ./config in the working directory, then the shipped files
    (which is what an installed package falls back to: no checkout is needed)."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert find_config_dir(environ={}, cwd=elsewhere) == DEFAULT_CONFIG_DIR
    assert (DEFAULT_CONFIG_DIR / "decide.toml").is_file()
    assert (DEFAULT_CONFIG_DIR / "cities" / "madrid.toml").is_file()

    working = tmp_path / "site"
    (working / "config" / "cities").mkdir(parents=True)
    assert find_config_dir(environ={}, cwd=working) == (working / "config").resolve()

    chosen = tmp_path / "etc-decide"
    chosen.mkdir()
    assert find_config_dir(environ={"DECIDE_CONFIG_PATH": str(chosen)},
                           cwd=working) == chosen.resolve()
    with pytest.raises(SettingsError, match="DECIDE_CONFIG_PATH=/no/such/folder: expected"):
        find_config_dir(environ={"DECIDE_CONFIG_PATH": "/no/such/folder"})


def test_installed_layout_finds_its_bundled_files() -> None:
    """Whatever ROOT is (the checkout, or decide/_bundled in an installed package), it holds
    everything the application reads at run time."""
    for folder in ("config", "templates", "static", "translations", "migrations"):
        assert (ROOT / folder).is_dir(), folder
    assert (ROOT / "migrations" / "env.py").is_file()


def _run_decide(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DECIDE_")}
    environment.update(DECIDE_INSTANCE_PATH=str(tmp_path / "instance"), **env)
    # The working directory has no ./config, so only the variables say where things are.
    return subprocess.run([sys.executable, "-m", "decide", *args], cwd=tmp_path,
                          env=environment, capture_output=True, text=True, timeout=120)


def test_cli_stops_with_one_line_and_status_2(tmp_path: Path) -> None:
    for args in (("--help",), ("config", "load")):
        result = _run_decide(tmp_path, *args, DECIDE_MAIL_BACKEND="pigeon")
        assert result.returncode == 2
        assert result.stderr == "decide: DECIDE_MAIL_BACKEND=pigeon: expected one of file, smtp\n"
    result = _run_decide(tmp_path, "--help", DECIDE_MAIL_BAKEND="smtp")
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1
    assert "did you mean DECIDE_MAIL_BACKEND?" in result.stderr


def test_cli_uses_decide_config_path(tmp_path: Path) -> None:
    from tests.conftest import FIXTURE_CONFIG

    result = _run_decide(tmp_path, "config", "load",
                         DECIDE_CONFIG_PATH=str(FIXTURE_CONFIG),
                         DECIDE_DATABASE_URL=f"sqlite:///{tmp_path / 'cfg.db'}")
    # The database has no tables yet; what matters is which folder was read.
    assert f"configuration: {FIXTURE_CONFIG.resolve()}" in result.stdout, result.stderr


def test_secret_key_is_generated_once_per_instance(tmp_path: Path) -> None:
    config = make_config(tmp_path, SECRET_KEY="")
    first = create_app(config).config["SECRET_KEY"]
    second = create_app(config).config["SECRET_KEY"]
    assert first == second and len(first) == 64
    assert (tmp_path / "instance" / "secret_key").stat().st_mode & 0o077 == 0


def _race_threads(instance: Path, count: int) -> list[str]:
    start, keys = threading.Barrier(count), []

    def worker() -> None:
        start.wait()
        keys.append(_secret_key(instance))

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return keys


def test_secret_key_race_between_threads(tmp_path: Path) -> None:
    for attempt in range(20):
        instance = tmp_path / f"instance-{attempt}"
        instance.mkdir()
        keys = _race_threads(instance, 12)
        assert len(keys) == 12 and len(set(keys)) == 1, attempt
        assert [p.name for p in instance.iterdir()] == ["secret_key"]  # no temporary left


RACER = """
import sys, time
from pathlib import Path
from decide import _secret_key
go = Path(sys.argv[2])
while not go.exists():
    time.sleep(0.001)
print(_secret_key(Path(sys.argv[1])))
"""


def test_secret_key_race_between_processes(tmp_path: Path) -> None:
    """Workers of a fresh deployment start together: all must hold the same key."""
    instance, go = tmp_path / "instance", tmp_path / "go"
    instance.mkdir()
    racers = [subprocess.Popen([sys.executable, "-c", RACER, str(instance), str(go)],
                               stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parents[2])
              for _ in range(8)]
    go.touch()
    keys = {racer.communicate(timeout=60)[0].strip() for racer in racers}
    assert len(keys) == 1 and len(keys.pop()) == 64
    assert (instance / "secret_key").stat().st_mode & 0o077 == 0


def test_trusted_proxy_headers(tmp_path: Path) -> None:
    app = create_app(make_config(tmp_path, TRUSTED_PROXIES=1, SERVER_NAME=None))
    response = app.test_client().get("/health", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in response.headers
    plain = create_app(make_config(tmp_path, SERVER_NAME=None))
    response = plain.test_client().get("/health", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers
