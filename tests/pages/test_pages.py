"""Landing page, alliance list, space pages, theme and the dev mailbox."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from decide import create_app
from decide.cities.models import AllianceMembership, City
from decide.extensions import db
from tests.conftest import make_config


def test_landing_lists_cities_and_alliances(client) -> None:
    html = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    for name in ("Aurora", "Borealis", "Cenit", "Test pact"):
        assert name in html
    assert "Spain" in html and "Brazil" in html and "Uruguay" in html
    assert "Adequate housing" in html and "Climate action" in html
    assert 'href="/aurora/"' in html and 'href="/alliances/pact/"' in html


def test_landing_in_three_languages(client) -> None:
    pages = {loc: client.get("/", headers={"Accept-Language": loc}).get_data(as_text=True)
             for loc in ("es", "en", "pt-BR")}
    assert "España" in pages["es"] and "Spain" in pages["en"] and "Espanha" in pages["pt-BR"]
    assert len({p.split("<h1>")[1].split("</h1>")[0] for p in pages.values()}) == 3


def test_city_page_is_themed(client) -> None:
    html = client.get("/aurora/").get_data(as_text=True)
    assert 'href="/aurora/theme.css?v=' in html and "/aurora/logo.svg?v=" in html
    css = client.get("/aurora/theme.css").get_data(as_text=True)
    assert "--brand: #b91c1c" in css and "--brand-text: #ffffff" in css
    # Light colours get dark text for contrast.
    css = client.get("/borealis/theme.css").get_data(as_text=True)
    assert "--accent: #facc15" in css and "--accent-text: #111827" in css
    svg = client.get("/aurora/logo.svg")
    assert svg.mimetype == "image/svg+xml" and b"#b91c1c" in svg.data


def test_space_home_shows_enabled_modules_only(client) -> None:
    from decide.cities.queries import city_by_slug
    from decide.extensions import db

    html = client.get("/borealis/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "No debates in Borealis yet" in html and "/borealis/debates/" in html
    with client.application.app_context():
        city_by_slug("borealis").modules = []
        db.session.commit()
    html = client.get("/borealis/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "No debates in Borealis yet" not in html and "/borealis/debates/" not in html
    assert "no participation sections enabled yet" in html
    html = client.get("/aurora/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Norte" in html and "Sur" in html and "Test pact" in html


def test_alliance_page_lists_members(client) -> None:
    html = client.get("/alliances/pact/", headers={"Accept-Language": "en"}).get_data(
        as_text=True)
    assert "Aurora" in html and "Borealis" in html and "Leader" in html
    assert "Sustainable cities and communities" in html
    assert client.get("/alliances/aurora/").status_code == 404
    assert client.get("/pact/").status_code == 404


def test_participation_status(logged_in, client) -> None:
    logged_in("ana", city="aurora", verified=True, locale="en")
    html = client.get("/alliances/pact/", headers={"Accept-Language": "en"}).get_data(
        as_text=True)
    assert "verified resident of Aurora" in html
    html = client.get("/cenit/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "need a verified residence in Cenit" in html


def test_dev_mailbox_only_in_debug(tmp_path: Path, app, client) -> None:
    assert client.get("/dev/mail").status_code == 404
    debug = create_app(make_config(tmp_path, DEBUG=True,
                                   DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"]))
    debug.debug = True
    assert debug.test_client().get("/dev/mail").status_code == 200


def test_pages_use_bounded_queries(app, client, count_queries) -> None:
    """The landing and space pages run the same number of queries with 3 or 40 cities."""
    urls = ("/", "/alliances/", "/alliances/pact/", "/aurora/")

    def counts() -> list[int]:
        result = []
        for url in urls:
            with count_queries() as counter:
                assert client.get(url).status_code == 200
            result.append(counter.count)
        return result

    before = counts()
    with app.app_context():
        pact_id = db.session.scalar(select(City.id).where(City.slug == "aurora"))
        from decide.cities.models import Alliance

        pact = db.session.scalar(select(Alliance).where(Alliance.slug == "pact"))
        for n in range(40):
            city = City(slug=f"extra-{n}", names={"es": f"Extra {n}"}, default_locale="es",
                        locales=["es"], timezone="UTC", currency="EUR", country="PE",
                        modules=["debates"], theme={}, settings={})
            db.session.add(city)
            pact.memberships.append(AllianceMembership(city=city, role="member"))
        db.session.commit()
        assert pact_id
    after = counts()
    assert before == after, dict(zip(urls, zip(before, after, strict=True), strict=True))
    assert max(after) <= 12  # space pages: 5, two per module section (3 in the pact), budgets 1
