"""Who may do what with debates."""

from __future__ import annotations

from typing import Any

from decide.core.permissions import can


def can_start(user: Any, space: Any) -> bool:
    return can(user, "participate", space) and space.has_module("debates")


def can_edit(user: Any, debate: Any) -> bool:
    """Authors edit until the debate has more votes than the space allows."""
    if user is None or not user.is_authenticated or debate.is_hidden:
        return False
    limit = debate.space.setting("debate_edit_vote_limit")
    return debate.author_id == user.id and debate.votes_total <= limit


def can_vote(user: Any, debate: Any) -> bool:
    """Any confirmed person may vote (organisations never); the cap on unverified votes is
    checked by the service, which can explain a refusal."""
    return (can(user, "participate", debate.space) and not user.is_organisation
            and not debate.is_hidden)


def can_feature(user: Any, space: Any) -> bool:
    return can(user, "space.admin", space)
