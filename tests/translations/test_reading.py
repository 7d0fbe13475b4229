"""Readers get their language when a translation is published, else the original and a note."""

from __future__ import annotations

from flask import g
from sqlalchemy import select, update

from decide.core.db import utcnow
from decide.debates.models import Debate
from decide.extensions import db
from decide.translations.queries import localized, prefetch_translations
from tests.debates.helpers import new_debate, space
from tests.translations.helpers import ENGLISH, SPANISH, review, suggest


def _read(app, debate_id: int, language: str):
    with app.test_request_context(headers={"Accept-Language": language}):
        g.space = space("aurora")
        return localized(db.session.get(Debate, debate_id))


def test_the_original_with_a_plain_note_in_the_readers_language(app, make_user) -> None:
    make_user("ana")
    debate = new_debate(app, locale="es", **SPANISH)
    english = _read(app, debate, "en")
    assert english.is_original and english.original_locale == "es" and english.lang == "es"
    assert english.title == SPANISH["title"]
    assert "<strong>árboles</strong>" in english.description_html
    assert english.note == "Originally written in Spanish."
    assert "espanhol" in _read(app, debate, "pt-BR").note  # the name in the reader's language
    assert _read(app, debate, "es").note == ""  # nothing to say in the original language


def test_a_published_translation_replaces_the_text_and_says_so(app, make_user) -> None:
    make_user("ana")
    make_user("bea")
    debate = new_debate(app, locale="es", **SPANISH)
    waiting = suggest(app, debate)
    assert _read(app, debate, "en").is_original  # suggestions are not shown
    review(app, waiting, "ana")
    english = _read(app, debate, "en")
    assert not english.is_original and english.lang == "en"
    assert english.title == ENGLISH["title"] and "<strong>trees</strong>" in \
        english.description_html
    assert english.original["title"] == SPANISH["title"]
    assert english.note == "Translated from Spanish." and not english.outdated
    assert _read(app, debate, "pt-BR").is_original  # other languages keep the original
    with app.app_context():
        db.session.execute(update(Debate).where(Debate.id == debate).values(
            edited_at=utcnow()))
        db.session.commit()
    edited = _read(app, debate, "en")
    assert edited.outdated and "edited since" in edited.note


def test_a_list_costs_one_query_whatever_its_length(app, make_user, count_queries) -> None:
    make_user("ana")
    make_user("bea")
    debates = [new_debate(app, locale="es", **{**SPANISH, "title": f"Debate número {n}"})
               for n in range(6)]
    for debate in debates[::2]:
        suggest(app, debate, who="ana", texts={**ENGLISH, "title": f"English {debate}"})
    with app.test_request_context(headers={"Accept-Language": "en"}):
        g.space = space("aurora")
        loaded = list(db.session.scalars(select(Debate).order_by(Debate.id)))
        with count_queries() as counter:
            prefetch_translations(loaded)
            titles = [localized(d).title for d in loaded]
        assert counter.count == 1
        assert titles == [f"English {d}" if i % 2 == 0 else f"Debate número {i}"
                          for i, d in enumerate(debates)]
    with app.test_request_context(headers={"Accept-Language": "en"}):
        g.space = space("aurora")
        loaded = list(db.session.scalars(select(Debate).order_by(Debate.id)))
        with count_queries() as counter:  # a view that forgot to prefetch: still one query
            assert [localized(d).is_original for d in loaded] == [False, True] * 3
        assert counter.count == 1
    with app.test_request_context(headers={"Accept-Language": "es"}):
        g.space = space("aurora")
        loaded = list(db.session.scalars(select(Debate)))
        with count_queries() as counter:  # readers of the original language need none
            assert all(localized(d).is_original for d in loaded)
        assert counter.count == 0
