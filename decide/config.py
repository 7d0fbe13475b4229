"""Deployment settings: `config/decide.toml`, overridden by DECIDE_* environment variables.

Every key is declared in the TOML file with its default, so the environment can only set known
keys and each value is converted to the default's type.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = ROOT / "config"
TEMPLATES_DIR = ROOT / "templates"
STATIC_DIR = ROOT / "static"
TRANSLATIONS_DIR = ROOT / "translations"
MIGRATIONS_DIR = ROOT / "migrations"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class SettingsError(ValueError):
    """A deployment setting could not be read."""


def _coerce(key: str, raw: str, default: Any) -> Any:
    if isinstance(default, bool):
        lowered = raw.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise SettingsError(f"DECIDE_{key}: expected true or false, got {raw!r}")
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError as exc:
            raise SettingsError(f"DECIDE_{key}: expected a whole number, got {raw!r}") from exc
    return raw


def load_settings(
    environ: dict[str, str] | None = None, path: Path | None = None
) -> dict[str, Any]:
    """Defaults from the TOML file, then DECIDE_<KEY> environment variables."""
    environ = os.environ if environ is None else environ
    path = path or CONFIG_DIR / "decide.toml"
    try:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: {exc}") from exc
    settings = {key.upper(): value for key, value in raw.get("decide", {}).items()}
    for key, default in list(settings.items()):
        env_value = environ.get(f"DECIDE_{key}")
        if env_value is not None:
            settings[key] = _coerce(key, env_value, default)
    return settings
