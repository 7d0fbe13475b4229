"""Fixtures for notifications: debates and comments made through the models, the signal sent
as the comments service sends it (after the commit, without a request)."""

from __future__ import annotations

from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from decide.extensions import db


class World:
    """Debates and comments in the fixture spaces, and what came of them."""

    def __init__(self, app: Flask, make_user: Any) -> None:
        self.app = app
        self.make_user = make_user

    def user(self, username: str, **kwargs: Any) -> int:
        kwargs.setdefault("locale", "en")
        return int(self.make_user(username, **kwargs))

    def space_id(self, slug: str = "aurora", kind: str = "city") -> int:
        from decide.cities.queries import space_by_slug

        with self.app.app_context():
            return int(space_by_slug(kind, slug).id)

    def debate(self, author_id: int, title: str = "Shade for the main square",
               space: str = "aurora", kind: str = "city") -> int:
        from decide.debates.models import Debate

        space_id = self.space_id(space, kind)
        with self.app.app_context():
            debate = Debate(space_id=space_id, author_id=author_id, title=title,
                            description="Trees or awnings?", description_html="<p>Trees?</p>",
                            locale="en")
            db.session.add(debate)
            db.session.commit()
            return int(debate.id)

    def comment(self, author_id: int, debate_id: int, parent_id: int | None = None,
                body: str = "I agree with this.", send: bool = True) -> int:
        """A comment committed as the comments service commits it, then `comment_created`."""
        from decide.comments.models import PATH_WIDTH, Comment
        from decide.comments.signals import comment_created
        from decide.debates.models import Debate

        with self.app.app_context():
            debate = db.session.get(Debate, debate_id)
            parent = db.session.get(Comment, parent_id) if parent_id else None
            comment = Comment(space_id=debate.space_id, target_type="debate",
                              target_id=debate_id, parent_id=parent_id,
                              depth=parent.depth + 1 if parent else 0, author_id=author_id,
                              body=body, body_html=f"<p>{body}</p>")
            db.session.add(comment)
            db.session.flush()
            own = str(comment.id).zfill(PATH_WIDTH)
            comment.path = f"{parent.path}/{own}" if parent else own
            comment.root_id = parent.root_id if parent else comment.id
            db.session.commit()
            if send:
                comment_created.send(comment)
            return int(comment.id)

    def notifications(self, user_id: int | None = None) -> list[dict[str, Any]]:
        from decide.notifications.models import Notification

        with self.app.app_context():
            statement = select(Notification).order_by(Notification.id)
            if user_id is not None:
                statement = statement.where(Notification.user_id == user_id)
            return [
                {"id": n.id, "user_id": n.user_id, "kind": n.kind, "target": (n.target_type,
                 n.target_id), "count": n.count, "last_actor_id": n.last_actor_id,
                 "link_comment_id": (n.link_target_id if n.link_target_type == "comment"
                                     else None),
                 "link": (n.link_target_type, n.link_target_id), "space_id": n.space_id,
                 "title": n.title, "read": n.read_at is not None,
                 "updated_at": n.updated_at}
                for n in db.session.scalars(statement)
            ]

    def mark_read(self, notification_id: int) -> None:
        from decide.notifications import services
        from decide.notifications.models import Notification

        with self.app.app_context():
            services.mark_read(db.session.get(Notification, notification_id))

    def set_user(self, user_id: int, **values: Any) -> None:
        from decide.accounts.models import User

        with self.app.app_context():
            user = db.session.get(User, user_id)
            for key, value in values.items():
                setattr(user, key, value)
            db.session.commit()


@pytest.fixture
def world(app: Flask, make_user: Any) -> World:
    return World(app, make_user)


@pytest.fixture
def stub_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    """Simple page paths for debates and comments, whatever the debates module declares."""
    from dataclasses import replace

    from decide.core.targets import TARGETS

    monkeypatch.setitem(TARGETS, "debate",
                        replace(TARGETS["debate"], url=lambda d: f"/stub/debates/{d.id}"))
    monkeypatch.setitem(TARGETS, "comment", replace(
        TARGETS["comment"], url=lambda c: f"/stub/debates/{c.target_id}#comment-{c.id}"))


def raw_messages(app: Flask) -> list[EmailMessage]:
    """Messages of the file backend with all their headers, oldest first."""
    folder = Path(app.instance_path) / "mail"
    paths = sorted(folder.glob("*.eml")) if folder.exists() else []
    return [message_from_bytes(p.read_bytes(), policy=default_policy)  # type: ignore[misc]
            for p in paths]


def body_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""
