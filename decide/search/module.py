"""The search module, declared once: the space search page over every module's documents."""

from __future__ import annotations

from flask import Flask
from flask_babel import format_decimal, ngettext

from decide.core.modules import Module
from decide.search import queries, views
from decide.search.models import SearchDocument


def more_than_cap(total: int) -> str | None:
    """"more than 1,000 results" when a count over a search stopped at the cap, else None (the
    page then shows the exact number)."""
    if not queries.is_capped(total):
        return None
    cap = queries.RESULT_CAP
    return ngettext("more than %(count)s result", "more than %(count)s results", cap,
                    count=format_decimal(cap))


def init_app(app: Flask) -> None:
    app.add_template_global(more_than_cap, "more_than_cap")


module = Module(name="search", blueprint=views.bp, models=(SearchDocument,), init_app=init_app,
                visitor_pages=("search.index",))
