"""Deployment settings: `decide.toml`, overridden by DECIDE_* environment variables.

Every key is declared with its default in the shipped `config/decide.toml`; a deployment's own
`decide.toml` and the environment can only set declared keys, and every value is checked by
its kind (number, flag, choice, time zone, rate limit, URL...). A bad value raises
SettingsError with one line naming the variable or file key, the value and what is allowed.

The configuration folder (decide.toml, cities/, alliances/) is looked up in this order:
$DECIDE_CONFIG_PATH, then ./config in the working directory, then the defaults shipped with
the code (the repository's config/ in a checkout, a copy made at build time when installed).
"""

from __future__ import annotations

import difflib
import os
import tomllib
import zoneinfo
from collections.abc import Callable, Mapping
from email.utils import parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

_SOURCE_ROOT = Path(__file__).resolve().parent.parent
# `pip install .` copies config/, templates/, static/, translations/ and migrations/ here
# (see setup.py); a source checkout or an editable install uses the repository itself.
BUNDLED_ROOT = Path(__file__).resolve().parent / "_bundled"
ROOT = BUNDLED_ROOT if BUNDLED_ROOT.is_dir() else _SOURCE_ROOT
IS_SOURCE_CHECKOUT = ROOT == _SOURCE_ROOT
# The configuration shipped with the code: it declares every setting and its default.
DEFAULT_CONFIG_DIR = ROOT / "config"
CONFIG_DIR = DEFAULT_CONFIG_DIR
TEMPLATES_DIR = ROOT / "templates"
STATIC_DIR = ROOT / "static"
TRANSLATIONS_DIR = ROOT / "translations"
MIGRATIONS_DIR = ROOT / "migrations"

CONFIG_PATH_VARIABLE = "DECIDE_CONFIG_PATH"
# DECIDE_* variables that are not settings: read by the test suite, the fuzz test and the
# browser tests. Tooling that needs a new one should use the DECIDE_TEST_ prefix.
_NOT_SETTINGS = {CONFIG_PATH_VARIABLE, "DECIDE_CHROMIUM"}
_NOT_SETTINGS_PREFIXES = ("DECIDE_TEST_", "DECIDE_FUZZ_")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
# Values never echoed back in an error message.
_SECRET_KEYS = {"SECRET_KEY", "MAIL_PASSWORD"}
_POSTGRES_DRIVER = "postgresql+psycopg"


class SettingsError(ValueError):
    """A deployment setting is missing, unknown or malformed (one line, meant for a person)."""


# --- validators: each returns the (possibly normalised) value or raises ValueError(allowed) ---

Validator = Callable[[Any], Any]


def _one_of(*allowed: str) -> Validator:
    def check(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"expected one of {', '.join(allowed)}")
        return value

    return check


def _locale(value: str) -> str:
    from decide.core.i18n import LOCALES

    return _one_of(*LOCALES)(value)


def _timezone(value: str) -> str:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError("expected an IANA time zone such as UTC or Europe/Madrid") from None
    return value


def _rate_limits(value: str) -> str:
    from limits import parse_many

    try:
        if not parse_many(value):
            raise ValueError
    except ValueError:
        raise ValueError(
            'expected rate limits such as "10 per minute;50 per hour"') from None
    return value


def _http_url(value: str) -> str:
    if value == "":
        return value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or \
            parts.fragment:
        raise ValueError("expected an absolute address such as https://decide.example.org, "
                         "or nothing")
    return value.rstrip("/")


def _database_url(value: str) -> str:
    if value == "":
        return value
    scheme, separator, rest = value.partition("://")
    if not separator:
        scheme = ""
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy needs the driver named.
    if scheme in ("postgres", "postgresql", _POSTGRES_DRIVER) and rest:
        return f"{_POSTGRES_DRIVER}://{rest}"
    if scheme == "sqlite" and rest.startswith("/"):
        return value
    raise ValueError("expected sqlite:///<path> or postgresql+psycopg://user@host:5432/name "
                     "(postgres:// and postgresql:// are accepted), or nothing")


def _redis_url(value: str) -> str:
    scheme = value.partition("://")[0]
    if value and (scheme not in ("redis", "rediss") or "://" not in value):
        raise ValueError("expected redis://host:6379/0 or rediss://..., or nothing")
    return value


def _mail_sender(value: str) -> str:
    if "@" not in parseaddr(value)[1]:
        raise ValueError('expected an address such as "Decide <no-reply@example.org>"')
    return value


def _whole_number(low: int, high: int | None = None) -> Validator:
    def check(value: int) -> int:
        if value < low or (high is not None and value > high):
            raise ValueError(f"expected a whole number from {low}"
                             + (f" to {high}" if high is not None else " up"))
        return value

    return check


# Keys with more to check than their default's type; every other key is checked by type.
VALIDATORS: dict[str, Validator] = {
    "DATABASE_URL": _database_url,
    "REDIS_URL": _redis_url,
    "MAIL_BACKEND": _one_of("file", "smtp"),
    "MAIL_SENDER": _mail_sender,
    "MAIL_PORT": _whole_number(1, 65535),
    "DEFAULT_LOCALE": _locale,
    "DEFAULT_TIMEZONE": _timezone,
    "BASE_URL": _http_url,
    "TRUSTED_PROXIES": _whole_number(0, 10),
    "CONFIRMATION_MAX_AGE": _whole_number(60),
    "RESET_MAX_AGE": _whole_number(60),
    "PAGE_CACHE_SECONDS": _whole_number(0, 86_400),
    "PAGE_CACHE_MEMORY_MB": _whole_number(1, 4_096),
}


