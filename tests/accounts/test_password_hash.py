"""The production password hash is scrypt; tests choose a cheap one through the setting."""

from __future__ import annotations

from decide.accounts.passwords import DEFAULT_HASH_METHOD, hash_password, verify_password
from decide.config import load_settings


def test_production_default_hashes_with_scrypt_and_verifies(app, monkeypatch) -> None:
    assert "PASSWORD_HASH_METHOD" not in load_settings(environ={})
    monkeypatch.delitem(app.config, "PASSWORD_HASH_METHOD")
    with app.app_context():
        stored = hash_password("a-long-enough-secret")
        assert DEFAULT_HASH_METHOD == "scrypt" and stored.startswith("scrypt:")
        assert verify_password(stored, "a-long-enough-secret")
        assert not verify_password(stored, "a-long-enough-secreT")
        assert not verify_password(None, "a-long-enough-secret")


def test_test_configuration_uses_the_cheap_method(app, make_user) -> None:
    from decide.accounts.services import find_by_username

    make_user("ana")
    with app.app_context():
        stored = find_by_username("ana").password_hash
        assert stored.startswith("pbkdf2:sha256:1000$")
        # Hashes made with another method (scrypt, from production data) still verify.
        app.config["PASSWORD_HASH_METHOD"] = "scrypt"
        try:
            assert verify_password(stored, "correct-horse-battery")
        finally:
            app.config["PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:1000"
