"""The one place that decides who may do what, from the roles a person holds per space."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, g
from flask_login import current_user

F = TypeVar("F", bound=Callable[..., Any])

# Which roles in a space grant an action there. The deployment administrator may do everything.
ACTION_ROLES: dict[str, frozenset[str]] = {
    "space.admin": frozenset({"administrator"}),
    "space.view_admin": frozenset({"administrator", "secretariat", "moderator"}),
    "space.manage_roles": frozenset({"administrator"}),
    "moderate": frozenset({"administrator", "moderator"}),
    "valuate": frozenset({"administrator", "valuator"}),
    "endorse": frozenset({"official"}),
    "alliance.coordinate": frozenset({"administrator", "secretariat"}),
}


def roles_in(user: Any, space: Any) -> set[str]:
    """Roles `user` holds in `space` (loaded once per user and request)."""
    if user is None or not user.is_authenticated or space is None:
        return set()
    return {r.role for r in user.roles if r.space_id == space.id}


def eligible_spaces(user: Any) -> set[int]:
    """Ids of the spaces where a verified resident may support and vote: the city of residence
    and every alliance that city belongs to."""
    if user is None or not user.is_authenticated or user.residence is None:
        return set()
    city = user.residence.city
    return {city.id} | {m.alliance_id for m in city.memberships}


def is_eligible(user: Any, space: Any) -> bool:
    """May `user` support and vote in `space`? Verified residents only, never organisations."""
    if user is None or not user.is_authenticated or user.is_organisation:
        return False
    return space.id in eligible_spaces(user)


def can(user: Any, action: str, space: Any = None) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_deployment_admin:
        return True
    if action == "deployment.admin":
        return False
    if action in ("support", "vote"):
        return is_eligible(user, space)
    if action in ("participate", "comment", "propose"):
        return user.is_confirmed
    allowed = ACTION_ROLES.get(action)
    if allowed is None:
        raise KeyError(f"unknown action {action!r}")
    return bool(roles_in(user, space) & allowed)


def requires(action: str) -> Callable[[F], F]:
    """View decorator: sign-in page for anonymous users, 403 for those without the right."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            from decide.extensions import login_manager

            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not can(current_user, action, g.get("space")):
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