def _validator(key: str) -> Validator | None:
    if key.startswith("RATELIMIT_") and key != "RATELIMIT_ENABLED":
        return _rate_limits
    return VALIDATORS.get(key)


def _shown(key: str, value: Any) -> str:
    """The value as an error message may show it: secrets and URL passwords hidden."""
    if key in _SECRET_KEYS or any(word in key for word in ("SECRET", "PASSWORD", "TOKEN")):
        return "(hidden)"
    text = str(value)
    parts = urlsplit(text) if "://" in text else None
    if parts is not None and parts.password:
        text = text.replace(f":{parts.password}@", ":***@", 1)
    return text


def _from_text(raw: str, default: Any) -> Any:
    """An environment variable's text as the type of the setting's default."""
    if isinstance(default, bool):
        lowered = raw.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ValueError("expected true or false")
    if isinstance(default, int):
        try:
            return int(raw.strip())
        except ValueError:
            raise ValueError("expected a whole number") from None
    return raw


def _check_type(value: Any, default: Any) -> None:
    """A file value must have the type of the default (TOML is typed)."""
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ValueError("expected true or false")
    elif isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError("expected a whole number")
    elif isinstance(default, str) and not isinstance(value, str):
        raise ValueError("expected a text in quotes")


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise SettingsError(f"{path}: cannot be read: {exc.strerror}") from None
    unknown_tables = sorted(set(data) - {"decide"})
    if unknown_tables:
        raise SettingsError(f"{path}: [{unknown_tables[0]}]: unknown table; settings go under "
                            "[decide]")
    return {key.upper(): value for key, value in data.get("decide", {}).items()}


def _suggestion(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    return f"; did you mean {close[0]}?" if close else ""


def find_config_dir(environ: Mapping[str, str] | None = None, cwd: Path | None = None) -> Path:
    """$DECIDE_CONFIG_PATH, else ./config in the working directory, else the shipped defaults."""
    environ = os.environ if environ is None else environ
    configured = environ.get(CONFIG_PATH_VARIABLE, "")
    if configured:
        path = Path(configured).expanduser()
        if not path.is_dir():
            raise SettingsError(f"{CONFIG_PATH_VARIABLE}={configured}: expected a folder "
                                "holding decide.toml, cities/ and alliances/")
        return path.resolve()
    local = (cwd or Path.cwd()) / "config"
    if (local / "decide.toml").is_file() or (local / "cities").is_dir():
        return local.resolve()
    return DEFAULT_CONFIG_DIR


def load_settings(
    environ: Mapping[str, str] | None = None, path: Path | None = None,
    cwd: Path | None = None,
) -> dict[str, Any]:
    """Shipped defaults, then the deployment's decide.toml, then DECIDE_<KEY> variables.

    `path` names the deployment's decide.toml; by default it is found with find_config_dir.
    """
    environ = os.environ if environ is None else environ
    defaults_file = DEFAULT_CONFIG_DIR / "decide.toml"
    defaults = _read_toml(defaults_file)
    config_dir = path.parent if path is not None else find_config_dir(environ, cwd)
    deployment_file = path or config_dir / "decide.toml"
    # The shipped defaults are checked too: a broken default must not wait for production.
    settings = {
        key: _checked(key, value, value, f"{defaults_file}: {key.lower()} = {_shown(key, value)!r}",
                      from_text=False)
        for key, value in defaults.items()
    }
    if deployment_file.is_file() and deployment_file.resolve() != defaults_file.resolve():
        for key, value in _read_toml(deployment_file).items():
            if key not in defaults:
                raise SettingsError(f"{deployment_file}: {key.lower()}: unknown setting"
                                    + _suggestion(key.lower(), [k.lower() for k in defaults]))
            where = f"{deployment_file}: {key.lower()} = {_shown(key, value)!r}"
            settings[key] = _checked(key, value, defaults[key], where, from_text=False)

    known = [f"DECIDE_{key}" for key in defaults]
    for name, raw in environ.items():
        if not name.startswith("DECIDE_"):
            continue
        key = name.removeprefix("DECIDE_")
        if key not in defaults:
            if name in _NOT_SETTINGS or name.startswith(_NOT_SETTINGS_PREFIXES):
                continue
            raise SettingsError(f"{name}={_shown(key, raw)}: unknown setting"
                                + _suggestion(name, known)
                                + f" (every setting is listed in {defaults_file})")
        where = f"{name}={_shown(key, raw)}"
        settings[key] = _checked(key, raw, defaults[key], where, from_text=True)

    settings["CONFIG_DIR"] = str(config_dir)
    settings["CITIES_DIR"] = settings["CITIES_DIR"] or str(config_dir / "cities")
    settings["ALLIANCES_DIR"] = settings["ALLIANCES_DIR"] or str(config_dir / "alliances")
    if not settings["INSTANCE_PATH"]:
        # A checkout keeps its instance beside the code; an installed package must not write
        # into site-packages, so it uses ./instance in the working directory.
        base = _SOURCE_ROOT if IS_SOURCE_CHECKOUT else (cwd or Path.cwd())
        settings["INSTANCE_PATH"] = str(base / "instance")
    return settings


def _checked(key: str, value: Any, default: Any, where: str, *, from_text: bool) -> Any:
    try:
        if from_text:
            value = _from_text(value, default)
        else:
            _check_type(value, default)
        check = _validator(key)
        return check(value) if check is not None else value
    except ValueError as exc:
        raise SettingsError(f"{where}: {exc}") from None
