"""Reads: which indexed items of a space match a user query, best first.

One interface, two engines. `matches()` returns a subquery of (target_id, rank) that the
caller joins to its own table, so filters, ordering and pagination stay with the caller and the
whole search is one SQL statement:

    m = matches(space, "debate", query)
    if m is not None:
        rows = select(Debate).join(m, m.c.target_id == Debate.id).order_by(m.c.rank.desc())

SQLite answers from the FTS5 table `search_documents_fts` (prefix match on every term, ranked
by bm25); PostgreSQL from the GIN-indexed `search_vector` column (stemmed in Spanish, English
and Portuguese, and unstemmed, with title words weighted above body words, ranked by ts_rank).

The cost of a search does not grow with the number of matches: `matches()` yields at most
`RESULT_CAP + 1` candidates, the newest matching documents (an order an index serves:
FTS5 walks its rowids backwards; PostgreSQL walks the primary key backwards for a common word,
or sorts the ids of a rare word's GIN hits), and only those are ranked. A caller's COUNT over
the subquery therefore stops at `RESULT_CAP + 1`, which `is_capped()` reads as "more than
RESULT_CAP": a common word in a space of 100,000 items costs about what one found 1,001 times
does (bench/README.md has the figures, and the case where it does not).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    String,
    Subquery,
    Text,
    column,
    func,
    literal,
    literal_column,
    select,
    table,
)
from sqlalchemy.dialects.postgresql import REGCONFIG, TSQUERY, TSVECTOR

from decide.core.db import UTCDateTime
from decide.extensions import db
from decide.search.text import query_terms

if TYPE_CHECKING:
    from decide.cities.models import Space

# The search_documents table as the engines see it, with PostgreSQL's `search_vector`, which
# the migration adds outside the mapped model (SQLite has no such column and never sees it).
documents = table(
    "search_documents",
    column("id", Integer),
    column("space_id", Integer),
    column("target_type", String),
    column("target_id", Integer),
    column("locale", String),
    column("content", Text),
    column("updated_at", UTCDateTime()),
    column("search_vector", TSVECTOR),
)
# SQLite's external-content FTS5 index over search_documents (rowid = search_documents.id).
_fts = table("search_documents_fts", column("rowid", Integer), column("content", Text))

# The reader's language is unknown (and may differ from the author's), so a query is parsed
# with every stemmer the platform speaks, plus 'simple' for the unstemmed words.
QUERY_CONFIGS = ("spanish", "english", "portuguese", "simple")

# At most this many matches are ranked, and counts stop just above it ("more than 1,000").
# Read at call time (tests lower it instead of inserting a thousand rows).
RESULT_CAP = 1_000


def candidate_limit() -> int:
    """How many matches a search considers: one more than the cap, so a count can tell
    "exactly RESULT_CAP" from "more"."""
    return RESULT_CAP + 1


def is_capped(total: int) -> bool:
    """Whether a count over `matches()` stopped at the cap (there may be many more)."""
    return total > RESULT_CAP


def engine_name() -> str:
    """'sqlite' or 'postgresql': the engine behind the session, which picks the search code."""
    return db.session.get_bind().dialect.name


def matches(space: Space, target_type: str, query: str) -> Subquery | None:
    """Items of `target_type` in `space` (and only there) matching every word of `query`.

    Returns a subquery with columns `target_id` and `rank` (higher is better), or None when the
    query has no searchable words, so the caller can show its ordinary list instead. Each word
    also matches as a prefix ("vivien" finds "vivienda"), and accents and case never matter.
    Only the `candidate_limit()` newest matching documents are in it (see the module's doc).
    """
    terms = query_terms(query)
    if not terms:
        return None
    if engine_name() == "postgresql":
        return _postgres_matches(space.id, target_type, terms)
    return _sqlite_matches(space.id, target_type, terms)


def _sqlite_matches(space_id: int, target_type: str, terms: list[str]) -> Subquery:
    # Each term quoted (so FTS5 reads no operator or column filter in it) and prefix-matched;
    # juxtaposed strings are AND-ed. Terms hold only letters and digits, so no quote to escape.
    fts_query = " ".join(f'"{term}"*' for term in terms)
    fts_table = literal_column("search_documents_fts")
    rank = -func.bm25(fts_table)  # bm25 is lower-is-better
    # SQLite flattens this subquery into the caller's join and, having no statistics, may
    # prefer to walk the space's documents through ix_search_documents_space_id (or the
    # (target_type, target_id) key) and run the FTS query once per document: seconds for a
    # space of 20,000. "+ 0" and "|| ''" keep those filters off any index, so the FTS MATCH
    # always drives and each hit is read by primary key.
    # FTS5 returns a MATCH's rows in descending rowid order when asked (no sort), so with the
    # LIMIT the loop stops at the newest `candidate_limit()` hits of this space and type, and
    # bm25 is computed for those rows only. The LIMIT also keeps SQLite from flattening the
    # subquery into the caller's join.
    return (
        select(documents.c.target_id, rank.label("rank"))
        .select_from(_fts.join(documents, documents.c.id == _fts.c.rowid))
        .where(
            fts_table.op("MATCH")(literal(fts_query, String)),
            documents.c.space_id + 0 == space_id,
            documents.c.target_type.concat("") == target_type,
        )
        .order_by(_fts.c.rowid.desc())
        .limit(candidate_limit())
        .subquery()
    )


def _postgres_matches(space_id: int, target_type: str, terms: list[str]) -> Subquery:
    # The candidates first: the newest matches by id, without ranking. The planner walks the
    # primary key backwards until it has them (a common word: a few thousand rows) or sorts
    # the ids of the GIN index's hits (a rare one); ts_rank, which reads each vector, runs on
    # the candidates only. The outer select has no LIMIT, so PostgreSQL pulls it up into the
    # caller's query and drops the rank where it is not used (a COUNT).
    candidates = (
        select(documents.c.target_id, documents.c.search_vector)
        .where(
            documents.c.search_vector.op("@@")(tsquery_for(terms)),
            documents.c.space_id == space_id,
            documents.c.target_type == target_type,
        )
        .order_by(documents.c.id.desc())
        .limit(candidate_limit())
        .subquery()
    )
    return select(
        candidates.c.target_id,
        func.ts_rank(candidates.c.search_vector, tsquery_for(terms)).label("rank"),
    ).subquery()


def tsquery_for(terms: list[str]) -> ColumnElement[Any]:
    """`to_tsquery(cfg, 'term1:* & term2:*')` OR-ed over `QUERY_CONFIGS`.

    The tsquery text travels as a bind parameter; it is built only from `query_terms()` words
    (letters and digits), so it holds no tsquery operator but the ones written here. A term that
    is a stop word in one configuration drops out of that configuration's part only.
    """
    value = literal(" & ".join(f"{term}:*" for term in terms), String)  # one bind parameter
    parts = [
        func.to_tsquery(literal(cfg, REGCONFIG), value, type_=TSQUERY)
        for cfg in QUERY_CONFIGS
    ]
    combined = parts[0]
    for part in parts[1:]:
        combined = combined.op("||", return_type=TSQUERY)(part)
    return combined
