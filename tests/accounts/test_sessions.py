"""Server-side sessions: signing out ends the session for every copy of its cookies; the
account page lists the person's devices and signs out others."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select, update

from decide.accounts.models import User, UserSession
from decide.core.db import utcnow
from decide.extensions import db
from tests.conftest import PASSWORD

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/126.0.0.0 Safari/537.36")
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
          "Version/17.5 Mobile/15E148 Safari/604.1")
EN = {"Accept-Language": "en"}


def signed_in(app, username: str = "ana", user_agent: str = FIREFOX, remember: bool = False):
    client = app.test_client()
    data = {"identifier": username, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    response = client.post("/accounts/login", data=data, headers={"User-Agent": user_agent})
    assert response.status_code == 302, response.data
    return client


def with_cookie(app, name: str, value: str):
    thief = app.test_client()
    thief.set_cookie(name, value, domain="decide.test")
    return thief


def can_see_account(client) -> bool:
    return client.get("/accounts/settings").status_code == 200


def test_cookies_captured_before_sign_out_get_nothing_after(app, make_user) -> None:
    make_user("ana")
    client = signed_in(app, remember=True)
    session_cookie = client.get_cookie("session", domain="decide.test").value
    remember_cookie = client.get_cookie("remember_token", domain="decide.test").value
    # Each cookie alone is enough while the session lasts...
    assert can_see_account(with_cookie(app, "session", session_cookie))
    assert can_see_account(with_cookie(app, "remember_token", remember_cookie))

    assert client.post("/accounts/logout").status_code == 302
    # ... and worth nothing once the person signed out.
    assert not can_see_account(with_cookie(app, "session", session_cookie))
    assert not can_see_account(with_cookie(app, "remember_token", remember_cookie))
    both = with_cookie(app, "session", session_cookie)
    both.set_cookie("remember_token", remember_cookie, domain="decide.test")
    assert not can_see_account(both)
    with app.app_context():
        record = db.session.scalar(select(UserSession))
        assert record.revoked_at is not None
        # Only a hash of the token is stored: the table holds no usable cookie.
        assert record.id not in remember_cookie and len(record.id) == 64


def test_account_page_lists_devices_and_ends_one_or_all_others(app, make_user) -> None:
    make_user("ana", locale="en")  # the account's language wins over Accept-Language
    make_user("bea")
    mine = signed_in(app, user_agent=FIREFOX)
    laptop = signed_in(app, user_agent=CHROME)
    phone = signed_in(app, user_agent=IPHONE)
    strangers = signed_in(app, "bea")

    html = mine.get("/accounts/settings", headers=EN).get_data(as_text=True)
    assert "Firefox · Linux" in html and "Chrome · Windows" in html and "Safari · iPhone" in html
    assert html.count("This device") == 1
    ends = re.findall(r'action="/accounts/sessions/([0-9a-f]{64})/end"', html)
    assert len(ends) == 2
    with app.app_context():
        ids = {s.user_agent: s.id for s in db.session.scalars(
            select(UserSession).join(User).where(User.username == "ana"))}
        bea_session = db.session.scalar(select(UserSession).join(User).where(
            User.username == "bea")).id
    assert set(ends) == {ids["Chrome · Windows"], ids["Safari · iPhone"]}

    # Someone else's session, a made-up id or this very session cannot be ended from here.
    assert mine.post(f"/accounts/sessions/{bea_session}/end").status_code == 404
    assert mine.post(f"/accounts/sessions/{'0' * 64}/end").status_code == 404
    assert mine.post("/accounts/sessions/not-an-id/end").status_code == 404
    assert mine.post(f"/accounts/sessions/{ids['Firefox · Linux']}/end").status_code == 400
    assert can_see_account(strangers) and can_see_account(mine)

    response = mine.post(f"/accounts/sessions/{ids['Chrome · Windows']}/end")
    assert response.status_code == 302
    assert not can_see_account(laptop)
    assert can_see_account(phone) and can_see_account(mine)

    another = signed_in(app, user_agent=CHROME)
    response = mine.post("/accounts/sessions/end-others")
    assert response.status_code == 302
    html = mine.get("/accounts/settings").get_data(as_text=True)
    assert "2 other devices have been signed out" in html
    assert not can_see_account(phone) and not can_see_account(another)
    assert can_see_account(mine) and can_see_account(strangers)
    assert "Sign out all other devices" not in html  # nothing left to end


def test_changing_the_password_ends_other_sessions_and_their_remember_cookies(
        app, make_user) -> None:
    make_user("ana")
    mine = signed_in(app)
    other = signed_in(app, user_agent=CHROME, remember=True)
    remembered = other.get_cookie("remember_token", domain="decide.test").value
    response = mine.post("/accounts/settings", data={
        "email": "ana@example.org", "locale": "es", "home_city": "aurora",
        "organisation_name": "", "new_password": "another-long-secret",
        "current_password": PASSWORD})
    assert response.status_code == 302
    assert can_see_account(mine)
    assert not can_see_account(other)
    assert not can_see_account(with_cookie(app, "remember_token", remembered))


def test_password_reset_ends_every_session(app, client, make_user) -> None:
    from tests.accounts.test_password_reset import reset_path

    make_user("ana")
    elsewhere = signed_in(app, remember=True)
    client.post("/accounts/password/forgot", data={"email": "ana@example.org"})
    assert client.post(reset_path(app, "ana@example.org"),
                       data={"password": "a-brand-new-secret"}).status_code == 302
    assert not can_see_account(elsewhere)


def test_last_seen_is_written_at_most_once_every_few_minutes(app, make_user,
                                                             count_queries) -> None:
    make_user("ana")
    client = signed_in(app)

    def session_writes() -> int:
        with count_queries() as counter:
            assert can_see_account(client)
        return sum(1 for s in counter.statements
                   if s.lstrip().upper().startswith("UPDATE") and "user_sessions" in s)

    assert [session_writes() for _ in range(3)] == [0, 0, 0]
    with app.app_context():
        long_ago = utcnow() - timedelta(minutes=10)
        db.session.execute(update(UserSession).values(last_seen_at=long_ago))
        db.session.commit()
    assert session_writes() == 1
    assert session_writes() == 0
    with app.app_context():
        seen = db.session.scalar(select(UserSession.last_seen_at))
        assert seen > utcnow() - timedelta(minutes=1)


def test_old_idle_sessions_load_nobody(app, make_user) -> None:
    make_user("ana")
    client = signed_in(app, remember=True)
    with app.app_context():
        db.session.execute(update(UserSession).values(
            last_seen_at=utcnow() - timedelta(days=400)))
        db.session.commit()
    assert not can_see_account(client)

