"""Flask-Login wiring: the session and remember cookies carry a server-side session's token."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from decide.accounts import sessions
from decide.accounts.models import User
from decide.extensions import login_manager


def load_user(token: str) -> User | None:
    """The user behind an active session token; a revoked or unknown token loads nobody."""
    record = sessions.load_session(token)
    if record is None:
        return None
    user = record.user
    user.current_session = record
    sessions.mark_seen(record)
    return user


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    sessions.init_app(app)
