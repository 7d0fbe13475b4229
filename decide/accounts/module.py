"""The accounts module, declared once: people, sign-in, roles and residence."""

from __future__ import annotations

from decide.accounts import auth, views
from decide.accounts.models import Residence, RoleAssignment, User, UserSession
from decide.core.modules import Module

module = Module(
    name="accounts",
    blueprint=views.bp,
    models=(User, Residence, RoleAssignment, UserSession),
    init_app=auth.init_app,
    visitor_pages=("accounts.profile",),
)
