"""The deployment administrator creates cities and alliances in the browser; the configuration
loader leaves them alone."""

from __future__ import annotations

import shutil
from typing import Any

import pytest
from sqlalchemy import func, select

from decide.accounts.models import RoleAssignment
from decide.cities.models import Space, SpaceCreation
from decide.cities.services import load_config
from decide.extensions import db
from tests.admin.helpers import EN, events, space
from tests.conftest import FIXTURE_CONFIG, login

CITY = {
    "slug": "nova", "name_es": "Nova", "name_en": "Nova", "name_pt_BR": "",
    "locales": ["es", "en"], "default_locale": "es", "timezone": "America/Sao_Paulo",
    "currency": "brl", "country": "br", "modules": ["debates", "proposals"],
    "primary": "#1F4E8C", "secondary": "", "administrator": "mayor",
}
ALLIANCE = {
    "slug": "coast", "name_en": "Coast network", "locales": ["en"], "default_locale": "en",
    "timezone": "Europe/Lisbon", "currency": "EUR", "alliance_kind": "network",
    "themes": ["climate"], "modules": ["proposals"], "administrator": "mayor",
}


def _spaces_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Space.id)))


@pytest.fixture
def root(logged_in, make_user) -> Any:
    make_user("mayor", city="cenit", locale="en")
    return logged_in("root", deployment_admin=True, locale="en")


def test_create_city_then_it_works(app, root) -> None:
    page = root.get("/admin/spaces", headers=EN).get_data(as_text=True)
    assert "Aurora" in page and "Create a city" in page
    assert root.get("/admin/spaces/new/city", headers=EN).status_code == 200
    response = root.post("/admin/spaces/new/city", data=CITY, headers=EN)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/nova/")
    home = root.get("/nova/", headers=EN)
    assert home.status_code == 200 and "Nova" in home.get_data(as_text=True)
    with app.app_context():
        nova = space("nova")
        assert (nova.country, nova.currency, nova.timezone) == ("BR", "BRL", "America/Sao_Paulo")
        assert nova.locales == ["es", "en"] and nova.modules == ["debates", "proposals"]
        assert nova.theme == {"primary": "#1f4e8c"}
        assert nova.names == {"es": "Nova", "en": "Nova"}
        holders = db.session.scalars(select(RoleAssignment).where(
            RoleAssignment.space_id == nova.id)).all()
        assert [(a.user.username, a.role) for a in holders] == [("mayor", "administrator")]
        assert db.session.get(SpaceCreation, nova.id) is not None
    created = events(app, "space.create")
    assert created[0]["actor"] == "root" and created[0]["space"] == "nova"
    assert created[0]["data"]["administrator"] == "mayor"
    assert events(app, "admin.role_grant")[0]["space"] == "nova"
    # The first administrator runs it; the deployment's list shows where it came from.
    assert "Created here" in root.get("/admin/spaces", headers=EN).get_data(as_text=True)
    root.post("/accounts/logout")
    login(root, "mayor")
    assert root.get("/nova/admin/", headers=EN).status_code == 200
    assert root.get("/nova/admin/settings", headers=EN).status_code == 200


def test_create_alliance(app, root) -> None:
    response = root.post("/admin/spaces/new/alliance", data=ALLIANCE, headers=EN)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/alliances/coast/")
    page = root.get("/alliances/coast/", headers=EN).get_data(as_text=True)
    assert "Coast network" in page
    with app.app_context():
        coast = space("coast", "alliance")
        assert (coast.alliance_kind, coast.themes) == ("network", ["climate"])
    # Its administrator can invite cities straight away.
    root.post("/accounts/logout")
    login(root, "mayor")
    assert "Aurora" in root.get("/alliances/coast/admin/members",
                                headers=EN).get_data(as_text=True)


