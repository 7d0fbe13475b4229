"""The search page of a space: every searchable module's results for one query."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, g, render_template, request

from decide.search.text import query_terms

bp = Blueprint("search", __name__)

# kind -> (label, function(space, query, limit) -> (items, total), results template).
# Each module registers its kind; the page shows them in registration order.
SEARCHABLE: dict[str, tuple[Any, Callable[..., tuple[list[Any], int]], str]] = {}
RESULTS_PER_KIND = 10


@bp.route("/<space:space>/search")
def index() -> Any:
    query = request.args.get("q", "").strip()
    if len(query) > 200:
        abort(400)
    results = []
    searched = bool(query_terms(query))
    if searched:
        for kind, (label, find, template) in SEARCHABLE.items():
            if g.space.has_module(kind):
                items, total = find(g.space, query, RESULTS_PER_KIND)
                results.append({"kind": kind, "label": label, "found": items,
                                "total": total, "template": template})
    return render_template("search/index.html", query=query, results=results,
                           searched=searched)
