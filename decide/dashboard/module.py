"""The dashboard module, declared once: a space's participation figures for its
administrators and its alliance secretariat, linked from the admin menu."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from decide.core.modules import AdminEntry, Module
from decide.dashboard import views

module = Module(
    name="dashboard",
    blueprint=views.bp,
    actions={"dashboard.view": frozenset({"administrator", "secretariat"})},
    admin_menu=(AdminEntry(_l("Participation dashboard"), "dashboard.index",
                           action="dashboard.view"),),
)
