"""City administrators verify the organisation accounts whose home city is theirs; a verified
organisation shows the badge next to its name."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from decide.accounts.models import User
from decide.extensions import db
from tests.admin.helpers import EN, events, space
from tests.conftest import login
from tests.debates.helpers import new_debate

ORGANISATIONS = "/aurora/admin/organisations"


def _org_id(app, username: str = "friends") -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.username == username))


@pytest.fixture
def boss(logged_in, make_user) -> Any:
    make_user("friends", city="aurora", kind="organisation")
    return logged_in("boss", roles=[("city", "aurora", "administrator")], locale="en")


def test_verify_shows_the_badge_and_unverify_removes_it(app, boss, client) -> None:
    debate_id = new_debate(app, author="friends")
    debate = f"/aurora/debates/{debate_id}"
    assert "Verified organisation" not in client.get(debate, headers=EN).get_data(as_text=True)

    page = boss.get(ORGANISATIONS, headers=EN).get_data(as_text=True)
    assert "Org friends" in page and "Not verified" in page
    org_id = _org_id(app)
    response = boss.post(f"{ORGANISATIONS}/{org_id}/verify", data={"status": "pending"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/aurora/admin/organisations?status=pending")
    with app.app_context():
        org = db.session.get(User, org_id)
        assert org.organisation_verified_at is not None
        assert org.organisation_verified_by_space_id == space("aurora").id
    # Pending no longer lists it; verified does.
    assert "Org friends" not in boss.get(ORGANISATIONS, headers=EN).get_data(as_text=True)
    page = boss.get(f"{ORGANISATIONS}?status=verified", headers=EN).get_data(as_text=True)
    assert "Org friends" in page and "Remove verification" in page
    page = client.get(debate, headers=EN).get_data(as_text=True)
    assert "Verified organisation" in page
    profile = client.get("/users/friends", headers=EN)
    assert profile.status_code == 200
    assert "Verified organisation" in profile.get_data(as_text=True)
    # Verifying again changes nothing and records nothing.
    assert boss.post(f"{ORGANISATIONS}/{org_id}/verify").status_code == 303
    assert len(events(app, "organisation.verify")) == 1

    assert boss.post(f"{ORGANISATIONS}/{org_id}/unverify").status_code == 303
    assert "Verified organisation" not in client.get(debate, headers=EN).get_data(as_text=True)
    verified, = events(app, "organisation.verify")
    unverified, = events(app, "organisation.unverify")
    assert verified["actor"] == "boss" and verified["space"] == "aurora"
    assert verified["object"] == ("user", org_id) and verified["data"]["before"] is None
    assert unverified["data"]["after"] is None and unverified["data"]["before"]


def test_people_and_other_cities_organisations_are_404(app, boss, make_user) -> None:
    make_user("elsewhere", city="borealis", kind="organisation")
    make_user("person", city="aurora")
    for username in ("elsewhere", "person"):
        user_id = _org_id(app, username)
        assert boss.post(f"{ORGANISATIONS}/{user_id}/verify").status_code == 404
    assert boss.post(f"{ORGANISATIONS}/999999/verify").status_code == 404
    page = boss.get(f"{ORGANISATIONS}?status=all", headers=EN).get_data(as_text=True)
    assert "Org elsewhere" not in page and "Org friends" in page
    with app.app_context():
        assert db.session.scalar(select(User.id).where(
            User.organisation_verified_at.is_not(None))) is None
    # Alliances have no home organisations.
    make_user("padmin", roles=[("alliance", "pact", "administrator")])
    boss.post("/accounts/logout")
    login(boss, "padmin")
    assert boss.get("/alliances/pact/admin/organisations").status_code == 404


def test_without_the_role_403(app, client, make_user) -> None:
    make_user("friends", city="aurora", kind="organisation")
    org_id = _org_id(app)
    response = client.get(ORGANISATIONS)
    assert response.status_code == 302 and "/accounts/login" in response.headers["Location"]
    make_user("mod", roles=[("city", "aurora", "moderator")])
    make_user("other", roles=[("city", "borealis", "administrator")])
    for username in ("mod", "other", "friends"):
        login(client, username)
        assert client.get(ORGANISATIONS).status_code == 403
        for action in ("verify", "unverify"):
            assert client.post(f"{ORGANISATIONS}/{org_id}/{action}").status_code == 403
        client.post("/accounts/logout")
    with app.app_context():
        assert db.session.get(User, org_id).organisation_verified_at is None


def test_bad_filter_is_400(app, boss) -> None:
    assert boss.get(f"{ORGANISATIONS}?status=everything").status_code == 400
    assert boss.get(f"{ORGANISATIONS}?page=zero").status_code == 400


def test_list_runs_bounded_queries(app, boss, make_user, count_queries) -> None:
    def measure() -> int:
        with count_queries() as counter:
            assert boss.get(f"{ORGANISATIONS}?status=all").status_code == 200
        return counter.count

    few = measure()
    for index in range(6):
        make_user(f"group{index}", city="aurora", kind="organisation")
    assert measure() == few
