"""Who may do what in participatory budgets, and in which phase (`budgets.<action>`), asked
through `decide.core.permissions.can(user, action, space, item)`.

`item` is a `Budget` for budget-level actions and a `Project` for project-level ones. Every
action that changes something is allowed only in its phases (`PHASE_ACTIONS`); the budget page
says what can be done now from the same table.
"""

from __future__ import annotations

from typing import Any

from decide.core.permissions import eligible_spaces, roles_in

# The phases in which each participation action is open.
PHASE_ACTIONS: dict[str, tuple[str, ...]] = {
    "submit": ("accepting",),
    "edit_project": ("accepting",),
    "withdraw_project": ("accepting", "reviewing"),
    "support": ("selecting",),
    "valuate": ("accepting", "reviewing", "selecting", "valuating", "publishing_prices"),
    "vote": ("balloting",),
    "track": ("finished",),
}


def budget_of(item: Any) -> Any:
    """The budget of a project, or the budget itself."""
    return getattr(item, "budget", None) if hasattr(item, "budget_id") else item


def in_phase(item: Any, action: str) -> bool:
    budget = budget_of(item)
    return budget is not None and budget.phase in PHASE_ACTIONS[action]


def is_admin(user: Any, space: Any) -> bool:
    return bool(user.is_deployment_admin or "administrator" in roles_in(user, space))


def may_view(user: Any, space: Any, budget: Any) -> bool:
    """Unpublished budgets exist only for the space's administrators."""
    return budget is not None and (budget.is_published or is_admin(user, space))


def _resident(user: Any, space: Any) -> bool:
    """A verified resident of the city (of any member city for alliance budgets)."""
    return space.id in eligible_spaces(user)


def may_submit(user: Any, space: Any, budget: Any) -> bool:
    return (budget is not None and budget.is_published and in_phase(budget, "submit")
            and user.is_confirmed and _resident(user, space))


def may_edit_project(user: Any, space: Any, project: Any) -> bool:
    return (project is not None and project.author_id == user.id and not project.is_withdrawn
            and in_phase(project, "edit_project"))


def may_withdraw_project(user: Any, space: Any, project: Any) -> bool:
    return (project is not None and project.author_id == user.id and not project.is_withdrawn
            and in_phase(project, "withdraw_project"))


def may_support(user: Any, space: Any, project: Any) -> bool:
    """Verified residents, never organisations, only in the selecting phase, on projects that
    are not withdrawn nor found unfeasible. The per-group heading limit is checked by the
    service under lock (it depends on the person's other supports)."""
    if user.is_organisation or not _resident(user, space):
        return False
    return (project is not None and in_phase(project, "support") and not project.is_withdrawn
            and project.feasibility != "unfeasible")


def may_vote(user: Any, space: Any, item: Any) -> bool:
    """Ballots: verified residents, never organisations, in the balloting phase; a project
    must be selected (the limits are checked by the service under lock)."""
    if user.is_organisation or not _resident(user, space) or not in_phase(item, "vote"):
        return False
    if hasattr(item, "budget_id"):
        return bool(item.selected and not item.is_withdrawn and not item.incompatible)
    return True


def may_valuate(user: Any, space: Any, project: Any) -> bool:
    """Administrators, or a valuator assigned to the project, while valuation is open."""
    if project is None or not in_phase(project, "valuate"):
        return False
    if is_admin(user, space):
        return True
    if "valuator" not in roles_in(user, space):
        return False
    assigned = getattr(project, "valuator_ids", None)
    if assigned is None:
        from decide.budgets.queries import valuator_ids

        assigned = valuator_ids(project)
    return user.id in assigned


ACTIONS = {
    "budgets.view": may_view,
    "budgets.manage": frozenset({"administrator"}),
    "budgets.submit": may_submit,
    "budgets.edit_project": may_edit_project,
    "budgets.withdraw_project": may_withdraw_project,
    "budgets.support": may_support,
    "budgets.vote": may_vote,
    "budgets.valuate": may_valuate,
    "budgets.see_valuation_notes": frozenset({"administrator", "valuator"}),
}
