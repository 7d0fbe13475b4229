"""The cities module, declared once: cities, alliances, their home pages and settings."""

from __future__ import annotations

from decide.cities import template_helpers, views
from decide.cities.models import Alliance, AllianceMembership, City, Geozone
from decide.cities.settings import CITY_SETTINGS
from decide.core.modules import Module

module = Module(
    name="cities",
    blueprint=views.bp,
    models=(City, Alliance, AllianceMembership, Geozone),
    settings=CITY_SETTINGS,
    init_app=template_helpers.init_app,
)
