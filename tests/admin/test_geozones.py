"""A city's geozones: create, rename, reorder, delete (refused while anything uses one);
managed here from the first change, so `config load` no longer rewrites them."""

from __future__ import annotations

from sqlalchemy import select, update

from decide.cities.models import Geozone
from decide.cities.services import load_config
from decide.debates.models import Debate
from decide.extensions import db
from tests.admin.helpers import EN, admin_client, events, space
from tests.conftest import FIXTURE_CONFIG
from tests.debates.helpers import new_debate


def _zones(app, slug: str = "aurora") -> list[tuple[str, str]]:
    with app.app_context():
        city = space(slug)
        return [(z.slug, z.name) for z in db.session.scalars(
            select(Geozone).where(Geozone.space_id == city.id).order_by(Geozone.position))]


def _zone_id(app, slug: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Geozone.id).where(Geozone.slug == slug,
                                                          Geozone.space_id == space("aurora").id))


def test_create_rename_reorder_and_keep_after_load(app, logged_in) -> None:
    client = admin_client(logged_in)
    assert client.post("/aurora/admin/geozones", data={"name": "Centro", "slug": "centro"}
                       ).status_code == 303
    norte = _zone_id(app, "norte")
    assert client.post(f"/aurora/admin/geozones/{norte}/rename",
                       data={"name": "Norte alto"}).status_code == 303
    centro = _zone_id(app, "centro")
    assert client.post(f"/aurora/admin/geozones/{centro}/move",
                       data={"direction": "up"}).status_code == 303
    assert _zones(app) == [("norte", "Norte alto"), ("centro", "Centro"), ("sur", "Sur")]
    with app.app_context():
        load_config(FIXTURE_CONFIG / "cities", FIXTURE_CONFIG / "alliances")
    assert _zones(app) == [("norte", "Norte alto"), ("centro", "Centro"), ("sur", "Sur")]
    assert [e["data"]["after"] for e in events(app, "admin.geozone_rename")] == ["Norte alto"]
    assert len(events(app, "admin.geozone_create")) == 1
    assert len(events(app, "admin.geozone_move")) == 1
    html = client.get("/aurora/admin/geozones", headers=EN).get_data(as_text=True)
    assert "the configuration file's list is no longer applied" in html


def test_bad_geozone_input_keeps_form(app, logged_in) -> None:
    client = admin_client(logged_in)
    response = client.post("/aurora/admin/geozones", headers=EN,
                           data={"name": "Otra", "slug": "norte"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "has this short name" in html
    assert 'value="Otra"' in html
    response = client.post("/aurora/admin/geozones", headers=EN,
                           data={"name": "Otra", "slug": "Not A Slug"})
    assert response.status_code == 400 and "lowercase letters" in response.get_data(as_text=True)
    response = client.post(f"/aurora/admin/geozones/{_zone_id(app, 'sur')}/rename",
                           headers=EN, data={"name": ""})
    assert response.status_code == 400 and 'aria-invalid="true"' in response.get_data(
        as_text=True)
    assert _zones(app) == [("norte", "Norte"), ("sur", "Sur")]


def test_delete_refused_while_content_uses_it(app, logged_in) -> None:
    client = admin_client(logged_in)
    debate_id = new_debate(app, author="boss")
    sur = _zone_id(app, "sur")
    with app.app_context():
        db.session.execute(update(Debate).where(Debate.id == debate_id).values(geozone_id=sur))
        db.session.commit()
    page = client.get(f"/aurora/admin/geozones/{sur}/delete", headers=EN)
    assert "cannot be deleted: 1 published items" in page.get_data(as_text=True)
    response = client.post(f"/aurora/admin/geozones/{sur}/delete", headers=EN)
    assert response.status_code == 409
    assert "cannot be deleted" in response.get_data(as_text=True)
    assert ("sur", "Sur") in _zones(app)
    norte = _zone_id(app, "norte")
    assert client.post(f"/aurora/admin/geozones/{norte}/delete").status_code == 303
    assert _zones(app) == [("sur", "Sur")]
    [event] = events(app, "admin.geozone_delete")
    assert event["data"]["before"] == {"slug": "norte", "name": "Norte"}


def test_alliances_have_no_geozones(logged_in) -> None:
    client = logged_in("sec", roles=[("alliance", "pact", "administrator")])
    assert client.get("/alliances/pact/admin/geozones").status_code == 404
