"""The jobs layer: inline without Redis; with REDIS_URL, queued and run by `decide worker`."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, current_app, has_app_context

from decide import create_app
from decide.core import jobs
from decide.core.mail import send_mail
from decide.extensions import db
from tests.conftest import mailbox, make_config

REDIS_TEST_URL = os.environ.get("DECIDE_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
CALLS: list[tuple[Any, ...]] = []


def record_call(*args: Any, **kwargs: Any) -> None:
    """A job: remember how it was called, and from where."""
    CALLS.append((args, kwargs, has_app_context()))


def write_marker(name: str, text: str) -> None:
    """A job that proves it ran inside the application context of the worker's app."""
    Path(current_app.instance_path, name).write_text(
        f"{text}|{current_app.config['REDIS_URL']}|{db.engine.dialect.name}")


def failing_job() -> None:
    raise RuntimeError("boom")


@pytest.fixture(autouse=True)
def _calls() -> Iterator[None]:
    CALLS.clear()
    yield
    CALLS.clear()


# --- inline ---------------------------------------------------------------------------------

def test_inline_runs_at_once_in_the_callers_context(app: Flask) -> None:
    assert not app.config.get("REDIS_URL")
    with app.app_context():
        assert jobs.enqueue(record_call, 1, "two", data=b"raw", ids=[3, 4]) is None
    assert CALLS == [((1, "two"), {"data": b"raw", "ids": [3, 4]}, True)]


def test_mail_goes_through_the_inline_path(app: Flask) -> None:
    with app.app_context():
        send_mail("ana@example.org", "Hello", "Body text")
    [message] = mailbox(app)
    assert message["subject"] == "Hello" and message["text"].strip() == "Body text"


def test_jobs_take_plain_data_only(app: Flask, make_user: Any) -> None:
    from decide.accounts.models import User

    user_id = make_user("ana")
    with app.app_context():
        user = db.session.get(User, user_id)
        with pytest.raises(jobs.JobArgumentError, match="not plain data"):
            jobs.enqueue(record_call, user)
        with pytest.raises(jobs.JobArgumentError, match="not plain data"):
            jobs.enqueue(record_call, ids={"user": user})
        with pytest.raises(jobs.JobArgumentError, match="module-level"):
            jobs.enqueue(lambda: None)
    assert CALLS == []


def test_job_paths_round_trip() -> None:
    path = jobs.job_path(record_call)
    assert path == "tests.core.test_jobs:record_call"
    assert jobs.resolve(path) is record_call


def test_a_failing_inline_job_does_not_fail_the_caller(app: Flask) -> None:
    with app.app_context():
        with pytest.raises(RuntimeError):  # tests see the error...
            jobs.enqueue(failing_job)
        app.testing = False
        try:  # ... production logs it, as a queued job's failure would be
            assert jobs.enqueue(failing_job) is None
        finally:
            app.testing = True


def test_the_worker_needs_redis(app: Flask) -> None:
    result = app.test_cli_runner().invoke(jobs.worker_command, ["--burst"])
    assert result.exit_code != 0
    assert "REDIS_URL is not set" in result.output


# --- RQ on Redis ----------------------------------------------------------------------------

def redis_or_fail() -> Any:
    """The test Redis; its absence fails the test (the README's test command needs it)."""
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisConnectionError

    client = Redis.from_url(REDIS_TEST_URL)
    try:
        client.ping()
    except RedisConnectionError:
        pytest.fail(f"no Redis at {REDIS_TEST_URL}: start redis-server (see .ci/run)")
    return client


@pytest.fixture
def queued_app(app: Flask, tmp_path: Path) -> Iterator[Flask]:
    """A second app on the same database whose jobs go to Redis (a dedicated, flushed db)."""
    client = redis_or_fail()
    client.flushdb()
    application = create_app(make_config(
        tmp_path, REDIS_URL=REDIS_TEST_URL,
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"]))
    yield application
    client.flushdb()
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def test_queued_jobs_wait_for_the_worker(queued_app: Flask) -> None:
    marker = Path(queued_app.instance_path, "ran.txt")
    with queued_app.app_context():
        job_id = jobs.enqueue(write_marker, "ran.txt", "hello")
        send_mail("ana@example.org", "Queued hello", "Sent by the worker")
        queue = jobs.get_queue()
        assert job_id in queue.job_ids and queue.count == 2
    assert not marker.exists()
    assert mailbox(queued_app) == []

    result = queued_app.test_cli_runner().invoke(jobs.worker_command, ["--burst"])
    assert result.exit_code == 0, result.output

    expected_engine = "postgresql" if "postgresql" in queued_app.config[
        "SQLALCHEMY_DATABASE_URI"] else "sqlite"
    assert marker.read_text() == f"hello|{REDIS_TEST_URL}|{expected_engine}"
    [message] = mailbox(queued_app)
    assert message["subject"] == "Queued hello" and "Sent by the worker" in message["text"]
    with queued_app.app_context():
        assert jobs.get_queue().count == 0


def test_queued_job_arguments_are_stored_as_plain_data(queued_app: Flask) -> None:
    with queued_app.app_context():
        job_id = jobs.enqueue(record_call, 7, name="x")
        job = jobs.get_queue().fetch_job(job_id)
        assert job.func_name == "decide.core.jobs.run_in_app"
        assert job.args == ("tests.core.test_jobs:record_call", [7], {"name": "x"})
    jobs.run_worker(burst=True, app=queued_app)
    assert CALLS == [((7,), {"name": "x"}, True)]


def test_a_failing_queued_job_does_not_stop_the_worker(queued_app: Flask) -> None:
    from rq.registry import FailedJobRegistry

    with queued_app.app_context():
        failed = jobs.enqueue(failing_job)
        jobs.enqueue(record_call, "after")
    jobs.run_worker(burst=True, app=queued_app)
    assert CALLS == [(("after",), {}, True)]
    with queued_app.app_context():
        assert failed in FailedJobRegistry(queue=jobs.get_queue()).get_job_ids()
