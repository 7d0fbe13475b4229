"""The search module, declared once: the space search page over every module's documents."""

from __future__ import annotations

from decide.core.modules import Module
from decide.search import views
from decide.search.models import SearchDocument

module = Module(name="search", blueprint=views.bp, models=(SearchDocument,))
