"""The admin pages run the same number of queries whatever the number of overrides, their
authors, geozones and roles."""

from __future__ import annotations

from sqlalchemy import select

from decide.accounts.models import User
from decide.cities.models import Geozone
from decide.extensions import db
from tests.admin.helpers import admin_client, space

PAGES = ("/aurora/admin/", "/aurora/admin/settings", "/aurora/admin/modules",
         "/aurora/admin/theme", "/aurora/admin/geozones", "/aurora/admin/roles")


def test_admin_pages_are_bounded(app, logged_in, make_user, count_queries) -> None:
    client = admin_client(logged_in)

    def counts() -> list[int]:
        result = []
        for url in PAGES:
            with count_queries() as counter:
                assert client.get(url).status_code == 200, url
            result.append(counter.count)
        return result

    # One override first: its author is then read (one query, whatever their number).
    client.post("/aurora/admin/settings", data={"setting-support_threshold": "600"})
    before = counts()
    keys = ["support_threshold", "comment_max_length", "months_to_archive", "census_size"]
    for n in range(len(keys)):
        make_user(f"admin{n}", roles=[("city", "aurora", "administrator"),
                                      ("city", "aurora", "moderator")])
    with app.app_context():
        aurora = space("aurora")
        ids = db.session.scalars(select(User.id).where(User.username.like("admin%"))).all()
        aurora.overrides = {f"settings.{key}": {"value": 50, "by": ids[n % len(ids)],
                                                "at": "2026-11-30T03:00:00+00:00"}
                            for n, key in enumerate(keys)}
        for n in range(30):
            db.session.add(Geozone(space_id=aurora.id, slug=f"zone-{n}", name=f"Zone {n}",
                                   position=10 + n))
        db.session.commit()
    after = counts()
    assert before == after, dict(zip(PAGES, zip(before, after, strict=True), strict=True))
