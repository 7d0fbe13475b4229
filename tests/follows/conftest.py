"""Fixtures for follows: debates and comments made through their services."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from decide.extensions import db


class Content:
    """Debates and comments created as people create them, through the services."""

    def __init__(self, app: Flask, make_user: Any) -> None:
        self.app = app
        self.make_user = make_user

    def user(self, username: str, **kwargs: Any) -> int:
        kwargs.setdefault("locale", "en")
        return int(self.make_user(username, **kwargs))

    def debate(self, author_id: int, title: str = "Shade for the main square",
               space: str = "aurora", kind: str = "city") -> int:
        from decide.accounts.models import User
        from decide.cities.queries import space_by_slug
        from decide.debates.services import start_debate

        with self.app.test_request_context():
            debate = start_debate(db.session.get(User, author_id), space_by_slug(kind, space),
                                  title=title, description="Trees or awnings? Let us decide.",
                                  locale="en")
            return int(debate.id)

    def comment(self, author_id: int, debate_id: int, parent_id: int | None = None,
                body: str = "I agree with this.", space: str = "aurora",
                kind: str = "city") -> int:
        from decide.accounts.models import User
        from decide.cities.queries import space_by_slug
        from decide.comments.services import post_comment

        with self.app.test_request_context():
            comment = post_comment(db.session.get(User, author_id), space_by_slug(kind, space),
                                   "debate", debate_id, body, parent_id=parent_id)
            return int(comment.id)

    def follows(self) -> set[tuple[int, str, int, int]]:
        """(user, target type, target id, space id) of every follow."""
        from decide.follows.models import Follow

        with self.app.app_context():
            return {(f.user_id, f.target_type, f.target_id, f.space_id)
                    for f in db.session.scalars(select(Follow))}

    def notifications(self) -> set[tuple[int, str, str, int, int]]:
        """(recipient, kind, item type, item id, count) of every notification."""
        from decide.notifications.models import Notification

        with self.app.app_context():
            return {(n.user_id, n.kind, n.target_type, n.target_id, n.count)
                    for n in db.session.scalars(select(Notification))}

    def space_id(self, slug: str = "aurora", kind: str = "city") -> int:
        from decide.cities.queries import space_by_slug

        with self.app.app_context():
            return int(space_by_slug(kind, slug).id)


@pytest.fixture
def content(app: Flask, make_user: Any) -> Content:
    return Content(app, make_user)
