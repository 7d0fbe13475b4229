"""The one place that decides who may do what, from the roles a person holds per space.

Core actions are declared here; modules add theirs through their declaration
(`Module.actions`, e.g. {"debates.vote": rule}). `can()` also knows whether the action's module is
enabled in the space and whether the item is visible, so views, services and templates ask it
instead of repeating rules.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, TypeVar

from flask import abort, g
from flask_login import current_user

F = TypeVar("F", bound=Callable[..., Any])
# A rule: roles held in the space that grant the action, or a function (user, space, item).
Rule = frozenset[str] | Callable[[Any, Any, Any], bool]

ACTION_ROLES: dict[str, Rule] = {
    "space.admin": frozenset({"administrator"}),
    "space.view_admin": frozenset({"administrator", "secretariat", "moderator"}),
    "space.manage_roles": frozenset({"administrator"}),
    "moderate": frozenset({"administrator", "moderator"}),
    "valuate": frozenset({"administrator", "valuator"}),
    "endorse": frozenset({"official"}),
    "alliance.coordinate": frozenset({"administrator", "secretariat"}),
}
# action -> the module that declared it (its space must enable that module).
ACTION_MODULES: dict[str, str] = {}
# Names of the modules that spaces enable one by one (set by the registry).
SPACE_MODULES: set[str] = set()


def register_actions(module: str, actions: Mapping[str, Rule], space_module: bool = False) -> None:
    for action, rule in actions.items():
        if action in ACTION_ROLES and ACTION_MODULES.get(action) != module:
            raise ValueError(f"permission action {action!r} declared twice")
        ACTION_ROLES[action] = rule
        ACTION_MODULES[action] = module
    if space_module:
        SPACE_MODULES.add(module)


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


def is_visible(user: Any, item: Any, space: Any) -> bool:
    """Hidden items exist only for the space's moderators (to review and restore them)."""
    if item is None or not getattr(item, "is_hidden", False):
        return True
    return can(user, "moderate", space)


def module_enabled(action: str, space: Any) -> bool:
    module = ACTION_MODULES.get(action)
    if module is None or module not in SPACE_MODULES or space is None:
        return True
    return bool(space.has_module(module))


def can(user: Any, action: str, space: Any = None, item: Any = None) -> bool:
    """May `user` do `action` in `space` (on `item`, when the action concerns one)?"""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if not module_enabled(action, space):
        return False
    if item is not None and action != "moderate" and not is_visible(user, item, space):
        return False
    rule = ACTION_ROLES.get(action)
    if callable(rule):
        # Rules about the item itself (authorship, vote limits) bind administrators too.
        return bool(rule(user, space, item))
    if user.is_deployment_admin:
        return True
    if action == "deployment.admin":
        return False
    if action in ("support", "vote"):
        return is_eligible(user, space)
    if action in ("participate", "comment", "propose"):
        return bool(user.is_confirmed)
    if rule is None:
        raise KeyError(f"unknown action {action!r}")
    return bool(roles_in(user, space) & rule)


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
