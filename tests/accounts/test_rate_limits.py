"""Too many sign-in, sign-up and reset attempts get a translated 429 that keeps the form."""

from __future__ import annotations

from pathlib import Path

import pytest

from decide import create_app
from tests.conftest import make_config


@pytest.fixture
def limited_client(tmp_path: Path, app):
    limited = create_app(make_config(
        tmp_path, RATELIMIT_ENABLED=True, DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        RATELIMIT_LOGIN="3 per minute", RATELIMIT_SIGNUP="2 per minute",
        RATELIMIT_PASSWORD_RESET="2 per minute"))
    return limited.test_client()


def test_login_attempts_are_limited(limited_client, make_user) -> None:
    make_user("marta")
    for _ in range(3):
        response = limited_client.post("/accounts/login",
                                       data={"identifier": "marta", "password": "wrong"})
        assert response.status_code == 401
    response = limited_client.post("/accounts/login",
                                   data={"identifier": "marta", "password": "wrong"},
                                   headers={"Accept-Language": "en"})
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert "Too many attempts" in html
    assert 'value="marta"' in html and 'value="wrong"' not in html
    spanish = limited_client.post("/accounts/login", data={"identifier": "marta"},
                                  headers={"Accept-Language": "es"})
    assert spanish.status_code == 429 and "Too many attempts" not in spanish.get_data(
        as_text=True)
    # Reading the form is not limited.
    assert limited_client.get("/accounts/login").status_code == 200


def test_signup_and_reset_are_limited(limited_client) -> None:
    data = {"username": "x", "email": "bad"}
    assert [limited_client.post("/accounts/signup", data=data).status_code
            for _ in range(3)] == [400, 400, 429]
    assert [limited_client.post("/accounts/password/forgot",
                                data={"email": "a@example.org"}).status_code
            for _ in range(3)] == [200, 200, 429]


def test_limits_are_shared_through_redis(tmp_path: Path, app, make_user) -> None:
    """With DECIDE_REDIS_URL, two app instances (two workers) count attempts together."""
    import redis

    url = "redis://127.0.0.1:6379/15"
    redis.Redis.from_url(url).flushdb()
    workers = [create_app(make_config(
        tmp_path / str(n), RATELIMIT_ENABLED=True, REDIS_URL=url, RATELIMIT_LOGIN="3 per minute",
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"])).test_client() for n in range(2)]
    make_user("marta")
    statuses = [workers[n % 2].post("/accounts/login",
                                    data={"identifier": "marta", "password": "wrong"}).status_code
                for n in range(4)]
    assert statuses == [401, 401, 401, 429]
    redis.Redis.from_url(url).flushdb()
