"""The tags module, declared once: free tags any target of a space can carry."""

from __future__ import annotations

from decide.core.modules import Module
from decide.tags.models import Tag, Tagging

module = Module(name="tags", models=(Tag, Tagging))
