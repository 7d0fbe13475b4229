"""The participation dashboard of a space: figures per month as SVG charts with their data
tables, breakdowns by geozone or member city, and each figure as CSV."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Blueprint, Response, abort, g, render_template
from flask_babel import format_date
from flask_babel import gettext as _

from decide.core.db import utcnow
from decide.core.permissions import requires
from decide.dashboard import queries
from decide.dashboard.charts import bar_chart
from decide.dashboard.figures import figure_for, figures_for

bp = Blueprint("dashboard", __name__)


def other_group_name(grouped_by: str | None) -> str:
    """What the rows outside the space's geozones or member cities are called."""
    if grouped_by == "city":
        return _("Other or unknown city")
    return _("No district")


def group_heading(grouped_by: str | None) -> str:
    return _("City") if grouped_by == "city" else _("District")


def _group_name(group: queries.Group, grouped_by: str | None) -> str:
    return group.name if group.key != queries.OTHER else other_group_name(grouped_by)


@bp.app_template_global("dashboard_chart")
def dashboard_chart(data: queries.FigureData) -> Any:
    return bar_chart([month.count for month in data.months],
                     [format_date(month.start, "MMM") for month in data.months])


@bp.app_template_global("dashboard_group_name")
def dashboard_group_name(group: queries.Group, grouped_by: str | None) -> str:
    return _group_name(group, grouped_by)


@bp.route("/<space:space>/admin/dashboard")
@requires("dashboard.view")
def index() -> Any:
    space = g.space
    bounds = queries.month_starts(space.timezone, utcnow())
    names = queries.group_names(space)
    figures = [queries.figure_data(figure, space, bounds, names)
               for figure in figures_for(space)]
    return render_template("dashboard/index.html", figures=figures,
                           first_month=bounds[0].date(), last_month=bounds[-2].date(),
                           group_heading=group_heading)


def _safe_cell(value: Any) -> Any:
    """Spreadsheets run cells that start with = + - @ as formulas: quote such text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@bp.route("/<space:space>/admin/dashboard/<key>.csv")
@requires("dashboard.view")
def figure_csv(key: str) -> Response:
    """One figure, a row per month: new, running total, then new per geozone or city."""
    space = g.space
    figure = figure_for(space, key)
    if figure is None:
        abort(404)
    bounds = queries.month_starts(space.timezone, utcnow())
    data = queries.figure_data(figure, space, bounds, queries.group_names(space))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_("Month"), _("New"), _("Total")]
                    + [_safe_cell(_group_name(group, data.grouped_by)) for group in data.groups])
    for i, month in enumerate(data.months):
        writer.writerow([month.start.strftime("%Y-%m"), month.count, month.cumulative]
                        + [group.months[i] for group in data.groups])
    filename = f"{space.slug}-{key}-{utcnow():%Y-%m-%d}.csv"
    return Response(out.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
