"""The pages module, declared once: the landing page, language switch, static pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from decide.core.modules import AdminEntry, Module
from decide.pages import views
from decide.pages.models import StaticPage

module = Module(
    name="pages",
    blueprint=views.bp,
    models=(StaticPage,),
    # A space's administrators write its pages; the deployment's need deployment.admin.
    actions={"pages.edit": frozenset({"administrator"})},
    admin_menu=(AdminEntry(_l("Pages"), "pages.admin_index", action="pages.edit"),),
    visitor_pages=("pages.index", "pages.page", "pages.space_page", "pages.terms"),
)
