"""The pages module, declared once: the landing page, language switch, static pages."""

from __future__ import annotations

from decide.core.modules import Module
from decide.pages import views

module = Module(name="pages", blueprint=views.bp)
