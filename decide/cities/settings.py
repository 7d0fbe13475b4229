"""Settings every city and alliance has, whatever modules it enables (declared by `cities`)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from decide.core.settings import SPACE_SETTINGS, SettingSpec, validate_settings

CITY_SETTINGS = (
    SettingSpec("census_size", int, 0, minimum=0,
                description=_l("Number of residents entitled to take part (0: unknown).")),
)

__all__ = ["CITY_SETTINGS", "SPACE_SETTINGS", "SettingSpec", "validate_settings"]
