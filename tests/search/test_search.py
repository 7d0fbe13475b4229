"""One search interface over SQLite FTS5 and PostgreSQL full text: same answers, same rules."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
from sqlalchemy import Select, func, inspect, select

from decide.cities.models import Space
from decide.cities.queries import space_by_slug
from decide.debates.models import Debate
from decide.extensions import db
from decide.search.models import SearchDocument
from decide.search.queries import engine_name, matches
from decide.search.services import index_document, remove_document, text_search_config
from decide.search.text import normalise, query_terms

NO_STEMMER = "SQLite's unicode61 tokenizer has no stemmer; prefix matching stands in for it"

AddDebate = Callable[..., Debate]


@pytest.fixture
def spaces(app, ctx) -> dict[str, Space]:
    return {"aurora": space_by_slug("city", "aurora"),
            "borealis": space_by_slug("city", "borealis"),
            "pact": space_by_slug("alliance", "pact")}


@pytest.fixture
def add(spaces, make_user) -> AddDebate:
    """add('aurora', 'Title', 'body', locale='es'): a debate indexed in the same transaction."""
    author_id = make_user("ana")

    def create(space: str, title: str, body: str = "", *, locale: str = "es",
               commit: bool = True) -> Debate:
        space_id = spaces[space].id
        debate = Debate(space_id=space_id, author_id=author_id, title=title, description=body,
                        description_html=f"<p>{body}</p>", locale=locale)
        db.session.add(debate)
        db.session.flush()
        index_document(space_id=space_id, target_type="debate", target_id=debate.id,
                       locale=locale, title=title, body=body)
        if commit:
            db.session.commit()
        return debate

    return create


def search(space: Space, query: str) -> list[str] | None:
    """Titles of the matching debates, best first; None when the query has nothing to search."""
    m = matches(space, "debate", query)
    if m is None:
        return None
    statement = (select(Debate.title).join(m, m.c.target_id == Debate.id)
                 .order_by(m.c.rank.desc(), Debate.id))
    return list(db.session.scalars(statement))


def is_postgres() -> bool:
    return engine_name() == "postgresql"


def test_accents_and_case_never_matter(spaces, add) -> None:
    add("aurora", "Participación ciudadana", "Presupuestos en **São** Paulo")
    add("aurora", "participacion sin tilde", "Año de la niña")
    aurora = spaces["aurora"]
    assert search(aurora, "participacion") == ["Participación ciudadana",
                                               "participacion sin tilde"]
    assert search(aurora, "PARTICIPACIÓN") == ["Participación ciudadana",
                                               "participacion sin tilde"]
    assert search(aurora, "participación ciudadana") == ["Participación ciudadana"]
    assert search(aurora, "sao paulo") == ["Participación ciudadana"]
    assert search(aurora, "ano nina") == ["participacion sin tilde"]
    assert search(aurora, "Niña AÑO") == ["participacion sin tilde"]


def test_words_match_as_prefixes(spaces, add) -> None:
    add("aurora", "Vivienda digna", "Alquileres asequibles para jóvenes")
    add("aurora", "Parques", "Más participaciones vecinales")
    aurora = spaces["aurora"]
    assert search(aurora, "vivien") == ["Vivienda digna"]
    assert search(aurora, "alquil jov") == ["Vivienda digna"]
    # A singular query finds the plural, on both engines.
    assert search(aurora, "participacion") == ["Parques"]
    assert search(aurora, "vivienda zzz") == []  # every word must match


def test_stemming_follows_the_language(spaces, add) -> None:
    if not is_postgres():
        pytest.skip(NO_STEMMER)
    add("aurora", "Vivienda pública", "Un plan para la ciudad", locale="es")
    add("aurora", "A house for everyone", "Council plans", locale="en")
    add("borealis", "Moradia popular", "Plano da cidade", locale="pt_BR")
    aurora, borealis = spaces["aurora"], spaces["borealis"]
    assert search(aurora, "viviendas") == ["Vivienda pública"]
    assert search(aurora, "publicas") == ["Vivienda pública"]
    assert search(aurora, "housing") == ["A house for everyone"]
    assert search(aurora, "houses") == ["A house for everyone"]
    assert search(aurora, "council plan") == ["A house for everyone"]
    assert search(borealis, "moradias") == ["Moradia popular"]
    assert search(borealis, "populares") == ["Moradia popular"]


def test_text_search_config_per_locale() -> None:
    assert text_search_config("es") == "spanish"
    assert text_search_config("en") == "english"
    assert text_search_config("pt_BR") == "portuguese"
    assert text_search_config("pt-BR") == "portuguese"
    assert text_search_config("fr") == "simple"
    assert text_search_config("") == "simple"


def test_results_stay_in_their_space(spaces, add) -> None:
    add("aurora", "Huertos urbanos en Aurora")
    add("borealis", "Huertos urbanos em Borealis")
    add("pact", "Huertos urbanos del pacto")
    assert search(spaces["aurora"], "huertos") == ["Huertos urbanos en Aurora"]
    assert search(spaces["borealis"], "huertos") == ["Huertos urbanos em Borealis"]
    # The alliance is a space of its own: its members' debates are not its debates.
    assert search(spaces["pact"], "huertos urbanos") == ["Huertos urbanos del pacto"]
    assert search(spaces["aurora"], "borealis") == []
    assert search(spaces["pact"], "aurora") == []


def test_results_are_of_the_asked_type(spaces, add) -> None:
    debate = add("aurora", "Bicicletas")
    index_document(space_id=spaces["aurora"].id, target_type="proposal", target_id=debate.id,
                   locale="es", title="Bicicletas eléctricas", body="")
    db.session.commit()
    m = matches(spaces["aurora"], "proposal", "bicicletas")
    assert list(db.session.execute(select(m.c.target_id))) == [(debate.id,)]
    assert search(spaces["aurora"], "electricas") == []


def test_title_hits_rank_above_body_hits(spaces, add) -> None:
    add("aurora", "Transporte nocturno", "Autobuses para volver a casa de madrugada.")
    add("aurora", "Calles seguras", "Más luz en las paradas del transporte público.")
    found = search(spaces["aurora"], "transporte")
    if is_postgres():
        assert found == ["Transporte nocturno", "Calles seguras"]
    else:  # one FTS5 column for title and body: no weights, so only both are found
        assert sorted(found) == ["Calles seguras", "Transporte nocturno"]


def test_reindexing_replaces_the_old_text(spaces, add) -> None:
    debate = add("aurora", "Piscina municipal", "Abrir en verano")
    debate.title, debate.description = "Biblioteca municipal", "Abrir en invierno"
    index_document(space_id=debate.space_id, target_type="debate", target_id=debate.id,
                   locale="en", title=debate.title, body=debate.description)
    db.session.commit()
    aurora = spaces["aurora"]
    assert search(aurora, "piscina") == []
    assert search(aurora, "verano") == []
    assert search(aurora, "biblioteca invierno") == ["Biblioteca municipal"]
    document = db.session.scalars(select(SearchDocument)).one()
    assert document.content == "biblioteca municipal\nabrir en invierno"
    assert document.locale == "en"

    remove_document("debate", debate.id)
    db.session.commit()
    assert search(aurora, "biblioteca") == []
    assert db.session.scalar(select(func.count()).select_from(SearchDocument)) == 0
    remove_document("debate", debate.id)  # removing what is not there is not an error


def test_indexing_joins_the_callers_transaction(spaces, add) -> None:
    add("aurora", "Mercado de abastos", commit=False)
    assert search(spaces["aurora"], "mercado") == ["Mercado de abastos"]
    db.session.rollback()
    assert search(spaces["aurora"], "mercado") == []


HOSTILE = [
    '"', '""', '"unclosed', "*", "vivienda*", "* vivienda", "AND OR NOT", "vivienda AND",
    "NOT vivienda", "title:x", "content:vivienda", "NEAR(a b)", "NEAR(vivienda digna, 2)",
    "'; DROP TABLE debates; --", "vivienda' OR '1'='1", "viv:* | !x & (y", "\\", "^vivienda",
    "{content}: vivienda", "vivienda -digna", "+vivienda", "%", "_", "a" * 5_000,
    "vivienda " * 1_000, "!!! ... ???", "🏠🔥", "🏠 vivienda", "\x00vivienda", "ﷺ", "\u202e",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_are_plain_text(spaces, add, query: str) -> None:
    body = "Drop the table and debates, or not: near title content"
    add("aurora", "Vivienda digna", body)
    found = search(spaces["aurora"], query)
    assert inspect(db.engine).has_table("debates")
    terms = query_terms(query)
    if not terms:
        assert found is None
        return
    words = normalise(f"Vivienda digna {body}").split()
    # Every term a prefix of some word: found on both engines (the words are operators and
    # column names to FTS5 and tsquery, yet here they are only words).
    if all(any(word.startswith(term) for word in words) for term in terms):
        assert found == ["Vivienda digna"]
    else:
        assert found == [] or (is_postgres() and found == ["Vivienda digna"])


def test_callers_compose_filters_and_pages(spaces, add) -> None:
    for n in range(7):
        add("aurora", f"Energía solar {n}", "Paneles en tejados" if n % 2 else "Comunidad")
    m = matches(spaces["aurora"], "debate", "solar")
    page = db.session.scalars(
        select(Debate.title).join(m, m.c.target_id == Debate.id)
        .where(Debate.title != "Energía solar 0")
        .order_by(Debate.id).limit(3).offset(2)
    ).all()
    assert page == ["Energía solar 3", "Energía solar 4", "Energía solar 5"]
    assert db.session.scalar(select(func.count()).select_from(m)) == 7
    # Two searches in one statement do not clash (their parameters are anonymous).
    other = matches(spaces["aurora"], "debate", "paneles")
    both = select(func.count()).select_from(m.join(other, other.c.target_id == m.c.target_id))
    assert db.session.scalar(both) == 3


@pytest.mark.parametrize("documents", [5, 200])
def test_one_statement_whatever_the_number_of_documents(spaces, add, count_queries,
                                                        documents: int) -> None:
    for n in range(documents):
        add("aurora", f"Propuesta de movilidad {n}", "Carril bici y aceras", commit=False)
        add("borealis", f"Mobilidade urbana {n}", "Ciclovias", locale="pt_BR", commit=False)
    db.session.commit()
    aurora = spaces["aurora"]
    assert aurora.id  # loaded before counting: the commit expired it
    with count_queries() as counter:
        m = matches(aurora, "debate", "movilidad bici")
        rows = db.session.scalars(
            select(Debate).join(m, m.c.target_id == Debate.id)
            .order_by(m.c.rank.desc(), Debate.id).limit(20)
        ).all()
    assert len(rows) == min(documents, 20)
    assert counter.count == 1, counter.statements


def explain(statement: Select) -> str:
    compiled = statement.compile(db.engine)
    connection = db.session.connection()
    if is_postgres():
        rows = connection.exec_driver_sql(f"EXPLAIN {compiled}", compiled.params)
        return "\n".join(row[0] for row in rows)
    params = tuple(compiled.params[name] for name in compiled.positiontup)
    rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", params)
    return "\n".join(row[-1] for row in rows)


def test_search_uses_the_full_text_index(spaces, add) -> None:
    """The match is answered by the engine's full-text index, however the caller joins it.

    SQLite has no statistics; when it flattened the subquery into the caller's join it
    walked the space's documents and ran the FTS query once per document (12 s for a space of
    20,000). The FTS table must drive, and each hit must be read by primary key (the
    candidates' LIMIT now keeps the subquery apart: it is materialised first).
    PostgreSQL chooses GIN or the space index by cost (at a few hundred rows it rightly reads
    the space), so the test checks what makes the GIN index usable and its selectivity
    estimable: the tsquery is folded to a constant when the query is planned.
    """
    for n in range(20):
        add("aurora", f"Contenedores {n}", "Calle", commit=False)
    add("aurora", "Reciclaje", "Puntos limpios")
    aurora = spaces["aurora"]
    m = matches(aurora, "debate", "reciclaje")
    shapes = [
        select(Debate.title).join(m, m.c.target_id == Debate.id),
        select(Debate).join(m, m.c.target_id == Debate.id).order_by(m.c.rank.desc()).limit(20),
        select(func.count()).select_from(Debate).join(m, m.c.target_id == Debate.id)
        .where(Debate.space_id == aurora.id),
        select(Debate.title).join(m, m.c.target_id == Debate.id)
        .where(Debate.space_id == aurora.id).order_by(Debate.hot_score.desc()).limit(20),
    ]
    for statement in shapes:
        plan = explain(statement)
        if is_postgres():
            assert "search_vector @@ '''reciclaj'':*" in plan, plan
            assert "to_tsquery" not in plan, plan
        else:
            lines = plan.splitlines()
            fts = next(i for i, line in enumerate(lines)
                       if line.startswith("SCAN search_documents_fts"))
            assert lines[fts].startswith("SCAN search_documents_fts VIRTUAL TABLE INDEX"), plan
            assert lines[fts + 1].startswith(
                "SEARCH search_documents USING INTEGER PRIMARY KEY"), plan
            assert fts == 0 or lines[0].startswith(("MATERIALIZE", "CO-ROUTINE")), plan
    assert db.session.scalars(shapes[0]).all() == ["Reciclaje"]
    assert db.session.scalar(shapes[2]) == 1


def test_random_unicode_queries_never_break_either_engine(spaces, add) -> None:
    """Seeded fuzz: scripts, digits, marks, symbols and search syntax in any mix."""
    add("aurora", "Vivienda 2030", "Москва 東京 ǆungla ﬀ 1e10 0x1f ab12cd")
    pieces = ['"', "*", ":", "&", "|", "!", "(", ")", "<->", "-", "'", "\\", " ", " AND ", " OR ",
              "NEAR", "^", "+", "~", "é", "ñ", "ç", "ø", "ß", "ǆ", "ﬀ", "Москва", "東京", "٣",
              "١٢", "ab12cd", "1e10", "0x1f", "viv", "2030", "\u0301", "\u200b", "🏠", "\x00"]
    rng = random.Random(20261127)
    for _ in range(200):
        query = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        found = search(spaces["aurora"], query)
        assert found in (None, [], ["Vivienda 2030"]), query
    for query in ("москва", "東京", "ǆungla", "ff", "1e10", "0x1f", "ab12", "2030", "viv 2030"):
        assert search(spaces["aurora"], query) == ["Vivienda 2030"], query
