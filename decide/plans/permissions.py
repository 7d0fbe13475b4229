"""Who may do what with an alliance's action plan and declarations: rules the plans module
declares (`plans.<action>`), asked through `decide.core.permissions.can()`, which also checks
that the space enables the module."""

from __future__ import annotations

from typing import Any

from decide.core.permissions import is_visible


def member_city_ids(alliance: Any) -> set[int]:
    """Ids of the alliance's member cities (none for a city)."""
    if alliance is None or not getattr(alliance, "is_alliance", False):
        return set()
    return {m.city_id for m in alliance.memberships}


def administered_member_ids(user: Any, alliance: Any) -> set[int]:
    """Member cities of `alliance` where `user` is an administrator: the cities they may
    adhere for."""
    administered = {r.space_id for r in user.roles if r.role == "administrator"}
    return administered & member_city_ids(alliance) if administered else set()


def may_adhere(user: Any, space: Any, declaration: Any) -> bool:
    """City administrators of member cities adhere (and withdraw) on behalf of their city."""
    if space is None or not space.is_alliance:
        return False
    if declaration is not None and not is_visible(user, declaration, space):
        return False
    return bool(administered_member_ids(user, space))


ACTIONS = {
    # The alliance's secretariat adopts joint actions, runs the plan, publishes declarations.
    "plans.manage": frozenset({"secretariat", "administrator"}),
    "plans.adhere": may_adhere,
}
