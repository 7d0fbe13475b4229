"""Who may suggest and who may review translations of an object's text."""

from __future__ import annotations

from typing import Any

from decide.core.permissions import can


def is_visible(target: Any) -> bool:
    return not (getattr(target, "is_hidden", False) or getattr(target, "is_deleted", False))


def can_suggest(user: Any, space: Any, target: Any) -> bool:
    """Any signed-in person with a confirmed address, on a visible object."""
    return is_visible(target) and can(user, "participate", space)


def can_review(user: Any, space: Any, target: Any) -> bool:
    """The object's author, or a moderator or administrator of its space."""
    if user is None or not user.is_authenticated or not user.is_active or not is_visible(target):
        return False
    return getattr(target, "author_id", None) == user.id or can(user, "moderate", space)


# Declared in the module (`Module.actions`) for `can(user, action, space, item)`.
ACTIONS = {
    "translations.suggest": lambda user, space, item: can_suggest(user, space, item),
    "translations.review": lambda user, space, item: can_review(user, space, item),
}
