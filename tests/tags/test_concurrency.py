"""Real HTTP requests starting debates with the same new tags at the same moment."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from flask import Flask
from sqlalchemy import func, select

from decide.debates.models import Debate
from decide.extensions import db
from decide.tags.models import Tag, Tagging
from tests.core.live_client import SignedInClient

AUTHORS = 8


def test_debates_started_at_once_share_one_new_tag(app: Flask, live_server: str,
                                                   make_user) -> None:
    names = [f"author{n}" for n in range(AUTHORS)]
    for name in names:
        make_user(name)
    clients = [SignedInClient(live_server, name) for name in names]

    def start(client: SignedInClient) -> int:
        return client.post("/aurora/debates/new", title="Shade for every square",
                           description="Trees, awnings and fountains.",
                           tags="Sombra nueva, Agua fresca")

    with ThreadPoolExecutor(max_workers=AUTHORS) as pool:
        statuses = list(pool.map(start, clients))
    assert statuses == [302] * AUTHORS, statuses
    with app.app_context():
        assert db.session.scalar(select(func.count(Debate.id))) == AUTHORS
        tags = dict(db.session.execute(select(Tag.slug, Tag.taggings_count)).all())
        assert tags == {"sombra-nueva": AUTHORS, "agua-fresca": AUTHORS}
        assert db.session.scalar(select(func.count(Tagging.id))) == 2 * AUTHORS
