"""A search's cost does not grow with the number of matches: only the newest
`RESULT_CAP + 1` matches are ranked and counted, and past the cap the page says "more than".

The cap is lowered to 3 here (the module reads it at call time), so a handful of debates shows
what a thousand would.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Select, func, select

from decide.cities.queries import space_by_slug
from decide.core.pagination import paginate
from decide.debates.queries import debate_list
from decide.extensions import db
from decide.listings.queries import Filters
from decide.search import queries
from decide.search.queries import engine_name, matches
from tests.debates.helpers import new_debate

EN = {"Accept-Language": "en"}
CAP = 3


@pytest.fixture
def small_cap(monkeypatch) -> int:
    monkeypatch.setattr(queries, "RESULT_CAP", CAP)
    return CAP


def add_gardens(app, count: int, where: str = "aurora") -> list[str]:
    """`count` debates that match "huertas", oldest first; their titles."""
    titles = [f"Huertas urbanas número {n}" for n in range(count)]
    for title in titles:
        new_debate(app, where=where, title=title, description="Regar los sábados.",
                   locale="es")
    return titles


def test_below_the_cap_results_and_counts_are_exact(app, client, make_user, small_cap) -> None:
    make_user("ana")
    titles = add_gardens(app, CAP)
    add_gardens(app, 2, where="borealis")  # never counted in aurora
    html = client.get("/aurora/search?q=huertas", headers=EN).get_data(as_text=True)
    assert all(title in html for title in titles)
    assert f"({CAP})" in html
    assert "more than" not in html


def test_above_the_cap_the_page_says_more_than(app, client, make_user, small_cap) -> None:
    make_user("ana")
    titles = add_gardens(app, CAP + 3)
    html = client.get("/aurora/search?q=huertas", headers=EN).get_data(as_text=True)
    assert f"(more than {CAP} results)" in html
    assert f"best of the {CAP} newest matches" in html
    # The candidates are the newest matches: the oldest ones are not ranked at all.
    assert titles[-1] in html and titles[0] not in html
    # Exactly at the cap is still a number, not "more than".
    assert not queries.is_capped(CAP) and queries.is_capped(CAP + 1)
    # The debate list searching the same words, and the link to it, say so too.
    listing = client.get("/aurora/debates/?q=huertas", headers=EN).get_data(as_text=True)
    assert f"more than {CAP} results" in listing and f"{CAP + 1} debates found" not in listing
    assert f"See all matching debates (more than {CAP} results)" in html


def test_the_count_stops_just_above_the_cap(app, ctx, make_user, small_cap) -> None:
    make_user("ana")
    add_gardens(app, CAP + 4)
    aurora = space_by_slug("city", "aurora")
    m = matches(aurora, "debate", "huertas")
    assert db.session.scalar(select(func.count()).select_from(m)) == CAP + 1
    # The debate list's ?q= goes through the same subquery, so its count is capped too and its
    # first page holds the newest matches.
    page = paginate(debate_list(aurora, Filters(order="new", query="huertas")), 1, 20)
    assert page.total == CAP + 1 and queries.is_capped(page.total)
    assert [d.title for d in page.items] == [f"Huertas urbanas número {n}"
                                            for n in range(CAP + 3, -1, -1)][:CAP + 1]
    below = paginate(debate_list(aurora, Filters(order="new", query="urbanas sabados")), 1, 2)
    assert below.total == CAP + 1  # every word must match; still capped
    nothing = matches(aurora, "debate", "nada")
    assert db.session.scalar(select(func.count()).select_from(nothing)) == 0


@pytest.mark.parametrize("path", ["/aurora/search?q=huertas", "/aurora/debates/?q=huertas"])
def test_same_queries_for_few_and_many_matches(app, client, make_user, count_queries,
                                               small_cap, path: str) -> None:
    make_user("ana")
    add_gardens(app, 1)
    client.get(path, headers=EN)  # warm up: the first request loads the configuration
    with count_queries() as few:
        assert client.get(path, headers=EN).status_code == 200
    add_gardens(app, CAP * 3)
    with count_queries() as many:
        assert client.get(path, headers=EN).status_code == 200
    assert few.count == many.count, (few.statements, many.statements)


def explain(statement: Select) -> str:
    compiled = statement.compile(db.engine)
    connection = db.session.connection()
    if engine_name() == "postgresql":
        rows = connection.exec_driver_sql(f"EXPLAIN {compiled}", compiled.params)
        return "\n".join(row[0] for row in rows)
    params = tuple(compiled.params[name] for name in compiled.positiontup)
    rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", params)
    return "\n".join(row[-1] for row in rows)


def test_the_count_reads_a_limited_candidate_set(app, ctx, make_user) -> None:
    """The COUNT behind "N results" has the candidates' LIMIT in its plan, and the candidates
    come in the index's order (SQLite: FTS5 rowids backwards, no sort at all)."""
    make_user("ana")
    add_gardens(app, 4)
    aurora = space_by_slug("city", "aurora")
    statement = debate_list(aurora, Filters(order="hot", query="huertas"))
    counting = statement.with_only_columns(func.count(), maintain_column_froms=True)
    plan = explain(counting.order_by(None))
    if engine_name() == "postgresql":
        assert "Limit" in plan, plan
        assert "ts_rank" not in plan, plan  # nothing is ranked to be counted
    else:
        assert "SCAN search_documents_fts VIRTUAL TABLE INDEX" in plan, plan
        assert "TEMP B-TREE" not in plan, plan
    assert db.session.scalar(counting.order_by(None)) == 4
