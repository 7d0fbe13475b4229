"""Form pieces every module that places its items in a city's districts uses."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _


def geozone_choices(space: Any) -> list[tuple[str, str]]:
    """The district select's choices: the whole city, then its districts (alliances have
    none)."""
    choices = [("", _("The whole city") if space.is_city else _("Not applicable"))]
    if space.is_city:
        choices += [(zone.slug, zone.name) for zone in space.geozones]
    return choices


def with_districts(form: Any, space: Any) -> Any:
    """`form` with its `geozone` select offering the space's districts."""
    form.geozone.choices = geozone_choices(space)
    return form
