"""A space's home page and its theme."""

from __future__ import annotations

from flask import Blueprint, Response, g, render_template

from decide.cities.queries import all_alliances, space_overview
from decide.cities.sections import home_sections
from decide.cities.theme import logo_svg, theme_css

bp = Blueprint("spaces", __name__)


@bp.route("/alliances/")
def alliances() -> str:
    return render_template("cities/alliances.html", alliances=all_alliances())


@bp.route("/<space:space>/")
def home() -> str:
    return render_template("cities/home.html", sections=home_sections(g.space),
                           **space_overview(g.space))


@bp.route("/<space:space>/theme.css")
def theme() -> Response:
    response = Response(theme_css(g.space), mimetype="text/css")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.route("/<space:space>/logo.svg")
def logo() -> Response:
    response = Response(logo_svg(g.space), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
