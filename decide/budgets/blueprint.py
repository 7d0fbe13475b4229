"""The budgets module's one blueprint; its routes live in `views` (public pages, projects,
supports), `admin_views` (budgets, phases, headings, valuation, milestones) and `ballot_views`
(ballots, results, PaBuLib files, execution tracking)."""

from __future__ import annotations

from flask import Blueprint, abort, g

bp = Blueprint("budgets", __name__)


@bp.before_request
def require_module() -> None:
    if g.get("space") is None or not g.space.has_module("budgets"):
        abort(404)