@pytest.mark.parametrize(("changes", "field", "message", "status"), [
    ({"slug": "Bad Slug"}, "slug", "lowercase letters, digits and hyphens", 400),
    ({"slug": "admin"}, "slug", "used by the application", 400),
    ({"slug": "aurora"}, "slug", "already uses this address", 409),
    ({"timezone": "Mars/Olympus"}, "timezone", "Unknown time zone", 400),
    ({"currency": "XXQ"}, "currency", "Unknown currency", 400),
    ({"country": "ZZ"}, "country", "Unknown country", 400),
    ({"country": "XY"}, "country", "Unknown country", 400),
    ({"administrator": "ghost"}, "administrator", "No account has this username", 404),
    ({"default_locale": "pt_BR"}, "default_locale", "must be one of the chosen", 400),
    ({"locales": []}, "locales", "Choose at least one", 400),
    ({"name_es": "", "name_en": ""}, "name_es", "a name in at least one language", 400),
    ({"primary": "red"}, "primary", "colour like #1a2b3c", 400),
    ({"modules": ["nonsense"]}, "modules", "Choose modules from the list", 400),
    ({"timezone": ""}, "timezone", "This field is required", 400),
])
def test_bad_input_keeps_the_form(app, root, changes, field, message, status) -> None:
    before = _spaces_count(app)
    data = {**CITY, **changes, "slug": changes.get("slug", "nova")}
    response = root.post("/admin/spaces/new/city", data=data, headers=EN)
    assert response.status_code == status
    page = response.get_data(as_text=True)
    assert message in page
    assert f'id="{field}"' in page and 'aria-invalid="true"' in page or field in (
        "locales", "modules")
    # What was typed stays.
    assert 'value="America/Sao_Paulo"' in page or field == "timezone"
    assert _spaces_count(app) == before
    with app.app_context():
        assert db.session.scalar(select(func.count(SpaceCreation.space_id))) == 0
    assert events(app, "space.create") == []


def test_bad_alliance_input(app, root) -> None:
    before = _spaces_count(app)
    response = root.post("/admin/spaces/new/alliance", data={**ALLIANCE, "themes": []},
                         headers=EN)
    assert response.status_code == 400
    assert "Choose at least one theme" in response.get_data(as_text=True)
    response = root.post("/admin/spaces/new/alliance",
                         data={**ALLIANCE, "alliance_kind": "empire"}, headers=EN)
    assert response.status_code == 400
    assert "Choose a kind of alliance" in response.get_data(as_text=True)
    # An alliance may share a city's address: it lives under /alliances/.
    response = root.post("/admin/spaces/new/alliance", data={**ALLIANCE, "slug": "admin"},
                         headers=EN)
    assert response.status_code == 303
    assert _spaces_count(app) == before + 1


def test_only_the_deployment_administrator(app, logged_in, client) -> None:
    for path in ("/admin/spaces", "/admin/spaces/new/city", "/admin/spaces/new/alliance"):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login" in response.headers["Location"]
    logged_in("boss", roles=[("city", "aurora", "administrator")])
    for path in ("/admin/spaces", "/admin/spaces/new/city", "/admin/spaces/new/alliance"):
        assert client.get(path).status_code == 403
    before = _spaces_count(app)
    assert client.post("/admin/spaces/new/city",
                       data={**CITY, "administrator": "boss"}).status_code == 403
    assert client.get("/admin/spaces/new/village").status_code == 404
    assert _spaces_count(app) == before


def test_config_load_leaves_browser_spaces_alone(app, root, tmp_path) -> None:
    assert root.post("/admin/spaces/new/city", data=CITY).status_code == 303
    assert root.post("/admin/spaces/new/alliance", data=ALLIANCE).status_code == 303
    cities, alliances = tmp_path / "cities", tmp_path / "alliances"
    shutil.copytree(FIXTURE_CONFIG / "cities", cities)
    shutil.copytree(FIXTURE_CONFIG / "alliances", alliances)
    # A file that later takes the browser city's address is ignored, and an alliance file may
    # name the browser city as a member.
    (cities / "nova.toml").write_text((cities / "cenit.toml").read_text()
                                      .replace('"Cenit"', '"File Nova"'))
    pact = alliances / "pact.toml"
    pact.write_text(pact.read_text().replace('{ city = "borealis" }',
                                             '{ city = "borealis" }, { city = "nova" }'))
    with app.app_context():
        report = load_config(cities, alliances, retire_missing=True)
        assert report.browser_managed == ["nova"]
        assert report.without_file == [] and report.retired == []
        nova = space("nova")
        assert nova.names == {"es": "Nova", "en": "Nova"} and nova.country == "BR"
        assert space("coast", "alliance") is not None
        assert [m.city.slug for m in space("pact", "alliance").memberships] == [
            "aurora", "borealis", "nova"]
        # Loading the fixture files again (without nova) keeps both too.
        report = load_config(FIXTURE_CONFIG / "cities", FIXTURE_CONFIG / "alliances",
                             retire_missing=True)
        assert report.retired == []
        assert space("nova") is not None and space("coast", "alliance") is not None


def test_spaces_list_runs_bounded_queries(app, root, count_queries) -> None:
    with count_queries() as counter:
        assert root.get("/admin/spaces").status_code == 200
    few = counter.count
    for index in range(4):
        data = {**CITY, "slug": f"nova-{index}"}
        assert root.post("/admin/spaces/new/city", data=data).status_code == 303
    with count_queries() as counter:
        assert root.get("/admin/spaces").status_code == 200
    assert counter.count == few
