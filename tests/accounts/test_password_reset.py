"""Forgotten passwords."""

from __future__ import annotations

import re

from tests.conftest import PASSWORD, login, mailbox


def reset_path(app, to: str) -> str:
    text = [m for m in mailbox(app) if m["to"] == to][0]["text"]
    return re.search(r"https?://decide\.test(/accounts/password/reset/\S+)", text).group(1)


def test_reset_flow_and_single_use(app, client, make_user) -> None:
    make_user("marta")
    assert client.post("/accounts/password/forgot",
                       data={"email": "marta@example.org"}).status_code == 200
    path = reset_path(app, "marta@example.org")
    assert client.get(path).status_code == 200
    response = client.post(path, data={"password": "a-brand-new-secret"})
    assert response.status_code == 302
    assert login(client, "marta", PASSWORD).status_code == 401
    assert login(client, "marta", "a-brand-new-secret").status_code == 302
    # The link worked once.
    assert client.get(path, headers={"Accept-Language": "en"}).status_code == 400


def test_unknown_address_gets_the_same_answer(app, client) -> None:
    response = client.post("/accounts/password/forgot", data={"email": "ghost@example.org"})
    assert response.status_code == 200
    assert mailbox(app) == []


def test_weak_new_password_is_refused(app, client, make_user) -> None:
    make_user("marta")
    client.post("/accounts/password/forgot", data={"email": "marta@example.org"})
    path = reset_path(app, "marta@example.org")
    response = client.post(path, data={"password": "123"}, headers={"Accept-Language": "en"})
    assert response.status_code == 400 and "at least 10" in response.get_data(as_text=True)
    assert login(client, "marta", PASSWORD).status_code == 302


def test_bad_and_expired_reset_tokens(app, client, make_user) -> None:
    assert client.get("/accounts/password/reset/garbage").status_code == 400
    make_user("marta")
    client.post("/accounts/password/forgot", data={"email": "marta@example.org"})
    path = reset_path(app, "marta@example.org")
    app.config["RESET_MAX_AGE"] = -1
    try:
        response = client.post(path, data={"password": "a-brand-new-secret"},
                               headers={"Accept-Language": "en"})
    finally:
        app.config["RESET_MAX_AGE"] = 7200
    assert response.status_code == 400 and "expired" in response.get_data(as_text=True)
    assert login(client, "marta", PASSWORD).status_code == 302
