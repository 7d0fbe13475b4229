"""What every page pays for: the session, the space, translations, list links. Each shortcut
must give what the long way gives."""

from __future__ import annotations

from types import SimpleNamespace

from flask import render_template_string, url_for
from flask_babel import force_locale, gettext

from decide.cities.template_helpers import country_name
from decide.listings.queries import Filters


def _from(statements: list[str], table: str) -> list[str]:
    return [s for s in statements if f"FROM {table}" in s]


def test_filter_links_are_those_url_for_builds(app) -> None:
    with app.test_request_context("/aurora/debates/"):
        app.preprocess_request()  # the space, as a request resolves it
        tag = SimpleNamespace(slug="clima-ñ", id=1)
        filters = Filters(order="top", tag=tag, query="vivienda digna & co/2?", status="open")
        changes: list[dict[str, object]] = [
            {}, {"order": "new"}, {"tag": None}, {"q": None}, {"geozone": "centro histórico"},
            {"tag": None, "geozone": None, "q": None, "status": None}, {"status": "a+b"},
            {"page": 2},  # not a filter argument: built by url_for itself
        ]
        for change in changes:
            expected = url_for("debates.index", **filters.args(**change))
            assert filters.url("debates.index", **change) == expected, change
        # Another endpoint of the same request gets its own path.
        assert filters.url("proposals.index") == url_for("proposals.index", order="top",
                                                         tag="clima-ñ", q=filters.query,
                                                         status="open")
        assert filters.url("debates.index").startswith("/aurora/debates/?order=top&tag=")


def test_templates_translate_in_the_locale_forced_for_a_moment(app) -> None:
    template = ("{{ _('Sign in') }}|"
                "{{ ngettext('%(num)d member city', '%(num)d member cities', 2) }}")
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        english = render_template_string(template)
        assert english == "Sign in|2 member cities"
        with force_locale("es"):
            spanish = render_template_string(template)
            expected = gettext("Sign in")
        assert spanish.split("|")[0] == expected != "Sign in"
        assert render_template_string(template) == english  # back to the reader's language


def test_country_names_follow_the_language(app) -> None:
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert country_name("ES") == "Spain"
        with force_locale("es"):
            assert country_name("ES") == "España"
        assert country_name("ES") == "Spain"
        assert country_name(None) == "" and country_name("QQ") == "QQ"


def test_signed_in_person_is_loaded_with_one_query(app, logged_in, count_queries) -> None:
    client = logged_in("ana", city="aurora", verified=True, locale="en",
                       roles=[("city", "aurora", "administrator"),
                              ("alliance", "pact", "secretariat")])
    with count_queries() as counter:
        html = client.get("/aurora/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    # Session, account, roles with their spaces and the residence with its city: one query.
    assert len(_from(counter.statements, "user_sessions")) == 1
    assert not _from(counter.statements, "role_assignments")
    assert not _from(counter.statements, "residences")
    # What they are read for still shows: the administration link, the residence.
    assert 'href="/aurora/admin/"' in html
    assert "verified resident of Aurora" in html
    # Eligibility in the alliance the residence city belongs to (its memberships, loaded
    # when first needed).
    html = client.get("/alliances/pact/", headers={"Accept-Language": "en"}).get_data(
        as_text=True)
    assert "verified resident of Aurora" in html
    assert 'href="/alliances/pact/admin/"' in html  # secretariat sees the administration


def test_landing_page_reads_each_space_once(client, count_queries) -> None:
    with count_queries() as counter:
        html = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert len(_from(counter.statements, "spaces")) == 1
    assert len(_from(counter.statements, "alliance_memberships")) <= 2
    for name in ("Aurora", "Borealis", "Test pact"):
        assert name in html
    # Aurora and Borealis are the pact's members, shown on its card and counted on theirs.
    assert "2 member cities" in html and "Member of 1 alliance" in html


def test_space_is_loaded_with_its_own_columns(client, count_queries) -> None:
    with count_queries() as counter:
        html = client.get("/aurora/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    # The city's country comes with the space: no second query for the same row.
    own = [s for s in _from(counter.statements, "spaces") if "spaces.slug = " in s]
    assert len(own) == 1 and "spaces.country" in own[0]
    assert not [s for s in _from(counter.statements, "spaces") if "spaces.id = " in s]
    assert "Spain" in html
    with count_queries() as counter:
        html = client.get("/alliances/pact/", headers={"Accept-Language": "en"}).get_data(
            as_text=True)
    own = [s for s in _from(counter.statements, "spaces") if "spaces.slug = " in s]
    assert len(own) == 1 and "spaces.themes" in own[0]
    assert "Operative" in html or "operative" in html.lower()



def test_dates_read_as_babel_writes_them_in_each_language_and_zone(app) -> None:
    from datetime import UTC, date, datetime
    from zoneinfo import ZoneInfo

    from babel import dates

    from decide.core.templating import when, when_text

    moments = [datetime(2026, 11, 30, 0, 18), datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
               datetime(2025, 12, 31, 23, 59)]
    for locale, accept in (("es", "es"), ("en", "en"), ("pt_BR", "pt-BR")):
        with app.test_request_context("/", headers={"Accept-Language": accept}):
            for zone in ("Europe/Madrid", "America/Sao_Paulo", "Asia/Kolkata"):
                for moment in moments:
                    local = moment.replace(tzinfo=moment.tzinfo or UTC).astimezone(
                        ZoneInfo(zone))
                    day = dates.format_date(local.date(), "medium", locale=locale)
                    time = dates.format_time(local, "short", tzinfo=local.tzinfo,
                                             locale=locale)
                    expected = dates.get_datetime_format("medium", locale=locale).format(
                        time, day)
                    assert when_text(moment, timezone=zone) == expected
                    assert when_text(moment, timezone=zone, date_only=True) == day
                    assert when(moment, timezone=zone) == (
                        f'<time datetime="{local.isoformat(timespec="minutes")}">'
                        f'{expected}</time>')
            day = date(2026, 2, 1)
            assert when(day) == f'<time datetime="2026-02-01">' \
                f'{dates.format_date(day, "medium", locale=locale)}</time>'
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert when_text(date(2026, 2, 1)) == "Feb 1, 2026"
        assert when(None) == ""
