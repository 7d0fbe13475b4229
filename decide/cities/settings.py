"""Per-space settings: declared here with their defaults, read through `Space.setting()`.

A city or alliance file may set any declared key under [settings]; an unknown key or a value of
the wrong type stops `decide config load` with an error naming the file and the key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l


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


_SPECS = [
    SettingSpec("support_threshold", int, 10_000, minimum=1,
                description=_l("Supports a proposal needs to succeed (absolute number).")),
    SettingSpec("support_threshold_census_percent", float, 0.0, minimum=0, maximum=100,
                description=_l("When above 0, the threshold is this percentage of the "
                               "census instead.")),
    SettingSpec("months_to_archive", int, 12, minimum=1, maximum=120,
                description=_l("Months after which an unsuccessful proposal is archived.")),
    SettingSpec("debate_edit_vote_limit", int, 1_000, minimum=0,
                description=_l("An author may edit a debate until it has more votes than this.")),
    SettingSpec("unverified_vote_cap_percent", int, 50, minimum=0, maximum=100,
                description=_l("Largest share of a debate's votes unverified accounts may cast.")),
    SettingSpec("comment_max_length", int, 1_000, minimum=10, maximum=10_000,
                description=_l("Longest comment body, in characters.")),
    SettingSpec("census_size", int, 0, minimum=0,
                description=_l("Number of residents entitled to take part (0: unknown).")),
]

SPACE_SETTINGS: dict[str, SettingSpec] = {spec.key: spec for spec in _SPECS}


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
