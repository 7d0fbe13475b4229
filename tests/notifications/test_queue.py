"""Notifications through the RQ queue: nothing happens until `decide worker` runs the jobs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from decide import create_app
from decide.core import jobs
from decide.extensions import db
from tests.conftest import mailbox, make_config
from tests.core.test_jobs import REDIS_TEST_URL, redis_or_fail
from tests.notifications.conftest import World


@pytest.fixture
def queued_world(app: Flask, make_user: Any, tmp_path: Path) -> Iterator[World]:
    client = redis_or_fail()
    client.flushdb()
    application = create_app(make_config(
        tmp_path, REDIS_URL=REDIS_TEST_URL,
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"]))
    yield World(application, make_user)
    client.flushdb()
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def test_the_worker_notifies_and_mails(queued_world: World) -> None:
    world, app = queued_world, queued_world.app
    ana, bea = world.user("ana", locale="es"), world.user("bea")
    debate = world.debate(ana, title="Shade for the main square")
    world.comment(bea, debate)
    assert world.notifications() == []  # queued, not run
    with app.app_context():
        assert jobs.get_queue().count == 1

    result = app.test_cli_runner().invoke(jobs.worker_command, ["--burst"])
    assert result.exit_code == 0, result.output

    [n] = world.notifications()
    assert (n["user_id"], n["kind"], n["count"]) == (ana, "comment_on_debate", 1)
    [message] = mailbox(app)  # the e-mail was a second job, run in the same burst
    assert message["to"] == "ana@example.org"
    assert message["text"].startswith("Hola, ana:")
    assert f"http://decide.test/notifications/{n['id']}" in message["text"]
