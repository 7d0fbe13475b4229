"""The search page of a space: every searchable module's results for one query."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, g, render_template, request

from decide.core.modules import enabled_in
from decide.search import queries
from decide.search.text import query_terms

bp = Blueprint("search", __name__)

RESULTS_PER_KIND = 10


@bp.route("/<space:space>/search")
def index() -> Any:
    query = request.args.get("q", "").strip()
    if len(query) > 200:
        abort(400)
    results = []
    searched = bool(query_terms(query))
    if searched:
        # Each module the space enables that declares a search, in the factory's order.
        for module in enabled_in(g.space):
            if module.search is None:
                continue
            items, total = module.search.find(g.space, query, RESULTS_PER_KIND)
            # Counts stop just above the cap (see decide.search.queries): past it the page
            # says "more than" the cap instead of a number it does not know.
            results.append({"kind": module.name, "label": module.label, "found": items,
                            "total": total, "capped": queries.is_capped(total),
                            "template": module.search.template})
    return render_template("search/index.html", query=query, results=results,
                           searched=searched, result_cap=queries.RESULT_CAP)
