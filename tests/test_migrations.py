"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from decide.extensions import db

# The search index is engine-specific and lives only in the migration (see decide/search).
ENGINE_SPECIFIC = {"search_documents_fts", "search_vector", "ix_search_documents_vector"}


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    return not (name or "").startswith(tuple(ENGINE_SPECIFIC))


def test_migrations_match_models(app) -> None:
    # The session fixture built the schema with `flask db upgrade`; compare it to the models.
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": include_name})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_one_head(app) -> None:
    from alembic.script import ScriptDirectory
    from flask_migrate import Migrate  # noqa: F401 - ensures the extension is importable

    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config(
            app.extensions["migrate"].directory)
        assert len(ScriptDirectory.from_config(config).get_heads()) == 1
