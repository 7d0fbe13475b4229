"""SQLite under many concurrent writers: requests wait for the write lock instead of failing."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from decide import create_app
from decide.debates.models import DebateVote
from decide.extensions import db
from tests.conftest import login, make_config
from tests.core.live_client import SignedInClient
from tests.debates.helpers import new_debate

CONCURRENT_VOTES = 200


def _is_sqlite(app: Flask) -> bool:
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")


def test_sqlite_connections_wait_for_the_write_lock(app: Flask) -> None:
    if not _is_sqlite(app):
        pytest.skip("SQLite only")
    with app.app_context():
        connection = db.session.connection()
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 60_000
        db.session.rollback()


def test_many_duplicate_votes_at_once_never_fail(app: Flask, live_server: str,
                                                 make_user) -> None:
    make_user("author")
    make_user("voter", verified=True)
    debate_id = new_debate(app, author="author")
    client = SignedInClient(live_server, "voter")
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=CONCURRENT_VOTES) as pool:
        statuses = list(pool.map(
            lambda _: client.post(f"/aurora/debates/{debate_id}/vote", value="agree"),
            range(CONCURRENT_VOTES)))
    elapsed = time.monotonic() - started
    print(f"{CONCURRENT_VOTES} concurrent votes answered in {elapsed:.1f} s")
    server_errors = [s for s in statuses if s >= 500]
    assert not server_errors, (f"{len(server_errors)} server errors in {elapsed:.1f} s: "
                               f"{sorted(set(statuses))}")
    assert all(s in (200, 303, 409) for s in statuses), sorted(set(statuses))
    with app.app_context():
        assert db.session.scalar(select(func.count(DebateVote.id))) == 1


def test_a_busy_write_lock_answers_503_in_the_visitors_language(
        app: Flask, make_user, tmp_path: Path) -> None:
    """Should the lock stay busy past the timeout, the visitor is asked to retry (503), in
    their language, signed in or not, and the session stays usable."""
    busy = create_app(make_config(tmp_path, DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"]))

    @busy.route("/busy", methods=["POST"])
    def always_locked() -> str:
        db.session.execute(text("SELECT 1"))
        raise OperationalError("UPDATE debates SET votes_agree = 1", {},
                               Exception("database is locked"))

    make_user("voter", locale="en")
    client = busy.test_client()
    anonymous = client.post("/busy", headers={"Accept-Language": "pt-BR"})
    assert anonymous.status_code == 503
    assert 'lang="pt-BR"' in anonymous.get_data(as_text=True)
    assert "Go to the home page" not in anonymous.get_data(as_text=True)
    assert login(client, "voter").status_code == 302
    response = client.post("/busy")
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    html = response.get_data(as_text=True)
    assert "Busy right now" in html and "voter" in html  # the full page, signed in
    assert response.headers["X-Content-Type-Options"] == "nosniff"
