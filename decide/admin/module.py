"""The admin shell, declared once: each module adds its entries through `Module.admin_menu`;
this one adds the space's own pages (settings, modules and languages, theme, geozones,
roles)."""

from __future__ import annotations

import dataclasses
from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l

from decide.admin import queries, views
from decide.admin.models import SpaceLogo
from decide.core.modules import AdminEntry, Module

# `AdminEntry.description` (the card's short text) is newer than some deployments' core: pass
# it only when the declaration knows it.
_DESCRIBED = "description" in {f.name for f in dataclasses.fields(AdminEntry)}


def _entry(label: Any, endpoint: str, action: str, description: Any,
           kind: str | None = None) -> AdminEntry:
    extra = {"description": description} if _DESCRIBED else {}
    return AdminEntry(label, endpoint, action, kind=kind, **extra)


def init_app(app: Flask) -> None:
    from decide.audit.queries import register_object_link

    app.add_template_global(views.space_logo_url)
    app.add_template_global(views.space_theme_url)
    # Where the audit trail links the objects this module's events name.
    register_object_link("user", queries.user_links)
    register_object_link("geozone", queries.geozone_links)
    register_object_link("space", queries.space_links)


module = Module(
    name="admin",
    blueprint=views.bp,
    models=(SpaceLogo,),
    admin_menu=(
        _entry(_l("Settings"), "admin.settings", "space.admin",
               _l("Thresholds, limits and other values, with where each comes from.")),
        _entry(_l("Modules and languages"), "admin.modules", "space.admin",
               _l("What people can do here and in which languages.")),
        _entry(_l("Theme"), "admin.theme", "space.admin",
               _l("Colours and logo.")),
        _entry(_l("Geozones"), "admin.geozones", "space.admin",
               _l("Districts that proposals, debates and budgets refer to."), kind="city"),
        _entry(_l("Roles"), "admin.roles", "space.manage_roles",
               _l("Administrators, moderators, valuators and public officials.")),
    ),
    init_app=init_app,
)
