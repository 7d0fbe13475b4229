"""Reading static pages: a space's own, else the deployment's, else the shipped default."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select

from decide.core.db import in_space
from decide.extensions import db
from decide.pages.models import StaticPage


def _pages(space: Any) -> Select[tuple[StaticPage]]:
    if space is None:
        return select(StaticPage).where(StaticPage.space_id.is_(None))
    return in_space(StaticPage, space)


def page_for(space: Any, slug: str) -> StaticPage | None:
    """The page written for `space` (None: for the deployment), if any."""
    return db.session.scalar(_pages(space).where(StaticPage.slug == slug))


def pages_of(space: Any) -> dict[str, StaticPage]:
    """slug -> page written for `space` (None: the deployment). One query."""
    return {page.slug: page for page in db.session.scalars(_pages(space))}


def shown_page(space: Any, slug: str) -> StaticPage | None:
    """What readers of `space` see: its own page, else the deployment's. One query."""
    if space is None:
        return page_for(None, slug)
    rows = db.session.scalars(
        select(StaticPage).where(StaticPage.slug == slug,
                                 (StaticPage.space_id == space.id)
                                 | StaticPage.space_id.is_(None)))
    found = {page.space_id: page for page in rows}
    return found.get(space.id) or found.get(None)


@dataclass(frozen=True)
class PageText:
    locale: str
    title: str
    html: str


def text_in(page: StaticPage, preferred: Iterable[str]) -> PageText:
    """The page in the first of `preferred` locales it is written in, else any: title and
    text always from the same language."""
    for loc in preferred:
        if page.titles.get(loc) and page.bodies_html.get(loc):
            return PageText(loc, page.titles[loc], page.bodies_html[loc])
    loc = next(iter(page.titles))
    return PageText(loc, page.titles[loc], page.bodies_html.get(loc, ""))
