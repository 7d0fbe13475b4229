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


def test_upgrading_a_sqlite_database_that_holds_data(tmp_path) -> None:
    """A deployment upgraded in place: migrations that rebuild a table other rows point to
    (SQLite batch mode) keep every row and every link."""
    from flask_migrate import upgrade
    from sqlalchemy import create_engine, text

    from decide import create_app
    from tests.conftest import make_config

    url = f"sqlite:///{tmp_path / 'old.db'}"
    app = create_app({**make_config(tmp_path), "DATABASE_URL": url})
    with app.app_context():
        upgrade(revision="0013")
    now = "2026-01-01 00:00:00"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO spaces (id, kind, slug, names, descriptions, default_locale, locales,"
            " timezone, currency, modules, theme, settings, overrides, position, created_at,"
            " updated_at) VALUES (1, 'city', 'old', '{}', '{}', 'es', '[\"es\"]', 'UTC', 'EUR',"
            " '[]', '{}', '{}', '{}', 0, :now, :now)"), {"now": now})
        conn.execute(text(
            "INSERT INTO users (id, username, username_lower, email, kind, locale, home_city_id,"
            " is_deployment_admin, session_token, created_at, updated_at) VALUES (7, 'ana',"
            " 'ana', 'ana@example.org', 'person', 'es', 1, 0, 'x', :now, :now)"), {"now": now})
        conn.execute(text(
            "INSERT INTO role_assignments (user_id, role, space_id, created_at, updated_at)"
            " VALUES (7, 'administrator', 1, :now, :now)"), {"now": now})
    engine.dispose()
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT username FROM users")).scalars().all() == ["ana"]
            assert conn.execute(text("SELECT user_id FROM role_assignments")).scalar() == 7
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        db.engine.dispose()
