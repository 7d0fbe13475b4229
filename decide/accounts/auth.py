"""Flask-Login wiring: sessions carry a token that changes with the password."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from decide.accounts.models import Residence, RoleAssignment, User
from decide.cities.models import City
from decide.extensions import db, login_manager


def load_user(session_id: str) -> User | None:
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit():
        return None
    # Roles and residence are loaded with the user: every page's permission checks read them.
    user = db.session.get(
        User,
        int(user_id),
        options=[
            selectinload(User.roles).joinedload(RoleAssignment.space),
            selectinload(User.residence).joinedload(Residence.city).selectinload(
                City.memberships),
        ],
    )
    if user is None or user.session_token != token or user.is_deleted:
        return None
    return user


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
