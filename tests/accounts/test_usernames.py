"""Usernames are unique whatever their case, in the database itself."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.exc import IntegrityError

from decide.accounts import services
from decide.accounts.models import User
from decide.extensions import db
from tests.accounts.test_signup import SIGNUP
from tests.conftest import TEST_DATABASE_URL, login


def users(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(User.id)))


def test_signup_with_another_case_is_refused_and_keeps_the_form(app, client,
                                                                make_user) -> None:
    make_user("ana")
    response = client.post("/accounts/signup", data={**SIGNUP, "username": "Ana",
                                                     "email": "other@example.org"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "This username is already taken" in html
    assert 'value="Ana"' in html and 'value="other@example.org"' in html
    assert users(app) == 1
    # Sign-in finds the account whatever the case typed.
    assert login(client, "ANA").status_code == 302


def test_the_database_refuses_a_name_differing_only_in_case(app, make_user) -> None:
    make_user("ana")
    with app.app_context():
        twin = User(username="ANA", email="twin@example.org", password_hash="x",
                    locale="es", session_token="t" * 32)
        db.session.add(twin)
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        # Bulk inserts, which bypass the model's code, are held to the same rule.
        with pytest.raises(IntegrityError):
            db.session.execute(insert(User), [{
                "username": "aNa", "email": "bulk@example.org", "locale": "es",
                "kind": "person", "is_deployment_admin": False, "session_token": "b" * 32,
                "email_opt_outs": []}])
        db.session.rollback()


def test_a_sign_up_racing_for_the_same_name_gets_a_clear_409(app, client, make_user,
                                                             monkeypatch) -> None:
    """Two sign-ups both pass the check before either is stored: the index decides, and the
    loser gets the same answer as a plain duplicate, not a 500."""
    make_user("ana")
    real_check = services._check_unique
    calls = []

    def check_once_too_late(*args, **kwargs):
        calls.append(args)
        if len(calls) > 1:  # the check made after the database refused the row
            real_check(*args, **kwargs)

    monkeypatch.setattr(services, "_check_unique", check_once_too_late)
    response = client.post("/accounts/signup", data={**SIGNUP, "username": "ANA",
                                                     "email": "other@example.org"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "This username is already taken" in html and 'value="ANA"' in html
    assert len(calls) == 2 and users(app) == 1


@pytest.mark.skipif(TEST_DATABASE_URL.startswith("postgresql"),
                    reason="builds its own throwaway SQLite database")
def test_upgrade_refuses_existing_duplicates_with_a_clear_message(tmp_path: Path) -> None:
    from alembic import command

    from decide import create_app
    from tests.conftest import make_config

    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = create_app(make_config(tmp_path, DATABASE_URL=url))
    with old.app_context():
        migrate = old.extensions["migrate"]
        config = migrate.migrate.get_config(migrate.directory)

        def upgrade(revision: str) -> None:
            command.upgrade(config, revision)

        upgrade(revision="0002")
        engine = create_engine(url)
        with engine.begin() as conn:
            for name in ("Ana", "ana", "bo"):
                conn.execute(text(
                    "INSERT INTO users (username, email, kind, locale, is_deployment_admin, "
                    "session_token, email_opt_outs, created_at, updated_at) VALUES "
                    "(:name, :email, 'person', 'es', 0, 'x', '[]', '2026-01-01', '2026-01-01')"),
                    {"name": name, "email": f"{name}@example.org"})
        with pytest.raises(RuntimeError, match=r"ana \(2 accounts\)"):
            upgrade(revision="0003")
        with engine.begin() as conn:
            conn.execute(text("UPDATE users SET username = 'ana-2' WHERE username = 'ana'"))
        upgrade(revision="0003")
        with engine.begin() as conn:
            names = conn.execute(text(
                "SELECT username_lower FROM users ORDER BY username_lower")).scalars().all()
            assert names == ["ana", "ana-2", "bo"]
        with engine.begin() as conn, pytest.raises(IntegrityError):
            conn.execute(text("UPDATE users SET username_lower = 'bo' WHERE username = 'Ana'"))
        engine.dispose()
