"""Normalisation and query parsing: the only path from user input to a search engine."""

from __future__ import annotations

import re

import pytest

from decide.search.text import MAX_TERM_LENGTH, MAX_TERMS, normalise, query_terms


@pytest.mark.parametrize(("raw", "expected"), [
    ("Participación ciudadana", "participacion ciudadana"),
    ("São Paulo", "sao paulo"),
    ("Año NUEVO, ñandú", "ano nuevo nandu"),
    ("Ação e habitações", "acao e habitacoes"),
    ("**Vivienda** _digna_ en [Aurora](https://aurora.example)",
     "vivienda digna en aurora https aurora example"),
    ("# Título\n\n> cita\n- uno\n- dos\n`code`", "titulo cita uno dos code"),
    ("Straße Øresund Łódź œuvre", "strasse oresund lodz oeuvre"),
    ("ﬁnanzas ＡＢＣ x²", "finanzas abc x2"),
    ("  muchos   espacios\t\n y\u00a0nbsp  ", "muchos espacios y nbsp"),
    ("🏠 casa 🌳", "casa"),
    ("", ""),
])
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_query_terms_keep_plain_words_only() -> None:
    assert query_terms('"Participación" AND (vivienda*) -NEAR x') == [
        "participacion", "and", "vivienda", "near"]
    assert query_terms("title:x 'a' b") == ["title"]
    assert query_terms("casa CASA Casá") == ["casa"]
    assert query_terms("'; DROP TABLE debates; --") == ["drop", "table", "debates"]


@pytest.mark.parametrize("query", ["", "   ", '"', "*", "!!! ??? ...", "🏠🌳", "a b c", "---"])
def test_query_terms_empty_when_nothing_to_search(query: str) -> None:
    assert query_terms(query) == []


def test_query_terms_are_bounded() -> None:
    words = [f"word{i:03d}" for i in range(500)]
    terms = query_terms(" ".join(words))
    assert terms == words[:MAX_TERMS]
    assert query_terms("x" * 5_000) == ["x" * MAX_TERM_LENGTH]
    for term in query_terms("Ünïcödé façade ½ 3.14 señor@example.org é" * 200):
        assert re.fullmatch(r"[a-z0-9]{2,40}", term)
