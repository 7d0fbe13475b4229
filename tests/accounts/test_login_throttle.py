"""Per-account sign-in throttle: guesses count wherever they come from, the lock grows, the
holder is told once, and a success resets the count."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from decide.accounts import services
from decide.accounts.models import User
from decide.core.db import utcnow
from decide.extensions import db
from tests.conftest import PASSWORD, login, mailbox

EN = {"Accept-Language": "en"}


def attempt(client, password: str, address: str = "10.0.0.1", identifier: str = "marta"):
    return client.post("/accounts/login", data={"identifier": identifier, "password": password},
                       environ_base={"REMOTE_ADDR": address}, headers=EN)


def unlock_by_time(app, username: str = "marta") -> None:
    """What waiting does: the lock's end moves into the past."""
    with app.app_context():
        db.session.execute(update(User).where(User.username == username)
                           .values(locked_until=utcnow() - timedelta(seconds=1)))
        db.session.commit()


def account(app, username: str = "marta") -> User:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        db.session.expunge(user)
        return user


@pytest.fixture
def checked_passwords(monkeypatch) -> list[str]:
    """Every password the sign-in actually evaluated for an existing account."""
    seen: list[str] = []
    real = services.verify_password

    def spy(password_hash, password):
        if password_hash:
            seen.append(password)
        return real(password_hash, password)

    monkeypatch.setattr(services, "verify_password", spy)
    return seen


def test_sixty_guesses_from_ten_addresses_are_not_all_evaluated(
        app, client, make_user, checked_passwords) -> None:
    make_user("marta", locale="pt_BR")
    statuses = [attempt(client, f"guess-number-{n}", f"10.0.0.{n % 10}").status_code
                for n in range(60)]
    assert statuses[:4] == [401] * 4
    assert set(statuses[4:]) == {429}
    assert len(checked_passwords) == services.LOCK_AFTER == 5

    locked = attempt(client, "guess-number-61", "10.0.0.99")
    html = locked.get_data(as_text=True)
    assert "try again in 1 minute" in html and 'value="marta"' in html
    assert 0 < int(locked.headers["Retry-After"]) <= 60

    # One notice, in the holder's language (Portuguese), with a working reset link on the
    # configured host.
    notices = [m for m in mailbox(app) if m["to"] == "marta@example.org"]
    assert len(notices) == 1
    assert "Hello marta" not in notices[0]["text"]
    link = re.search(r"https?://decide\.test(/accounts/password/reset/\S+)", notices[0]["text"])
    assert link and client.get(link.group(1)).status_code == 200


def test_right_password_during_the_lock_is_refused_the_same_way(
        app, client, make_user, checked_passwords) -> None:
    make_user("marta")
    for n in range(5):
        attempt(client, f"wrong-{n}")
    refused = attempt(client, PASSWORD)
    assert refused.status_code == 429 and "try again in" in refused.get_data(as_text=True)
    assert PASSWORD not in checked_passwords
    spanish = client.post("/accounts/login", data={"identifier": "marta", "password": PASSWORD},
                          headers={"Accept-Language": "es"})
    assert spanish.status_code == 429 and '<html lang="es">' in spanish.get_data(as_text=True)
    assert "Retry-After" in spanish.headers

    # Other accounts are not affected.
    make_user("bea")
    assert login(client, "bea").status_code == 302


def test_lock_grows_and_a_success_resets_it(app, client, make_user) -> None:
    make_user("marta")
    for n in range(5):
        attempt(client, f"wrong-{n}")
    first = account(app).locked_until - utcnow()
    assert timedelta(seconds=50) < first <= timedelta(minutes=1)

    unlock_by_time(app)
    assert attempt(client, "wrong-again").status_code == 429
    second = account(app).locked_until - utcnow()
    assert timedelta(seconds=110) < second <= timedelta(minutes=2)
    # Still one notice for the whole series.
    assert len([m for m in mailbox(app) if m["to"] == "marta@example.org"]) == 1

    unlock_by_time(app)
    assert attempt(client, PASSWORD).status_code == 302
    user = account(app)
    assert user.failed_logins == 0 and user.locked_until is None


def test_failures_below_the_threshold_are_forgotten_after_a_success(app, client,
                                                                     make_user) -> None:
    make_user("marta")
    for n in range(4):
        assert attempt(client, f"wrong-{n}").status_code == 401
    assert attempt(client, PASSWORD).status_code == 302
    client.post("/accounts/logout")
    for n in range(4):
        assert attempt(client, f"wrong-{n}").status_code == 401
    assert account(app).failed_logins == 4 and account(app).locked_until is None


def test_password_reset_lifts_the_lock(app, client, make_user) -> None:
    make_user("marta")
    for n in range(5):
        attempt(client, f"wrong-{n}")
    text = [m for m in mailbox(app) if m["to"] == "marta@example.org"][0]["text"]
    path = re.search(r"https?://decide\.test(/accounts/password/reset/\S+)", text).group(1)
    assert client.post(path, data={"password": "a-brand-new-secret"}).status_code == 302
    assert attempt(client, "a-brand-new-secret").status_code == 302


def test_lock_duration_doubles_and_is_capped() -> None:
    minutes = [services.lock_duration(n).total_seconds() / 60 for n in range(5, 13)]
    assert minutes == [1, 2, 4, 8, 16, 32, 60, 60]
    assert services.lock_duration(10_000) == services.LOCK_CAP
