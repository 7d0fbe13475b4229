"""One listing helper for every module's lists.

A module declares its list once (`Listing`: the model, its target name, the orderings, each with
the index that serves it) and gets from it: the filters read from the query string (order, tag,
district, words; a bad value is refused, never a 500), the filtered and ordered select, and a
page of it. Templates show the orderings as tabs and the active filters as chips
(templates/listings/_macros.html).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from flask import current_app, url_for
from sqlalchemy import Select, and_, literal

from decide.cities.models import Geozone
from decide.core.db import in_space
from decide.core.errors import DomainError
from decide.core.pagination import Page, paginate
from decide.extensions import db
from decide.search.queries import matches
from decide.tags.models import Tag, Tagging
from decide.tags.queries import tag_by_slug

QUERY_MAX = 200
# The query-string arguments a list's filters use (`Filters.args`).
FILTER_ARGUMENTS = frozenset({"order", "tag", "geozone", "q", "status"})
# What Werkzeug leaves unencoded in a query string (werkzeug.urls), so that links built here
# are byte for byte those `url_for` builds.
_QUERY_SAFE = "!$'()*,/:;?@"


@dataclass(frozen=True)
class Ordering:
    key: str
    label: Any
    # The ORDER BY columns (the listing adds the id as tie-breaker).
    columns: Callable[[], list[Any]]
    # The index that serves this ordering (tests check it exists), so a page never sorts the
    # whole table.
    index: str
    # With words searched, rank the matches first (relevance) before this ordering.
    rank_first: bool = False


@dataclass(frozen=True)
class Status:
    """A status a list can be narrowed to: `where(space)` gives the SQL condition."""

    key: str
    label: Any
    where: Callable[[Any], Any]


@dataclass
class Filters:
    order: str
    tag: Tag | None = None
    geozone: Geozone | None = None
    query: str = ""
    status: str | None = None
    # endpoint -> its path in this request, for `url`.
    _paths: dict[str, str] = field(default_factory=dict, init=False, repr=False,
                                   compare=False)

    @property
    def is_filtered(self) -> bool:
        return bool(self.tag or self.geozone or self.query or self.status)

    def args(self, **changes: Any) -> dict[str, str]:
        """The query-string arguments for these filters, with some changed (None removes)."""
        values: dict[str, Any] = {"order": self.order,
                                  "tag": self.tag.slug if self.tag else None,
                                  "geozone": self.geozone.slug if self.geozone else None,
                                  "q": self.query or None, "status": self.status}
        values.update(changes)
        return {key: value for key, value in values.items() if value}

    def url(self, endpoint: str, **changes: Any) -> str:
        """`url_for(endpoint, **self.args(**changes))`. A list's tabs and chips link to the
        same page with other filters, dozens of links per page: the path is built once per
        endpoint for this request, and only the query string per link, encoded as Werkzeug
        encodes it."""
        args = self.args(**changes)
        if not args.keys() <= FILTER_ARGUMENTS:
            return url_for(endpoint, **args)
        path = self._paths.get(endpoint)
        if path is None:
            path = self._paths[endpoint] = _path_without_query(endpoint)
        if not path:
            return url_for(endpoint, **args)
        return f"{path}?{urlencode(list(args.items()), safe=_QUERY_SAFE)}" if args else path


def _path_without_query(endpoint: str) -> str:
    """The address of `endpoint` in this request (its space filled in) without a query
    string, or "" when appending filter arguments to it would not give what `url_for` gives:
    more than one rule (Werkzeug picks one by the arguments), a filter argument that is also
    a part of the rule, or a map that sorts its query arguments."""
    url_map = current_app.url_map
    rules = list(url_map.iter_rules(endpoint))
    if url_map.sort_parameters or len(rules) != 1 or FILTER_ARGUMENTS & rules[0].arguments:
        return ""
    return url_for(endpoint)


class UnknownFilter(DomainError):
    """A tag or district that does not exist in this space (a 404 that says which)."""

    def __init__(self, message: str, kind: str, value: str) -> None:
        super().__init__(message, status=404)
        self.kind, self.value = kind, value


@dataclass(frozen=True)
class Listing:
    model: type
    target_type: str
    orderings: tuple[Ordering, ...]
    per_page: int = 20
    statuses: tuple[Status, ...] = ()

    @property
    def default_order(self) -> str:
        return self.orderings[0].key

    def ordering(self, key: str) -> Ordering:
        return next(o for o in self.orderings if o.key == key)

    def filters_from(self, space: Any, args: Mapping[str, str]) -> Filters:
        """Read order, tag, geozone and words; refuse what this list does not offer."""
        from flask_babel import gettext as _

        order = args.get("order") or self.default_order
        if order not in {o.key for o in self.orderings}:
            raise DomainError(_("This list cannot be ordered that way."), status=400)
        query = " ".join(args.get("q", "").split())
        if len(query) > QUERY_MAX:
            raise DomainError(_("Search for at most %(n)d characters.", n=QUERY_MAX), status=400)
        filters = Filters(order=order, query=query)
        status = args.get("status")
        if status:
            if status not in {s.key for s in self.statuses}:
                raise DomainError(_("This list has no such status."), status=400)
            filters.status = status
        tag_slug = args.get("tag")
        if tag_slug:
            filters.tag = tag_by_slug(space, tag_slug)
            if filters.tag is None:
                raise UnknownFilter(_("There is no tag “%(tag)s” here.", tag=tag_slug),
                                    "tag", tag_slug)
        zone_slug = args.get("geozone")
        if zone_slug:
            filters.geozone = db.session.scalar(
                in_space(Geozone, space).where(Geozone.slug == zone_slug))
            if filters.geozone is None:
                raise UnknownFilter(_("There is no district “%(zone)s” here.", zone=zone_slug),
                                    "geozone", zone_slug)
        return filters

    def select(self, space: Any, filters: Filters, statement: Select[Any] | None = None,
               ) -> Select[Any]:
        """`statement` (default: the space's items) filtered and ordered."""
        model = self.model
        if statement is None:
            statement = in_space(model, space)
        if filters.tag is not None:
            statement = statement.join(Tagging, and_(Tagging.target_type == self.target_type,
                                                     Tagging.target_id == model.id,
                                                     Tagging.tag_id == filters.tag.id))
        if filters.geozone is not None:
            statement = statement.where(model.geozone_id == filters.geozone.id)
        if filters.status is not None:
            status = next(s for s in self.statuses if s.key == filters.status)
            statement = statement.where(status.where(space))
        ordering = self.ordering(filters.order)
        order_by: list[Any] = []
        if filters.query:
            # The newest matches only, at most RESULT_CAP + 1 (decide.search.queries), so the
            # page's COUNT and its ranking cost the same for a rare word and a common one.
            found = matches(space, self.target_type, filters.query)
            if found is None:
                return statement.where(literal(False))
            statement = statement.join(found, found.c.target_id == model.id)
            if ordering.rank_first:
                order_by.append(found.c.rank.desc())
        return statement.order_by(*order_by, *ordering.columns(), model.id.desc())

    def page(self, statement: Select[Any], page: int) -> Page[Any]:
        return paginate(statement, page, self.per_page)
