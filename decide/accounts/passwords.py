"""Password rules and hashing."""

from __future__ import annotations

from functools import cache

from flask import current_app, has_app_context
from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 10
MAX_LENGTH = 128

# Passwords that top every leaked-password list; refusing them stops the easiest guesses.
COMMON_PASSWORDS = frozenset([
    "123456", "123456789", "12345678", "1234567890", "password", "qwerty", "1234567",
    "111111", "123123", "abc123", "password1", "iloveyou", "000000", "qwerty123",
    "1q2w3e4r", "1q2w3e4r5t", "qwertyuiop", "987654321", "password123", "admin123",
    "contraseña", "contrasena", "contraseña1", "senha123", "senha12345", "123mudar",
    "mudar123", "bienvenido", "welcome123", "letmein123", "passw0rd123", "qwerty1234",
    "1234567891", "0123456789", "aaaaaaaaaa", "1111111111", "12345678910", "iloveyou123",
    "changeme123", "superman123", "football123", "dragon1234", "monkey1234",
])


def password_problem(password: str, username: str = "", email: str = "") -> str | None:
    """A key naming what is wrong with `password`, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return "too_short"
    if len(password) > MAX_LENGTH:
        return "too_long"
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(lowered)) < 4:
        return "too_common"
    for personal in (username.lower(), email.lower().split("@")[0]):
        if len(personal) >= 4 and personal in lowered:
            return "personal"
    return None


# scrypt is a current memory-hard algorithm (about 0.5 s a hash here). The setting
# PASSWORD_HASH_METHOD exists so that the test suite can choose a cheap one; production keeps
# this default. Stored hashes name their own method, so verifying works whatever the setting.
DEFAULT_HASH_METHOD = "scrypt"


def hash_method() -> str:
    if has_app_context():
        return current_app.config.get("PASSWORD_HASH_METHOD") or DEFAULT_HASH_METHOD
    return DEFAULT_HASH_METHOD


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=hash_method())


@cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash("not-a-real-password-for-timing", method=method)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        # Spend comparable time so that unknown accounts are not revealed by timing.
        check_password_hash(_dummy_hash(hash_method()), password)
        return False
    return check_password_hash(password_hash, password)
