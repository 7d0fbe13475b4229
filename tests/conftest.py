"""Shared fixtures. The database is SQLite unless DECIDE_TEST_DATABASE_URL names another."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, text
from werkzeug.serving import make_server

from decide import create_app
from decide.extensions import db

FIXTURE_CONFIG = Path(__file__).parent / "fixtures" / "config"
TEST_DATABASE_URL = os.environ.get("DECIDE_TEST_DATABASE_URL", "")
PASSWORD = "correct-horse-battery"


def make_config(tmp: Path, **overrides: Any) -> dict[str, Any]:
    config = {
        "TESTING": True,
        "DATABASE_URL": TEST_DATABASE_URL or f"sqlite:///{tmp / 'test.db'}",
        "INSTANCE_PATH": str(tmp / "instance"),
        "SECRET_KEY": "test-secret",
        "SERVER_NAME": "decide.test",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SESSION_COOKIE_SECURE": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # cheap; tests/accounts checks scrypt
        "CITIES_DIR": str(FIXTURE_CONFIG / "cities"),
        "ALLIANCES_DIR": str(FIXTURE_CONFIG / "alliances"),
    }
    config.update(overrides)
    return config


def reset_schema(app: Flask) -> None:
    """Drop everything and build the schema with the migrations, as production does."""
    from flask_migrate import upgrade

    with app.app_context():
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # Whatever an older schema left (tables the models no longer have) goes too.
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()


def clear_data(app: Flask) -> None:
    """Empty every table but the content versions: as in production they only grow, so no
    page a cache kept in an earlier test (here or in the live server) is served again (loading
    the fixture spaces moves the deployment's version)."""
    with app.app_context():
        db.session.remove()
        tables = [table for table in reversed(db.metadata.sorted_tables)
                  if table.name != "content_versions"]
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                names = ", ".join(t.name for t in tables)
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    conn.execute(table.delete())


def load_fixture_spaces(app: Flask) -> None:
    from decide.cities.services import load_config

    with app.app_context():
        load_config(FIXTURE_CONFIG / "cities", FIXTURE_CONFIG / "alliances")


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    application = create_app(make_config(tmp_path_factory.mktemp("decide")))
    reset_schema(application)
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test starts with the fixture spaces and nothing else."""
    if "app" not in request.fixturenames:
        yield
        return
    application = request.getfixturevalue("app")
    clear_data(application)
    load_fixture_spaces(application)
    mail = Path(application.instance_path) / "mail"
    if mail.exists():
        for message in mail.glob("*.eml"):
            message.unlink()
    yield
    with application.app_context():
        db.session.remove()


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    with app.test_request_context():
        yield


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def make_user(app: Flask) -> Any:
    """Create a confirmed account: make_user('ana', city='aurora', verified=True, roles=[...])."""

    def factory(username: str = "ana", *, city: str | None = "aurora", verified: bool = False,
                locale: str = "es", kind: str = "person", confirmed: bool = True,
                roles: list[tuple[str, str, str]] | None = None,
                deployment_admin: bool = False) -> int:
        from decide.accounts import services
        from decide.cities.queries import city_by_slug, space_by_slug

        with app.test_request_context():
            user = services.register(
                username=username, email=f"{username}@example.org", password=PASSWORD,
                locale=locale, home_city=city_by_slug(city), kind=kind,
                organisation_name="Org " + username if kind == "organisation" else None,
                confirmed=confirmed,
            )
            if verified and city:
                services.set_residence(user, city_by_slug(city))
            for space_kind, slug, role in roles or []:
                level = 3 if role == "official" else None
                position = "Councillor" if role == "official" else None
                services.grant_role(user, space_by_slug(space_kind, slug), role, position, level)
            if deployment_admin:
                user.is_deployment_admin = True
                db.session.commit()
            return user.id

    return factory


def login(client: FlaskClient, username: str, password: str = PASSWORD) -> Any:
    return client.post("/accounts/login", data={"identifier": username, "password": password})


@pytest.fixture
def logged_in(client: FlaskClient, make_user: Any) -> Any:
    def do(username: str = "ana", **kwargs: Any) -> FlaskClient:
        make_user(username, **kwargs)
        response = login(client, username)
        assert response.status_code == 302, response.data
        return client

    return do


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app: Flask) -> Any:
    """`with count_queries() as counter:` records every SQL statement the app runs."""

    @contextmanager
    def counting(page_cache: bool = False) -> Iterator[QueryCounter]:
        """Pages are rendered (the page cache is off) unless `page_cache`: the bounds are
        about what rendering a page costs, whatever a visitor before left in the cache."""
        counter = QueryCounter()
        visitor_pages = app.extensions["decide.visitor_pages"]
        if not page_cache:
            app.extensions["decide.visitor_pages"] = frozenset()

        def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            if not re.match(r"\s*(PRAGMA|SAVEPOINT|RELEASE)", statement):
                counter.statements.append(statement)

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", record)
            app.extensions["decide.visitor_pages"] = visitor_pages

    return counting


@pytest.fixture(scope="session")
def live_server(app, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app served for real (CSRF on, debug mailbox on) on the test database."""
    config = make_config(tmp_path_factory.mktemp("live"), WTF_CSRF_ENABLED=True,
                         SERVER_NAME=None, DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"])
    config["INSTANCE_PATH"] = app.instance_path  # one mailbox for the test and the server
    served = create_app(config)
    served.debug = True
    server = make_server("127.0.0.1", 0, served, threaded=True)
    served.config["BASE_URL"] = f"http://127.0.0.1:{server.server_port}"  # e-mail links
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def mailbox(app: Flask) -> list[dict[str, str]]:
    from decide.core.mail import list_dev_mail

    with app.app_context():
        return list_dev_mail()
