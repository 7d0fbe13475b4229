"""Alliance membership invitations: the secretariat invites a city, the city's administrators
accept or decline, the secretariat may withdraw; the loader keeps accepted members."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from decide.accounts.services import find_by_username
from decide.cities.models import AllianceInvitation, AllianceMembership
from decide.cities.services import load_config
from decide.extensions import db
from tests.admin.helpers import EN, events, space
from tests.conftest import FIXTURE_CONFIG, login
from tests.proposals.helpers import new_proposal

MEMBERS = "/alliances/pact/admin/members"


def _cenit_id(app) -> int:
    with app.app_context():
        return space("cenit").id


def _invite(app, client, city: str = "cenit") -> int:
    with app.app_context():
        city_id = space(city).id
    response = client.post(MEMBERS, data={"city": city_id})
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        return db.session.scalar(select(AllianceInvitation.id).where(
            AllianceInvitation.city_id == city_id, AllianceInvitation.status == "pending"))


def _membership(app, city: str = "cenit") -> AllianceMembership | None:
    with app.app_context():
        pact, target = space("pact", "alliance"), space(city)
        row = db.session.scalar(select(AllianceMembership).where(
            AllianceMembership.alliance_id == pact.id, AllianceMembership.city_id == target.id))
        if row is not None:
            db.session.expunge(row)
        return row


def test_invite_accept_makes_residents_eligible(app, client, make_user) -> None:
    make_user("ana", city="aurora", verified=True)
    make_user("carla", city="cenit", verified=True)
    make_user("sec", roles=[("alliance", "pact", "secretariat")], locale="en")
    make_user("mayor", city="cenit", roles=[("city", "cenit", "administrator")], locale="en")
    proposal_id = new_proposal(app, where="alliances/pact")
    support = f"/alliances/pact/proposals/{proposal_id}/support"

    login(client, "carla")
    assert client.post(support).status_code == 403  # not a member city yet
    client.post("/accounts/logout")

    login(client, "sec")
    page = client.get(MEMBERS, headers=EN).get_data(as_text=True)
    assert "Cenit" in page and "Invite a city" in page
    invitation_id = _invite(app, client)
    assert "No invitation is waiting" not in client.get(MEMBERS, headers=EN).get_data(
        as_text=True)
    client.post("/accounts/logout")

    login(client, "carla")
    assert client.post(support).status_code == 403  # invited is not a member
    client.post("/accounts/logout")

    login(client, "mayor")
    page = client.get("/cenit/admin/invitations", headers=EN).get_data(as_text=True)
    assert "Test pact" in page and "Accept and join" in page
    response = client.post(f"/cenit/admin/invitations/{invitation_id}/accept")
    assert response.status_code == 303
    membership = _membership(app)
    assert membership is not None and membership.source == "invitation"
    assert membership.role == "member"
    # A second answer is refused, nothing changes.
    response = client.post(f"/cenit/admin/invitations/{invitation_id}/decline", headers=EN)
    assert response.status_code == 409
    assert "already been answered" in response.get_data(as_text=True)
    client.post("/accounts/logout")

    login(client, "carla")
    assert client.post(support).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(AllianceInvitation.status).where(
            AllianceInvitation.id == invitation_id)) == "accepted"
    accepted = events(app, "alliance.invitation_accept")
    assert {e["space"] for e in accepted} == {"cenit", "pact"}
    assert accepted[0]["actor"] == "mayor"
    assert events(app, "alliance.invite")[0]["data"]["city"] == "cenit"


def test_decline_and_withdraw(app, client, make_user) -> None:
    make_user("sec", roles=[("alliance", "pact", "secretariat")], locale="en")
    make_user("mayor", city="cenit", roles=[("city", "cenit", "administrator")], locale="en")
    login(client, "sec")
    first = _invite(app, client)
    # Invited already: the city is no longer offered, and a hand-made request is refused.
    page = client.get(MEMBERS, headers=EN).get_data(as_text=True)
    assert not re.search(r'<option value="\d+">Cenit</option>', page)
    response = client.post(MEMBERS, data={"city": _cenit_id(app)}, headers=EN)
    assert response.status_code == 409
    assert "already has a pending invitation" in response.get_data(as_text=True)
    assert client.post(f"{MEMBERS}/invitations/{first}/withdraw").status_code == 303
    assert client.post(f"{MEMBERS}/invitations/{first}/withdraw").status_code == 409
    second = _invite(app, client)
    client.post("/accounts/logout")

    login(client, "mayor")
    # The withdrawn invitation cannot be accepted.
    assert client.post(f"/cenit/admin/invitations/{first}/accept").status_code == 409
    assert client.post(f"/cenit/admin/invitations/{second}/decline").status_code == 303
    assert _membership(app) is None
    page = client.get("/cenit/admin/invitations", headers=EN).get_data(as_text=True)
    assert "Declined" in page and "Withdrawn by the alliance" in page
    assert [e["data"]["after"] for e in events(app, "alliance.invitation_withdraw")] == [
        "withdrawn"]
    assert len(events(app, "alliance.invitation_decline")) == 2


def test_bad_invitations_keep_the_form(app, client, make_user) -> None:
    make_user("sec", roles=[("alliance", "pact", "secretariat")], locale="en")
    login(client, "sec")
    with app.app_context():
        aurora_id = space("aurora").id
    response = client.post(MEMBERS, data={"city": aurora_id}, headers=EN)
    assert response.status_code == 409
    assert "already a member" in response.get_data(as_text=True)
    with app.app_context():
        pact_id = space("pact", "alliance").id
    for value in ("", "abc", "999999", "1" * 40, str(pact_id)):  # an alliance is no city
        response = client.post(MEMBERS, data={"city": value}, headers=EN)
        assert response.status_code in (400, 404), value
        assert "Choose a city of this deployment" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(AllianceInvitation.id))) == 0


def test_without_the_role_403(app, client, make_user) -> None:
    make_user("sec", roles=[("alliance", "pact", "secretariat")])
    make_user("nobody", city="cenit")
    # Administrators of another city (a member of the alliance) are nobody here.
    make_user("other", city="aurora", roles=[("city", "aurora", "administrator")])
    login(client, "sec")
    invitation_id = _invite(app, client)
    client.post("/accounts/logout")
    for username in ("nobody", "other"):
        login(client, username)
        assert client.get(MEMBERS).status_code == 403
        assert client.post(MEMBERS, data={"city": _cenit_id(app)}).status_code == 403
        assert client.post(f"{MEMBERS}/invitations/{invitation_id}/withdraw").status_code == 403
        assert client.get("/cenit/admin/invitations").status_code == 403
        for answer in ("accept", "decline"):
            assert client.post(
                f"/cenit/admin/invitations/{invitation_id}/{answer}").status_code == 403
        client.post("/accounts/logout")
    # Anonymous visitors are sent to sign in.
    response = client.get("/cenit/admin/invitations")
    assert response.status_code == 302 and "/accounts/login" in response.headers["Location"]
    assert _membership(app) is None


def test_other_spaces_invitations_are_404(app, client, make_user) -> None:
    make_user("sec", roles=[("alliance", "pact", "secretariat")])
    make_user("boss", city="borealis", roles=[("city", "borealis", "administrator")])
    login(client, "sec")
    invitation_id = _invite(app, client)  # to cenit
    client.post("/accounts/logout")
    login(client, "boss")
    # Borealis's administrators cannot answer Cenit's invitation.
    for answer in ("accept", "decline"):
        assert client.post(
            f"/borealis/admin/invitations/{invitation_id}/{answer}").status_code == 404
    # Cities have no members page; alliances receive no invitations.
    assert client.get("/borealis/admin/members").status_code == 404
    client.post("/accounts/logout")
    make_user("padmin", roles=[("alliance", "pact", "administrator")])
    login(client, "padmin")
    assert client.get("/alliances/pact/admin/invitations").status_code == 404
    assert client.post("/alliances/pact/admin/members/invitations/999999/withdraw"
                       ).status_code == 404
    assert _membership(app) is None


def test_config_load_keeps_accepted_members(app, client, make_user) -> None:
    make_user("sec", roles=[("alliance", "pact", "secretariat")])
    make_user("mayor", city="cenit", roles=[("city", "cenit", "administrator")])
    login(client, "sec")
    invitation_id = _invite(app, client)
    client.post("/accounts/logout")
    login(client, "mayor")
    client.post(f"/cenit/admin/invitations/{invitation_id}/accept")
    with app.app_context():
        report = load_config(FIXTURE_CONFIG / "cities", FIXTURE_CONFIG / "alliances")
        assert report.updated == 0
        pact = space("pact", "alliance")
        assert [(m.city.slug, m.source, m.position) for m in pact.memberships] == [
            ("aurora", "file", 0), ("borealis", "file", 1), ("cenit", "invitation", 2)]


def test_config_load_removes_file_members_only(app, ctx, tmp_path) -> None:
    import shutil

    cities, alliances = tmp_path / "cities", tmp_path / "alliances"
    shutil.copytree(FIXTURE_CONFIG / "cities", cities)
    shutil.copytree(FIXTURE_CONFIG / "alliances", alliances)
    pact, borealis = space("pact", "alliance"), space("borealis")
    # Borealis accepted an invitation as well as being in the file.
    membership = db.session.scalar(select(AllianceMembership).where(
        AllianceMembership.alliance_id == pact.id, AllianceMembership.city_id == borealis.id))
    membership.source = "invitation"
    db.session.commit()
    path = alliances / "pact.toml"
    path.write_text(path.read_text().replace(', { city = "borealis" }', ""))
    load_config(cities, alliances)
    load_config(cities, alliances)  # idempotent
    pact = space("pact", "alliance")
    assert [(m.city.slug, m.position) for m in pact.memberships] == [
        ("aurora", 0), ("borealis", 1)]
    # A file member leaves when the file drops it.
    path.write_text(path.read_text().replace(
        'members = [{ city = "aurora", role = "leader", since = "2018-07-16" }]',
        'members = [{ city = "cenit" }]'))
    load_config(cities, alliances)
    pact = space("pact", "alliance")
    assert [m.city.slug for m in pact.memberships] == ["cenit", "borealis"]


def test_alliance_admin_menu_and_city_menu(app, client, make_user) -> None:
    make_user("sec", roles=[("alliance", "pact", "secretariat")], locale="en")
    make_user("mayor", city="cenit", roles=[("city", "cenit", "administrator")], locale="en")
    login(client, "sec")
    page = client.get("/alliances/pact/admin/", headers=EN).get_data(as_text=True)
    assert "/alliances/pact/admin/members" in page
    assert "/admin/organisations" not in page
    client.post("/accounts/logout")
    login(client, "mayor")
    page = client.get("/cenit/admin/", headers=EN).get_data(as_text=True)
    assert "/cenit/admin/invitations" in page and "/cenit/admin/organisations" in page
    assert "/admin/members" not in page


def test_lists_run_bounded_queries(app, client, make_user, count_queries) -> None:
    make_user("sec", roles=[("alliance", "pact", "secretariat")])
    make_user("mayor", city="cenit", roles=[("city", "cenit", "administrator")])
    login(client, "sec")

    def measure(path: str) -> int:
        with count_queries() as counter:
            assert client.get(path).status_code == 200
        return counter.count

    def add_history(count: int) -> None:
        with app.test_request_context():
            from decide.cities import admin_services

            pact, cenit = space("pact", "alliance"), space("cenit")
            sec = find_by_username("sec")
            pending = db.session.scalar(select(AllianceInvitation.id).where(
                AllianceInvitation.status == "pending"))
            if pending is not None:
                admin_services.withdraw(pact, sec, pending)
            for _ in range(count):
                invitation = admin_services.invite(pact, sec, cenit.id)
                admin_services.withdraw(pact, sec, invitation.id)
            admin_services.invite(pact, sec, cenit.id)

    add_history(1)
    few_members = measure(MEMBERS)
    client.post("/accounts/logout")
    login(client, "mayor")
    few_received = measure("/cenit/admin/invitations")
    add_history(12)
    assert measure("/cenit/admin/invitations") == few_received
    client.post("/accounts/logout")
    login(client, "sec")
    assert measure(MEMBERS) == few_members
