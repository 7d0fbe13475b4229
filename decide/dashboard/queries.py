"""Reads for the dashboard: one GROUP BY query per figure, whatever the amount of data.

Months are the space's calendar months (its time zone): their bounds are computed here and
sent as parameters, so the same CASE expression buckets rows on SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select, union_all

from decide.cities.models import AllianceMembership, City, Geozone
from decide.core.spaces import pick_translation
from decide.dashboard.figures import Figure
from decide.extensions import db

MONTHS = 12
# The key of the group rows without a known geozone or member city fall into.
OTHER = "other"


@dataclass(frozen=True)
class Month:
    start: date  # the first day, in the space's calendar
    count: int  # new in this month
    cumulative: int  # all since the beginning, at the month's end


@dataclass(frozen=True)
class Group:
    key: int | str
    name: str
    months: list[int]  # new per month, oldest first
    total: int  # since the beginning

    @property
    def recent(self) -> int:
        return sum(self.months)


@dataclass
class FigureData:
    figure: Figure
    months: list[Month]
    total: int
    grouped_by: str | None
    groups: list[Group] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.figure.key

    @property
    def label(self) -> Any:
        return self.figure.label

    @property
    def recent(self) -> int:
        return sum(month.count for month in self.months)


def month_starts(timezone: str, now: datetime, months: int = MONTHS) -> list[datetime]:
    """The starts of the last `months` months (this one included) and of the next one, as
    aware datetimes in `timezone`: `months + 1` bounds."""
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    first = local.year * 12 + local.month - 1 - (months - 1)
    return [datetime((first + i) // 12, (first + i) % 12 + 1, 1, tzinfo=zone)
            for i in range(months + 1)]


def group_names(space: Any) -> dict[int, str]:
    """The groups of the space's breakdowns, in display order: its geozones (city) or its
    member cities (alliance). One query."""
    if space.is_city:
        rows = db.session.execute(select(Geozone.id, Geozone.name)
                                  .where(Geozone.space_id == space.id)
                                  .order_by(Geozone.position, Geozone.id))
        return {row.id: row.name for row in rows}
    rows = db.session.execute(
        select(City.id, City.names).join(AllianceMembership, AllianceMembership.city_id == City.id)
        .where(AllianceMembership.alliance_id == space.id)
        .order_by(AllianceMembership.position, AllianceMembership.id))
    return {row.id: pick_translation(row.names) for row in rows}


def _counts(figure: Figure, space: Any, bounds: list[datetime]) -> list[tuple[int, Any, int]]:
    """(bucket, group, count) rows: bucket -1 before the window, 0..MONTHS-1 the months."""
    sources = figure.sources(space)
    if not sources:
        return []
    events = (sources[0] if len(sources) == 1 else union_all(*sources)).subquery()
    utc_bounds = [bound.astimezone(UTC) for bound in bounds]
    months = len(bounds) - 1
    # Later than this month (a clock ahead) counts in this month.
    bucket = case((events.c.at < utc_bounds[0], -1),
                  *((events.c.at < utc_bounds[i + 1], i) for i in range(months)),
                  else_=months - 1)
    # Grouping the outer query by plain columns: PostgreSQL would not match a CASE expression
    # repeated with new parameters in GROUP BY.
    bucketed = select(bucket.label("bucket"), events.c.grp.label("grp")).subquery()
    rows = db.session.execute(
        select(bucketed.c.bucket, bucketed.c.grp, func.count())
        .group_by(bucketed.c.bucket, bucketed.c.grp))
    return [(int(b), g, int(n)) for b, g, n in rows]


def figure_data(figure: Figure, space: Any, bounds: list[datetime],
                names: dict[int, str]) -> FigureData:
    """A figure's monthly counts, its total and its breakdown (one query)."""
    months = len(bounds) - 1
    per_month = [0] * months
    earlier = 0
    grouped_by = figure.grouped_by(space)
    group_months: dict[int | str, list[int]] = {key: [0] * months for key in names}
    group_totals: dict[int | str, int] = dict.fromkeys(names, 0)
    for bucket, grp, count in _counts(figure, space, bounds):
        if bucket < 0:
            earlier += count
        else:
            per_month[bucket] += count
        key: int | str = grp if grp in names else OTHER
        group_months.setdefault(key, [0] * months)
        group_totals[key] = group_totals.get(key, 0) + count
        if bucket >= 0:
            group_months[key][bucket] += count
    running = earlier
    series = []
    for i, count in enumerate(per_month):
        running += count
        series.append(Month(bounds[i].date(), count, running))
    data = FigureData(figure=figure, months=series, total=running, grouped_by=grouped_by)
    if grouped_by is not None:
        data.groups = [Group(key, names[key], group_months[key], group_totals[key])
                       for key in names]
        # Always present, so that a figure's CSV columns do not depend on its data.
        data.groups.append(Group(OTHER, "", group_months.get(OTHER, [0] * months),
                                 group_totals.get(OTHER, 0)))
    return data
