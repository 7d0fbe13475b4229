"""Who may do what with comments."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from decide.core.db import utcnow
from decide.core.permissions import can, roles_in

EDIT_WINDOW = timedelta(minutes=10)
# Roles a person may post "as", showing the role's badge, in the order offered.
POSTING_ROLES = ("official", "moderator", "administrator")


def may_edit(user: Any, space: Any, comment: Any) -> bool:
    return (comment.author_id == user.id and not comment.is_deleted and not comment.is_hidden
            and utcnow() - comment.created_at <= EDIT_WINDOW)


def may_delete(user: Any, space: Any, comment: Any) -> bool:
    return comment.author_id == user.id and not comment.is_deleted


def may_vote(user: Any, space: Any, comment: Any) -> bool:
    return bool(user.is_confirmed) and not user.is_organisation and not comment.is_deleted


ACTIONS = {
    "comments.edit": may_edit,
    "comments.delete": may_delete,
    "comments.vote": may_vote,
}


def can_comment(user: Any, space: Any, target: Any) -> bool:
    return can(user, "comment", space, target)


def can_edit(user: Any, comment: Any) -> bool:
    return can(user, "comments.edit", None, comment)


def can_delete(user: Any, comment: Any) -> bool:
    return can(user, "comments.delete", None, comment)


def can_vote(user: Any, space: Any, comment: Any) -> bool:
    return can(user, "comments.vote", space, comment)


def posting_roles(user: Any, space: Any) -> list[str]:
    """Roles the person can post as here (a deployment administrator posts as administrator)."""
    if user is None or not user.is_authenticated:
        return []
    held = roles_in(user, space)
    if user.is_deployment_admin:
        held.add("administrator")
    return [role for role in POSTING_ROLES if role in held]


def can_edit_as_current(comment: Any) -> bool:
    from flask_login import current_user

    return can_edit(current_user, comment)


def can_delete_as_current(comment: Any) -> bool:
    from flask_login import current_user

    return can_delete(current_user, comment)
