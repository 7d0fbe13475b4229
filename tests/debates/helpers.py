"""Helpers to make debates and comments quickly in tests."""

from __future__ import annotations

from typing import Any

from decide.accounts.services import find_by_username
from decide.cities.queries import space_by_slug


def space(slug: str) -> Any:
    kind, _, name = slug.rpartition("/")
    return space_by_slug("alliance" if kind == "alliances" else "city", name)


def new_debate(app, author: str = "ana", where: str = "aurora", title: str = "Shade for squares",
               description: str = "We need trees.", tags: str = "", locale: str = "en") -> int:
    from decide.debates.services import start_debate

    with app.test_request_context():
        return start_debate(find_by_username(author), space(where), title=title,
                            description=description, tags=tags, locale=locale).id


def new_comment(app, debate_id: int, author: str = "ana", body: str = "Good idea",
                where: str = "aurora", parent_id: int | None = None) -> int:
    from decide.comments.services import post_comment

    with app.test_request_context():
        return post_comment(find_by_username(author), space(where), "debate", debate_id, body,
                            parent_id=parent_id).id
