"""Per-space settings: declared by modules with their defaults, read through `Space.setting()`.

A city or alliance file may set any declared key under [settings]; an unknown key or a value of
the wrong type stops `decide config load` with an error naming the file and the key.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SettingSpec:
    key: str
    type: type
    default: Any
    minimum: float | None = None
    maximum: float | None = None
    description: Any = ""

    def validate(self, value: Any) -> Any:
        """Return the value converted to the declared type, or raise ValueError."""
        if self.type is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if isinstance(value, bool) and self.type is not bool:
            raise ValueError(f"expected {self.type.__name__}, got a boolean")
        if not isinstance(value, self.type):
            raise ValueError(f"expected {self.type.__name__}, got {type(value).__name__}")
        if self.minimum is not None and value < self.minimum:
            raise ValueError(f"must be at least {self.minimum}")
        if self.maximum is not None and value > self.maximum:
            raise ValueError(f"must be at most {self.maximum}")
        return value


# key -> spec, filled by the module declarations; `SETTING_OWNERS` says which module declared it.
SPACE_SETTINGS: dict[str, SettingSpec] = {}
SETTING_OWNERS: dict[str, str] = {}


def register_settings(module: str, specs: Iterable[SettingSpec]) -> None:
    for spec in specs:
        owner = SETTING_OWNERS.get(spec.key)
        if owner is not None and owner != module:
            raise ValueError(f"setting {spec.key!r} declared by {owner} and {module}")
        SPACE_SETTINGS[spec.key] = spec
        SETTING_OWNERS[spec.key] = module


def validate_settings(values: dict[str, Any]) -> dict[str, Any]:
    """Validate a [settings] table; raises KeyError or ValueError with the key's name."""
    clean: dict[str, Any] = {}
    for key, value in values.items():
        spec = SPACE_SETTINGS.get(key)
        if spec is None:
            raise KeyError(key)
        try:
            clean[key] = spec.validate(value)
        except ValueError as exc:
            raise ValueError(f"{key}: {exc}") from exc
    return clean
