"""The cities module, declared once: cities, alliances, their home pages and settings, and
their administration (an alliance's members and invitations, a city's organisations, the
deployment's spaces)."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from decide.cities import admin_views, template_helpers, views
from decide.cities.models import (
    Alliance,
    AllianceInvitation,
    AllianceMembership,
    City,
    Geozone,
    SpaceCreation,
)
from decide.cities.settings import CITY_SETTINGS
from decide.core.modules import AdminEntry, Module


def init_app(app: Flask) -> None:
    template_helpers.init_app(app)
    # The administration pages have their own blueprint (the module declares one).
    app.register_blueprint(admin_views.bp)


module = Module(
    name="cities",
    blueprint=views.bp,
    models=(City, Alliance, AllianceMembership, AllianceInvitation, SpaceCreation, Geozone),
    settings=CITY_SETTINGS,
    init_app=init_app,
    admin_menu=(
        AdminEntry(_l("Members"), "space_admin.members", "alliance.coordinate",
                   kind="alliance",
                   description=_l("Member cities; invite a city to join.")),
        AdminEntry(_l("Alliance invitations"), "space_admin.invitations", "space.admin",
                   kind="city",
                   description=_l("Invitations to join alliances, to accept or decline.")),
        AdminEntry(_l("Organisations"), "space_admin.organisations", "space.admin",
                   kind="city",
                   description=_l("Verify the organisation accounts of the city.")),
    ),
    visitor_pages=("spaces.alliances", "spaces.home"),
)
