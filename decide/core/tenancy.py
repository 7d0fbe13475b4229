"""The one place that resolves the current space (a city or an alliance) from the URL.

Routes of space modules start with `<space:space>`, which matches `madrid` or
`alliances/cities-adequate-housing`. The converter only parses; `resolve_space` loads the space
before the view runs and stores it on `g.space` (404 for an unknown slug), and `url_for` fills
the current space in when a link omits it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, abort, g
from sqlalchemy import select
from werkzeug.routing import BaseConverter, Map

from decide.extensions import db

ALLIANCE_PREFIX = "alliances/"


@dataclass(frozen=True)
class SpaceRef:
    kind: str
    slug: str


class SpaceConverter(BaseConverter):
    """Matches `<city-slug>` or `alliances/<alliance-slug>` as one URL part."""

    regex = r"(?:alliances/)?[a-z0-9]+(?:-[a-z0-9]+)*"
    part_isolating = False
    weight = 300  # below static parts, so /accounts/... is never read as a city

    def __init__(self, url_map: Map) -> None:
        super().__init__(url_map)

    def to_python(self, value: str) -> SpaceRef:
        if value.startswith(ALLIANCE_PREFIX):
            return SpaceRef("alliance", value[len(ALLIANCE_PREFIX):])
        return SpaceRef("city", value)

    def to_url(self, value: Any) -> str:
        kind, slug = value.kind, value.slug
        return f"{ALLIANCE_PREFIX}{slug}" if kind == "alliance" else slug


def load_space(ref: SpaceRef) -> Any:
    from decide.core.spaces import Space

    # The kind's own class (City, Alliance), so that its columns (a city's country, an
    # alliance's themes...) come in this query: selecting the base class leaves them to a
    # second query at their first use on the page.
    mapper = Space.__mapper__.polymorphic_map.get(ref.kind)
    model = mapper.class_ if mapper is not None else Space
    space = db.session.scalar(
        select(model).where(model.kind == ref.kind, model.slug == ref.slug)
    )
    if space is None:
        abort(404)
    return space


def resolve_space(endpoint: str | None, values: dict[str, Any] | None) -> None:
    if values and isinstance(values.get("space"), SpaceRef):
        g.space = load_space(values.pop("space"))
        g.city = g.space if g.space.is_city else None


def _takes_space(endpoint: str) -> bool:
    """Whether a rule of `endpoint` has a `space` part. Asked on every `url_for` (dozens per
    page), so the answer is kept per application: rules are all added before the first
    request, and Flask refuses new ones after it."""
    from flask import current_app

    known: dict[str, bool] = current_app.extensions.setdefault("decide.space_endpoints", {})
    takes = known.get(endpoint)
    if takes is None:
        try:
            rules = list(current_app.url_map.iter_rules(endpoint))
        except KeyError:
            return False  # not cached: the endpoint may still be registered later
        takes = known[endpoint] = any("space" in rule.arguments for rule in rules)
    return takes


def default_space(endpoint: str, values: dict[str, Any]) -> None:
    if "space" not in values and g.get("space") is not None and _takes_space(endpoint):
        values["space"] = g.space


def init_app(app: Flask) -> None:
    app.url_map.converters["space"] = SpaceConverter
    app.url_value_preprocessor(resolve_space)
    app.url_defaults(default_space)
