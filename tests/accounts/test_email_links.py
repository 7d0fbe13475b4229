"""Links in e-mails come from the configured address, never from the request's Host."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from decide import create_app
from tests.accounts.test_signup import SIGNUP
from tests.conftest import mailbox, make_config

EVIL = {"Host": "evil.example"}


def links(app, to: str) -> list[str]:
    return [link for m in mailbox(app) if m["to"] == to
            for link in re.findall(r"https?://\S+", m["text"])]


def test_reset_and_confirmation_links_ignore_the_host_header(app, client, make_user) -> None:
    make_user("marta")
    assert client.post("/accounts/password/forgot", data={"email": "marta@example.org"},
                       headers=EVIL).status_code == 200
    assert client.post("/accounts/signup", data={**SIGNUP, "username": "nuno",
                                                 "email": "nuno@example.org"},
                       headers=EVIL).status_code == 201
    sent = links(app, "marta@example.org") + links(app, "nuno@example.org")
    assert len(sent) == 2
    assert all(link.startswith("http://decide.test/accounts/") for link in sent), sent


@pytest.fixture
def based_app(tmp_path: Path, app):
    """The app as deployed behind a base URL (no SERVER_NAME)."""
    return create_app(make_config(
        tmp_path, SERVER_NAME=None, BASE_URL="https://decide.example.org",
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"]))


def test_with_a_base_url_other_hosts_are_refused(based_app, make_user) -> None:
    make_user("marta")
    client = based_app.test_client()
    refused = client.post("/accounts/password/forgot", data={"email": "marta@example.org"},
                          headers=EVIL)
    assert refused.status_code == 400
    assert client.get("/", headers=EVIL).status_code == 400
    assert mailbox(based_app) == []

    ok = client.post("/accounts/password/forgot", data={"email": "marta@example.org"},
                     headers={"Host": "decide.example.org"})
    assert ok.status_code == 200
    sent = links(based_app, "marta@example.org")
    assert len(sent) == 1
    assert sent[0].startswith("https://decide.example.org/accounts/password/reset/")
