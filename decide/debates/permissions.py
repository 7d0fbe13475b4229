"""Who may do what with debates: rules the debates module declares (`debates.<action>`), asked
through `decide.core.permissions.can()`, which also checks that the space enables debates and
that the debate is visible."""

from __future__ import annotations

from typing import Any


def may_start(user: Any, space: Any, item: Any) -> bool:
    return bool(user.is_confirmed)


def may_edit(user: Any, space: Any, debate: Any) -> bool:
    """Authors edit until the debate has more votes than the space allows."""
    if debate is None or debate.is_hidden or debate.author_id != user.id:
        return False
    return debate.votes_total <= space.setting("debate_edit_vote_limit")


def may_vote(user: Any, space: Any, debate: Any) -> bool:
    """Any confirmed person may vote (organisations never); the cap on unverified votes is
    checked by the service, which can explain a refusal."""
    return bool(user.is_confirmed) and not user.is_organisation


ACTIONS = {
    "debates.start": may_start,
    "debates.edit": may_edit,
    "debates.vote": may_vote,
    "debates.feature": frozenset({"administrator"}),
}
