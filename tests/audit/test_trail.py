"""The audit trail pages: per space for its administrators, every space for the deployment's;
filters, pagination, object links, CSV export, and no way to change or delete an event."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, insert, select

from decide.accounts.models import User
from decide.audit.models import AuditEvent
from decide.audit.services import record
from decide.extensions import db
from tests.admin.helpers import EN, admin_client, space


def _event(app, where: str, action: str, actor: str | None = None, when: datetime | None = None,
           **data) -> int:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == actor)) if actor else None
        event = record(user, space(where).id, action, object_type=data.pop("object_type", None),
                       object_id=data.pop("object_id", None), **data)
        if when is not None:
            event.created_at = when
        db.session.commit()
        return event.id


def test_space_trail_shows_its_events_only(app, logged_in) -> None:
    client = admin_client(logged_in)
    client.post("/aurora/admin/settings", data={"setting-support_threshold": "750"})
    _event(app, "borealis", "admin.setting", key="census_size", before=1, after=2)
    html = client.get("/aurora/admin/audit", headers=EN).get_data(as_text=True)
    assert "admin.setting" in html and "support_threshold" in html
    assert '<span class="change change--old">500</span>' in html
    assert '<span class="change change--new">750</span>' in html
    assert "census_size" not in html  # borealis' event
    assert 'href="/users/boss"' in html
    # Times in the space's time zone (Madrid), as a machine-readable <time>.
    assert 'datetime="' in html and ("+01:00" in html or "+02:00" in html)


def test_filters(app, logged_in, make_user) -> None:
    make_user("ed")
    client = admin_client(logged_in)
    now = datetime.now(UTC)
    _event(app, "aurora", "admin.modules", "boss", before=["a"], after=["b"])
    _event(app, "aurora", "admin.theme", "ed", before={"primary": "#000000"},
           after={"primary": "#111111"})
    _event(app, "aurora", "admin.theme", "boss", when=now - timedelta(days=40),
           before="old", after="older")

    def shown(query: str) -> str:
        response = client.get(f"/aurora/admin/audit?{query}", headers=EN)
        assert response.status_code == 200, query
        return response.get_data(as_text=True)

    html = shown("action=admin.theme")
    assert "#111111" in html and "older" in html and "admin.modules</code>" not in html
    html = shown("actor=ED")
    assert "#111111" in html and "older" not in html and "admin.modules</code>" not in html
    since = (now - timedelta(days=2)).date().isoformat()
    html = shown(f"action=admin.theme&since={since}")
    assert "#111111" in html and "older" not in html
    until = (now - timedelta(days=30)).date().isoformat()
    html = shown(f"until={until}")
    assert "older" in html and "#111111" not in html
    html = shown("object_type=space")
    assert "empty-state" in html or "No event matches" in html
    response = client.get("/aurora/admin/audit?since=yesterday", headers=EN)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Enter a date like 2026-03-31." in html and 'value="yesterday"' in html


def test_objects_are_linked_while_they_exist(app, logged_in, make_user) -> None:
    bea = make_user("bea")
    client = admin_client(logged_in)
    _event(app, "aurora", "admin.role_grant", "boss", object_type="user", object_id=bea,
           before=None, after={"role": "moderator"})
    _event(app, "aurora", "admin.geozone_delete", "boss", object_type="geozone",
           object_id=999_999, before={"slug": "x"}, after=None)
    html = client.get("/aurora/admin/audit", headers=EN).get_data(as_text=True)
    assert f'<a href="/users/bea">user #{bea}</a>' in html
    assert "geozone #999999" in html and 'href="/aurora/admin/geozones#geozone-999999"' not in html


def test_pagination(app, logged_in) -> None:
    client = admin_client(logged_in)
    with app.app_context():
        aurora_id = space("aurora").id
        now = datetime.now(UTC)
        db.session.execute(insert(AuditEvent), [
            {"space_id": aurora_id, "action": "bulk.event", "data": {"n": n},
             "created_at": now - timedelta(minutes=n)} for n in range(120)])
        db.session.commit()
    first = client.get("/aurora/admin/audit", headers=EN).get_data(as_text=True)
    assert "n: 0<" in first and "n: 49<" in first and "n: 50<" not in first
    assert "Page 1 of 3" in first and "120 events" in first
    third = client.get("/aurora/admin/audit?page=3", headers=EN).get_data(as_text=True)
    assert "n: 119<" in third and "n: 99<" not in third
    assert client.get("/aurora/admin/audit?page=x").status_code == 400


def test_page_queries_are_bounded(app, logged_in, count_queries, make_user) -> None:
    client = admin_client(logged_in)
    users = [make_user(f"u{n}") for n in range(5)]

    def page_queries() -> int:
        with count_queries() as counter:
            assert client.get("/aurora/admin/audit").status_code == 200
        return counter.count

    for n in range(3):
        _event(app, "aurora", "admin.role_grant", "boss", object_type="user",
               object_id=users[n], before=None, after={"role": "moderator"})
    few = page_queries()
    for n in range(40):
        _event(app, "aurora", "admin.role_grant", f"u{n % 5}", object_type="user",
               object_id=users[n % 5], before=None, after={"role": "valuator"})
        _event(app, "aurora", "admin.setting", f"u{n % 5}", key="census_size", before=n,
               after=n + 1)
    assert page_queries() == few


def test_csv_export_uses_the_filters(app, logged_in) -> None:
    client = admin_client(logged_in)
    client.post("/aurora/admin/settings", data={"setting-support_threshold": "750"})
    _event(app, "aurora", "admin.theme", "boss", before={"primary": "#000000"},
           after={"primary": "#111111"})
    _event(app, "aurora", "admin.theme", "boss", before="=HYPERLINK(1)", after="x")
    _event(app, "borealis", "admin.setting", key="census_size", before=1, after=2)
    response = client.get("/aurora/admin/audit.csv?action=admin.setting")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 1
    row = rows[0]
    assert (row["space"], row["actor"], row["action"]) == ("aurora", "boss", "admin.setting")
    assert (row["before"], row["after"]) == ("500", "750")
    assert '"key": "support_threshold"' in row["details"]
    everything = list(csv.DictReader(io.StringIO(
        client.get("/aurora/admin/audit.csv").get_data(as_text=True))))
    assert len(everything) == 3
    # A value a spreadsheet would run as a formula is written as text.
    assert "'=HYPERLINK(1)" in {r["before"] for r in everything}
    assert client.get("/aurora/admin/audit.csv?until=31-12-2026").status_code == 400


def test_deployment_trail_sees_every_space(app, logged_in) -> None:
    _event(app, "aurora", "admin.modules", before=["a"], after=["b"])
    _event(app, "borealis", "admin.setting", key="census_size", before=1, after=2)
    client = logged_in("root", deployment_admin=True, locale="en")
    html = client.get("/admin/audit", headers=EN).get_data(as_text=True)
    assert "admin.modules" in html and "census_size" in html
    assert 'href="/aurora/admin/audit"' in html and 'href="/borealis/admin/audit"' in html
    with app.app_context():
        borealis_id = space("borealis").id
    html = client.get(f"/admin/audit?space={borealis_id}", headers=EN).get_data(as_text=True)
    assert "census_size" in html and "admin.modules</code>" not in html
    rows = list(csv.DictReader(io.StringIO(client.get("/admin/audit.csv").get_data(
        as_text=True))))
    assert {r["space"] for r in rows} == {"aurora", "borealis"}


def test_the_trail_cannot_be_changed_through_the_app(app, logged_in) -> None:
    client = admin_client(logged_in)
    event_id = _event(app, "aurora", "admin.modules", "boss", before=["a"], after=["b"])
    for path in ("/aurora/admin/audit", "/aurora/admin/audit.csv"):
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            assert client.open(path, method=method).status_code == 405, (path, method)
    for path in (f"/aurora/admin/audit/{event_id}", f"/aurora/admin/audit/{event_id}/delete"):
        assert client.post(path).status_code in (404, 405)
    # No route of the app accepts anything but reading for the trail.
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("audit."):
            assert set(rule.methods or ()) <= {"GET", "HEAD", "OPTIONS"}, rule
    with app.app_context():
        assert db.session.scalar(select(func.count(AuditEvent.id))) == 1
