"""Settings every city and alliance has, whatever modules it enables (declared by `cities`)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from decide.core.settings import SPACE_SETTINGS, SettingSpec, validate_settings

# Thresholds for citizen proposals live here until the proposals module declares them.
CITY_SETTINGS = (
    SettingSpec("support_threshold", int, 10_000, minimum=1,
                description=_l("Supports a proposal needs to succeed (absolute number).")),
    SettingSpec("support_threshold_census_percent", float, 0.0, minimum=0, maximum=100,
                description=_l("When above 0, the threshold is this percentage of the "
                               "census instead.")),
    SettingSpec("months_to_archive", int, 12, minimum=1, maximum=120,
                description=_l("Months after which an unsuccessful proposal is archived.")),
    SettingSpec("census_size", int, 0, minimum=0,
                description=_l("Number of residents entitled to take part (0: unknown).")),
)

__all__ = ["CITY_SETTINGS", "SPACE_SETTINGS", "SettingSpec", "validate_settings"]
