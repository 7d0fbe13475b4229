"""Who may do what with proposals and joint actions: rules the module declares
(`proposals.<action>`), asked through `decide.core.permissions.can()`, which also checks that the
space enables proposals and that the item is visible."""

from __future__ import annotations

from typing import Any

from decide.core.db import utcnow
from decide.core.permissions import eligible_spaces


def is_author(user: Any, proposal: Any) -> bool:
    """The author, or a co-author who accepted (loaded by the page's query)."""
    if proposal.author_id == user.id:
        return True
    accepted = getattr(proposal, "accepted_coauthor_ids", None)
    if accepted is None:
        from decide.proposals.queries import accepted_coauthor_ids

        accepted = accepted_coauthor_ids(proposal)
    return user.id in accepted


def is_archived(proposal: Any, space: Any) -> bool:
    """Published more than the space's months ago without succeeding (computed, no job)."""
    if proposal.published_at is None or proposal.successful_at is not None:
        return False
    months = space.setting("months_to_archive")
    return (utcnow() - proposal.published_at).days >= months * 30


def is_open(proposal: Any, space: Any) -> bool:
    """Published and still taking supports."""
    return (proposal.published_at is not None and proposal.retired_at is None
            and proposal.successful_at is None and not proposal.is_hidden
            and not is_archived(proposal, space))


def may_create(user: Any, space: Any, item: Any) -> bool:
    """Anyone confirmed drafts in a city; in an alliance, verified residents of member cities
    (and organisations, which propose but never support)."""
    if not user.is_confirmed:
        return False
    return bool(space.is_city or user.is_organisation or space.id in eligible_spaces(user))


def may_edit(user: Any, space: Any, proposal: Any) -> bool:
    if proposal is None or proposal.retired_at is not None or not is_author(user, proposal):
        return False
    return proposal.supports_count <= space.setting("proposal_edit_support_limit")


def may_publish(user: Any, space: Any, proposal: Any) -> bool:
    return proposal is not None and proposal.is_draft and proposal.author_id == user.id


def may_support(user: Any, space: Any, proposal: Any) -> bool:
    """Verified residents of the city (of a member city for joint actions); never
    organisations; only while the proposal is open."""
    if user.is_organisation or space.id not in eligible_spaces(user):
        return False
    return proposal is not None and is_open(proposal, space)


def may_retire(user: Any, space: Any, proposal: Any) -> bool:
    return (proposal is not None and proposal.published_at is not None
            and proposal.retired_at is None and proposal.author_id == user.id)


def may_send_update(user: Any, space: Any, proposal: Any) -> bool:
    return (proposal is not None and proposal.published_at is not None
            and is_author(user, proposal))


def may_manage_coauthors(user: Any, space: Any, proposal: Any) -> bool:
    return proposal is not None and proposal.author_id == user.id and proposal.retired_at is None


def endorsing_city_of(user: Any, space: Any) -> Any:
    """The member city `user` may endorse for: one where they are administrator or public
    official (levels are shown, not checked: the city grants the role). Reads the roles the
    person already has loaded, so the page costs no query per member city."""
    if not space.is_alliance or user is None or not user.is_authenticated:
        return None
    speaking_for = {r.space_id: r.space for r in user.roles
                    if r.role in ("administrator", "official")}
    for membership in space.memberships:
        if membership.city_id in speaking_for:
            return speaking_for[membership.city_id]
    return None


def may_endorse(user: Any, space: Any, proposal: Any) -> bool:
    return (proposal is not None and proposal.published_at is not None
            and proposal.retired_at is None and endorsing_city_of(user, space) is not None)


ACTIONS = {
    "proposals.create": may_create,
    "proposals.edit": may_edit,
    "proposals.publish": may_publish,
    "proposals.support": may_support,
    "proposals.retire": may_retire,
    "proposals.send_update": may_send_update,
    "proposals.manage_coauthors": may_manage_coauthors,
    "proposals.endorse": may_endorse,
    "proposals.feature": frozenset({"administrator"}),
}
