"""Writes: keep an item's search document in step with the item.

The owning module calls these inside its own use case (create, edit, hide, delete), so the
document changes in the same transaction as the item and is never out of step after a commit.
Nothing here commits.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, String, delete, func, literal, literal_column
from sqlalchemy.dialects.postgresql import REGCONFIG, TSVECTOR

from decide.core.db import upsert_insert, utcnow
from decide.extensions import db
from decide.search.models import SearchDocument
from decide.search.queries import documents, engine_name
from decide.search.text import normalise

# PostgreSQL text-search configuration per language of the item (its stemmer and stop words).
TEXT_SEARCH_CONFIGS = {"es": "spanish", "en": "english", "pt": "portuguese"}


def text_search_config(locale: str) -> str:
    """The configuration for a locale: 'pt_BR', 'pt-BR' and 'pt' are all Portuguese; a language
    without its own stemmer gets 'simple' (whole words, no stop words)."""
    language = locale.replace("-", "_").split("_")[0].lower()
    return TEXT_SEARCH_CONFIGS.get(language, "simple")


def index_document(*, space_id: int, target_type: str, target_id: int, locale: str, title: str,
                   body: str) -> None:
    """Create or replace the search document of one item (its title and Markdown body).

    One INSERT ... ON CONFLICT statement on both engines, so two concurrent edits of the same
    item cannot both insert. SQLite's triggers then refresh the FTS5 index; on PostgreSQL the same
    statement fills `search_vector`: the title weighted 'A' and the body 'B' (so a title hit ranks
    higher), each stemmed in the item's language and also kept unstemmed. The unstemmed words
    make prefix matching as good as SQLite's whatever the stemmer did to a word without its
    accents (Spanish stems "participaciones" to "particip" but keeps "participacion").
    """
    clean_title, clean_body = normalise(title), normalise(body)
    values = {
        "space_id": space_id,
        "target_type": target_type,
        "target_id": target_id,
        "locale": locale,
        "content": f"{clean_title}\n{clean_body}",
        "updated_at": utcnow(),
    }
    if engine_name() == "postgresql":
        values["search_vector"] = _weighted_vector(text_search_config(locale), clean_title,
                                                   clean_body)
    statement = upsert_insert(documents).values(values)
    statement = statement.on_conflict_do_update(
        index_elements=["target_type", "target_id"],
        set_={name: statement.excluded[name] for name in values
              if name not in ("target_type", "target_id")},
    )
    db.session.execute(statement)


def remove_document(target_type: str, target_id: int) -> None:
    """Forget an item (deleted, or no longer public): it stops matching at once."""
    db.session.execute(
        delete(SearchDocument)
        .where(SearchDocument.target_type == target_type, SearchDocument.target_id == target_id)
        .execution_options(synchronize_session=False)
    )


def _weighted_vector(config: str, title: str, body: str) -> ColumnElement[Any]:
    def words(text: str, weight: str) -> ColumnElement[Any]:
        value = literal(text, String)  # one bind parameter, used by both parsers
        stemmed = func.to_tsvector(literal(config, REGCONFIG), value, type_=TSVECTOR)
        unstemmed = func.to_tsvector(literal("simple", REGCONFIG), value, type_=TSVECTOR)
        # setweight() takes a "char"; a bound parameter would arrive as varchar.
        return func.setweight(stemmed.op("||", return_type=TSVECTOR)(unstemmed),
                              literal_column(f"'{weight}'"), type_=TSVECTOR)

    return words(title, "A").op("||", return_type=TSVECTOR)(words(body, "B"))
