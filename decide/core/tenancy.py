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

    space = db.session.scalar(
        select(Space).where(Space.kind == ref.kind, Space.slug == ref.slug)
    )
    if space is None:
        abort(404)
    return space


def resolve_space(endpoint: str | None, values: dict[str, Any] | None) -> None:
    if values and isinstance(values.get("space"), SpaceRef):
        g.space = load_space(values.pop("space"))
        g.city = g.space if g.space.is_city else None


def default_space(endpoint: str, values: dict[str, Any]) -> None:
    if "space" not in values and g.get("space") is not None:
        from flask import current_app

        try:
            rules = list(current_app.url_map.iter_rules(endpoint))
        except KeyError:
            return
        if any("space" in rule.arguments for rule in rules):
            values["space"] = g.space


def init_app(app: Flask) -> None:
    app.url_map.converters["space"] = SpaceConverter
    app.url_value_preprocessor(resolve_space)
    app.url_defaults(default_space)
