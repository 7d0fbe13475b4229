"""One date style across the site: medium date and short time, in the reader's language and
the time zone of the space the item belongs to, inside a <time> element."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from flask_babel import force_locale

import decide.core.db
from decide.core.templating import when, when_text

# 23:18 in UTC on the 29th is already the 30th in Madrid (Aurora's time zone, UTC+1 in November).
MOMENT = datetime(2026, 11, 29, 23, 18, tzinfo=UTC)


def plain(text: str) -> str:
    """Babel puts narrow no-break spaces before AM/PM; compare with plain spaces."""
    return re.sub(r"\s", " ", text)


@pytest.mark.parametrize(("locale", "expected"), [
    ("es", "30 nov 2026, 0:18"),
    ("en", "Nov 30, 2026, 12:18 AM"),
    ("pt_BR", "30 de nov. de 2026 00:18"),
])
def test_medium_date_and_short_time_in_the_space_time_zone(app, locale, expected) -> None:
    with app.test_request_context(), force_locale(locale):
        assert plain(when_text(MOMENT, timezone="Europe/Madrid")) == expected
        # Naive values are UTC, as the database stores them.
        naive = MOMENT.replace(tzinfo=None)
        assert plain(when_text(naive, timezone="Europe/Madrid")) == expected


def test_time_element_and_date_only(app) -> None:
    with app.test_request_context(), force_locale("es"):
        html = str(when(MOMENT, timezone="America/Sao_Paulo"))
        assert html == '<time datetime="2026-11-29T20:18-03:00">29 nov 2026, 20:18</time>'
        assert str(when(MOMENT, timezone="Europe/Madrid", date_only=True)) == (
            '<time datetime="2026-11-30">30 nov 2026</time>')
        assert str(when(date(2018, 7, 16))) == '<time datetime="2018-07-16">16 jul 2018</time>'
        assert str(when(None)) == ""


def test_space_argument_and_current_space(app) -> None:
    from flask import g

    from decide.cities.queries import city_by_slug

    with app.test_request_context(), force_locale("es"):
        borealis = city_by_slug("borealis")
        assert plain(when_text(MOMENT, borealis)) == "29 nov 2026, 20:18"
        g.space = city_by_slug("aurora")
        assert plain(when_text(MOMENT)) == "30 nov 2026, 0:18"
        # An explicit space wins over the current one.
        assert plain(when_text(MOMENT, borealis)) == "29 nov 2026, 20:18"


@pytest.fixture
def frozen_clock(monkeypatch):
    """Everything the services stamp happens at MOMENT."""

    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):  # noqa: ANN001, ANN206 - mirrors datetime.now
            return MOMENT if tz is None else MOMENT.astimezone(tz)

    monkeypatch.setattr(decide.core.db, "datetime", Clock)


def test_debate_comments_and_profile_agree(app, client, make_user, frozen_clock) -> None:
    from tests.debates.helpers import new_comment, new_debate

    # The author lives in Borealis (UTC-3): their own time zone must not move the debate.
    make_user("rosa", city="borealis", locale="es")
    debate_id = new_debate(app, author="rosa", where="aurora")
    new_comment(app, debate_id, author="rosa", body="Primero las plazas de las escuelas.")
    expected = '<time datetime="2026-11-30T00:18+01:00">30 nov 2026, 0:18</time>'

    headers = {"Accept-Language": "es"}
    debate_page = client.get(f"/aurora/debates/{debate_id}", headers=headers)
    html = debate_page.get_data(as_text=True)
    assert html.count(expected) >= 2, "the debate and its comment show the same date"
    assert "30/11/26" not in html

    listing = client.get("/aurora/debates/", headers=headers).get_data(as_text=True)
    assert '<time datetime="2026-11-30T00:18+01:00">' in listing

    profile = client.get("/users/rosa", headers=headers).get_data(as_text=True)
    assert expected in profile, "the profile uses the debate's space's time zone"
    assert 'datetime="2026-11-29T' not in profile
    # "Member since" belongs to no space: the person's home city (Borealis, UTC-3) decides.
    assert 'Miembro desde <time datetime="2026-11-29">29 nov 2026</time>' in profile
