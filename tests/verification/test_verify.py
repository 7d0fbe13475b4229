"""Residence verification against a city's census."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from decide.accounts.models import Residence, User
from decide.audit.models import AuditEvent
from decide.cities.queries import city_by_slug
from decide.extensions import db
from decide.verification import services
from decide.verification.models import CensusClaim, VerificationFailure

TODAY = date.today()
ADULT = date(1980, 1, 31)
CENSUS = ("document_type,document_number,date_of_birth,postal_code\n"
          f"dni,12345678Z,{ADULT.isoformat()},28001\n"
          f"dni,87654321X,{(date(TODAY.year - 14, 1, 1)).isoformat()},28001\n"
          "passport,XA998877,1990-06-15,28002\n")
GOOD = {"document_type": "dni", "document_number": "1234 5678 z",
        "date_of_birth": ADULT.isoformat(), "postal_code": "28001"}
EN = {"Accept-Language": "en"}


@pytest.fixture(autouse=True)
def censuses(app) -> None:
    for slug in ("aurora", "borealis"):
        with app.test_request_context():
            services.import_census(city_by_slug(slug), io.StringIO(CENSUS, newline=""))


def residence_of(app, username: str) -> str | None:
    with app.app_context():
        residence = db.session.scalar(select(Residence).join(User).where(
            User.username == username))
        return residence.city.slug if residence else None


def test_match_makes_a_verified_resident(app, logged_in) -> None:
    client = logged_in("ana", city="aurora", locale="en")
    page = client.get("/aurora/verify", headers=EN)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'for="document_number"' in html and 'name="csrf_token"' in html
    response = client.post("/aurora/verify", data=GOOD, headers=EN)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert residence_of(app, "ana") == "aurora"
    with app.app_context():
        assert db.session.scalar(select(Residence)).method == "census"
        assert db.session.scalar(select(func.count()).select_from(CensusClaim)) == 1
        assert "residence.verify" in set(db.session.scalars(select(AuditEvent.action)))


def test_sign_in_needed(client) -> None:
    assert client.get("/aurora/verify").status_code == 302
    assert client.post("/aurora/verify", data=GOOD).status_code == 302


def test_mismatch_keeps_input_and_counts_a_failure(app, logged_in) -> None:
    client = logged_in("ana", locale="en")
    for wrong in ({"postal_code": "28002"}, {"date_of_birth": "1980-01-30"},
                  {"document_number": "12345679Z"}, {"document_type": "passport"}):
        response = client.post("/aurora/verify", data={**GOOD, **wrong}, headers=EN)
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert "do not match the census" in html
        assert (wrong.get("postal_code") or "28001") in html  # what was typed stays
    assert residence_of(app, "ana") is None
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(VerificationFailure)) == 4


def test_form_errors_are_400_not_failures(app, logged_in) -> None:
    client = logged_in("ana", locale="en")
    response = client.post("/aurora/verify", data={**GOOD, "date_of_birth": "31/01/1980"},
                           headers=EN)
    assert response.status_code == 400
    response = client.post("/aurora/verify", data={**GOOD, "document_type": "ufo"}, headers=EN)
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(VerificationFailure)) == 0


def test_throttle_waits_after_five_failures_and_doubles(app, logged_in) -> None:
    client = logged_in("ana", locale="en")
    wrong = {**GOOD, "postal_code": "99999"}
    for _ in range(4):
        assert client.post("/aurora/verify", data=wrong, headers=EN).status_code == 400
    fifth = client.post("/aurora/verify", data=wrong, headers=EN)
    assert fifth.status_code == 429
    assert "try again after" in fifth.get_data(as_text=True)
    # Even the right details wait now.
    assert client.post("/aurora/verify", data=GOOD, headers=EN).status_code == 429
    assert client.get("/aurora/verify", headers=EN).status_code == 200
    assert residence_of(app, "ana") is None
    with app.test_request_context():
        user = db.session.scalar(select(User).where(User.username == "ana"))
        until = services.blocked_until(user)
        last = db.session.scalar(select(func.max(VerificationFailure.attempted_at)))
        assert until - last == timedelta(minutes=1)
        # Let the minute pass: the sixth failure waits 2 minutes, the seventh 4.
        for expected in (2, 4):
            for failure in db.session.scalars(select(VerificationFailure)):
                failure.attempted_at -= timedelta(minutes=30)
            db.session.commit()
            assert services.blocked_until(user) is None
            with pytest.raises(services.DomainError):
                services.verify(user, city_by_slug("aurora"), "dni", "0", ADULT, "1")
            until = services.blocked_until(user)
            last = db.session.scalar(select(func.max(VerificationFailure.attempted_at)))
            assert until - last == timedelta(minutes=expected)
    assert [services.wait_after(n) for n in (4, 5, 6, 7, 15, 16, 40)] == [
        timedelta(0), timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4),
        timedelta(minutes=1024), timedelta(hours=24), timedelta(hours=24)]


def test_throttle_page_is_in_the_users_language(logged_in) -> None:
    client = logged_in("ana", locale="es")
    wrong = {**GOOD, "postal_code": "99999"}
    for _ in range(5):
        response = client.post("/aurora/verify", data=wrong, headers={"Accept-Language": "es"})
    assert response.status_code == 429
    assert "<time" in response.get_data(as_text=True)


def test_success_clears_the_failures(app, logged_in) -> None:
    client = logged_in("ana", locale="en")
    for _ in range(3):
        client.post("/aurora/verify", data={**GOOD, "postal_code": "1"})
    assert client.post("/aurora/verify", data=GOOD).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(VerificationFailure)) == 0


def test_too_young_is_refused_and_the_minimum_is_a_setting(app, logged_in) -> None:
    client = logged_in("kid", locale="en")
    young = {**GOOD, "document_number": "87654321X",
             "date_of_birth": date(TODAY.year - 14, 1, 1).isoformat()}
    response = client.post("/aurora/verify", data=young, headers=EN)
    assert response.status_code == 403
    assert "at least 16 years old" in response.get_data(as_text=True)
    assert residence_of(app, "kid") is None
    with app.app_context():
        city = city_by_slug("aurora")
        city.settings = {**city.settings, "verification_min_age": 14}
        db.session.commit()
    assert client.post("/aurora/verify", data=young, headers=EN).status_code == 302
    assert residence_of(app, "kid") == "aurora"


def test_same_document_cannot_verify_a_second_account(app, client, make_user) -> None:
    from tests.conftest import login

    make_user("ana", locale="en")
    make_user("bea", locale="en")
    login(client, "ana")
    assert client.post("/aurora/verify", data=GOOD).status_code == 302
    client.post("/accounts/logout")
    login(client, "bea")
    response = client.post("/aurora/verify", data=GOOD, headers=EN)
    assert response.status_code == 409
    assert "already verified another account" in response.get_data(as_text=True)
    assert residence_of(app, "bea") is None
    # A re-import of the census does not free the document.
    with app.test_request_context():
        services.import_census(city_by_slug("aurora"), io.StringIO(CENSUS, newline=""))
    assert client.post("/aurora/verify", data=GOOD).status_code == 409


def test_organisations_cannot_verify(app, logged_in) -> None:
    client = logged_in("org", kind="organisation", locale="en")
    assert client.get("/aurora/verify").status_code == 403
    response = client.post("/aurora/verify", data=GOOD, headers=EN)
    assert response.status_code == 403
    assert "Organisations cannot verify" in response.get_data(as_text=True)
    assert residence_of(app, "org") is None


def test_other_citys_census_does_not_match(app, logged_in) -> None:
    with app.test_request_context():
        services.import_census(city_by_slug("borealis"), io.StringIO(
            "document_type,document_number,date_of_birth,postal_code\n"
            "dni,11111111H,1970-01-01,10001\n", newline=""))
    client = logged_in("ana", locale="en")
    assert client.post("/borealis/verify", data=GOOD).status_code == 400
    assert client.post("/aurora/verify", data=GOOD).status_code == 302
    assert residence_of(app, "ana") == "aurora"
    assert client.get("/alliances/pact/verify").status_code == 404


def test_moving_city_needs_confirmation_and_is_audited(app, logged_in) -> None:
    client = logged_in("ana", locale="en")
    assert client.post("/aurora/verify", data=GOOD).status_code == 302
    assert client.post("/aurora/verify", data=GOOD, headers=EN).status_code == 409  # already
    page = client.get("/borealis/verify", headers=EN).get_data(as_text=True)
    assert 'name="confirm_move"' in page
    response = client.post("/borealis/verify", data=GOOD, headers=EN)
    assert response.status_code == 409
    assert "Confirm that you have moved" in response.get_data(as_text=True)
    assert residence_of(app, "ana") == "aurora"
    response = client.post("/borealis/verify", data={**GOOD, "confirm_move": "y"})
    assert response.status_code == 302
    assert residence_of(app, "ana") == "borealis"
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEvent.action)))
        assert {"residence.move", "residence.verify"} <= actions


def test_city_without_census_says_so(app, logged_in) -> None:
    client = logged_in("ana", city="cenit", locale="en")
    page = client.get("/cenit/verify", headers=EN)
    assert page.status_code == 200
    assert "has not uploaded its census" in page.get_data(as_text=True)
    assert client.post("/cenit/verify", data=GOOD, headers=EN).status_code == 409
