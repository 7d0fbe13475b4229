"""Reads for proposals and joint actions, scoped to their space, eager-loading what pages
show."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from decide.accounts.queries import with_badges
from decide.cities.models import AllianceMembership, City, Space
from decide.core import counts
from decide.core.db import in_space, utcnow
from decide.core.pagination import paginate
from decide.core.votes import city_counts
from decide.extensions import db
from decide.listings.queries import Filters, Listing, Ordering, Status
from decide.proposals.models import (
    Endorsement,
    Proposal,
    ProposalCoauthor,
    ProposalSupport,
    ProposalUpdate,
)

PER_PAGE = 20
MAX_FEATURED = 3


def archive_cutoff(space: Space) -> Any:
    """Proposals published before this and not successful are archived."""
    return utcnow() - timedelta(days=30 * space.setting("months_to_archive"))


def _open(space: Space) -> Any:
    return and_(Proposal.successful_at.is_(None), Proposal.retired_at.is_(None),
                Proposal.published_at >= archive_cutoff(space))


def _archived(space: Space) -> Any:
    return and_(Proposal.successful_at.is_(None), Proposal.retired_at.is_(None),
                Proposal.published_at < archive_cutoff(space))


LISTING = Listing(
    model=Proposal, target_type="proposal", per_page=PER_PAGE,
    orderings=(
        Ordering("hot", _l("Hot"), lambda: [Proposal.hot_score.desc()],
                 "ix_proposals_space_hot", rank_first=True),
        Ordering("supports", _l("Most supported"), lambda: [Proposal.supports_count.desc()],
                 "ix_proposals_space_supports"),
        Ordering("new", _l("Newest"), lambda: [Proposal.published_at.desc()],
                 "ix_proposals_space_published"),
    ),
    statuses=(
        Status("open", _l("Open"), _open),
        Status("successful", _l("Successful"), lambda space: Proposal.successful_at.is_not(None)),
        Status("archived", _l("Archived"), _archived),
        Status("retired", _l("Retired"), lambda space: Proposal.retired_at.is_not(None)),
    ),
)


def _as_shown() -> list[Any]:
    return [with_badges(Proposal.author), selectinload(Proposal.tags),
            joinedload(Proposal.geozone)]


def _published(space: Space) -> Select[tuple[Proposal]]:
    return in_space(Proposal, space).where(Proposal.published_at.is_not(None),
                                           Proposal.hidden_at.is_(None))


def proposal_list(space: Space, filters: Filters) -> Select[tuple[Proposal]]:
    """Published, visible proposals of the space, filtered and ordered (featured ones are
    shown apart when the list is not filtered)."""
    statement = _published(space)
    if not filters.is_filtered:
        statement = statement.where(Proposal.featured_at.is_(None))
    return LISTING.select(space, filters, statement).options(*_as_shown())


def featured(space: Space) -> list[Proposal]:
    return list(db.session.scalars(
        _published(space).where(Proposal.featured_at.is_not(None))
        .order_by(Proposal.featured_at.desc()).limit(MAX_FEATURED).options(*_as_shown())))


def featured_count(space: Space) -> int:
    return db.session.scalar(select(func.count()).select_from(Proposal).where(
        Proposal.space_id == space.id, Proposal.featured_at.is_not(None),
        Proposal.hidden_at.is_(None))) or 0


def proposal_for_page(space: Space, proposal_id: int) -> Proposal | None:
    proposal = db.session.scalar(
        in_space(Proposal, space).where(Proposal.id == proposal_id).options(*_as_shown()))
    if proposal is not None:
        proposal.accepted_coauthor_ids = accepted_coauthor_ids(proposal)
    return proposal


def accepted_coauthor_ids(proposal: Proposal) -> set[int]:
    return set(db.session.scalars(select(ProposalCoauthor.user_id).where(
        ProposalCoauthor.proposal_id == proposal.id,
        ProposalCoauthor.accepted_at.is_not(None))))


def status_of(proposal: Proposal) -> str:
    from decide.proposals.permissions import is_archived

    if proposal.is_draft:
        return "draft"
    if proposal.retired_at is not None:
        return "retired"
    if proposal.successful_at is not None:
        return "successful"
    if is_archived(proposal, proposal.space):
        return "archived"
    return "open"


def city_threshold(city: Space) -> int:
    """Supports a proposal of `city` needs: a share of the census when set, else the number."""
    percent = city.setting("support_threshold_census_percent")
    census = city.setting("census_size")
    if percent > 0 and census > 0:
        return max(1, math.ceil(census * percent / 100))
    return int(city.setting("support_threshold"))


@dataclass
class CityProgress:
    city: City
    supports: int
    threshold: int

    @property
    def reached(self) -> bool:
        return self.supports >= self.threshold

    @property
    def percent(self) -> int:
        return min(100, int(100 * self.supports / self.threshold)) if self.threshold else 100


@dataclass
class Progress:
    """How far a proposal is from success, and the rule in plain words."""

    supports: int
    threshold: int              # the total needed (0 when the alliance has no total rule)
    min_cities: int = 0         # alliances: member cities that must reach their own threshold
    cities: list[CityProgress] = field(default_factory=list)

    @property
    def cities_reached(self) -> int:
        return sum(1 for c in self.cities if c.reached)

    @property
    def needed(self) -> int:
        return max(0, self.threshold - self.supports)

    @property
    def percent(self) -> int:
        if self.threshold:
            return min(100, int(100 * self.supports / self.threshold))
        if self.min_cities:
            return min(100, int(100 * self.cities_reached / self.min_cities))
        return 0

    @property
    def reached(self) -> bool:
        total_ok = self.threshold == 0 or self.supports >= self.threshold
        cities_ok = self.min_cities == 0 or self.cities_reached >= self.min_cities
        return (self.threshold or self.min_cities) > 0 and total_ok and cities_ok

    def rule_text(self) -> str:
        """The success rule in plain words, in the reader's language."""
        parts = []
        if self.threshold:
            parts.append(ngettext("%(num)d support in total", "%(num)d supports in total",
                                  self.threshold))
        if self.min_cities:
            parts.append(ngettext(
                "the support its own threshold asks in at least %(num)d member city",
                "the support its own threshold asks in at least %(num)d member cities",
                self.min_cities))
        if not parts:
            return str(_l("This alliance has not set a success rule yet."))
        return str(_l("It succeeds with %(rule)s.", rule=str(_l(" and ")).join(parts)))


def member_cities(alliance: Space) -> list[City]:
    return list(db.session.scalars(
        select(City).join(AllianceMembership, AllianceMembership.city_id == City.id)
        .where(AllianceMembership.alliance_id == alliance.id)
        .order_by(AllianceMembership.position, City.id)))


def progress(proposal: Proposal) -> Progress:
    """The supports against the space's rule: a city's threshold, or the alliance's rule over
    its member cities (each city's own threshold applies to its residents' supports)."""
    space = proposal.space
    if space.is_city:
        return Progress(supports=proposal.supports_count, threshold=city_threshold(space))
    from decide.proposals.services import SUPPORTS

    counts = city_counts(SUPPORTS, proposal.id)
    cities = [CityProgress(city, counts.get(city.id, {}).get("support", 0), city_threshold(city))
              for city in member_cities(space)]
    return Progress(supports=proposal.supports_count,
                    threshold=space.setting("joint_action_total_threshold"),
                    min_cities=space.setting("joint_action_min_cities"), cities=cities)


def endorsements_of(proposal: Proposal) -> list[Endorsement]:
    return list(db.session.scalars(
        select(Endorsement).where(Endorsement.proposal_id == proposal.id,
                                  Endorsement.withdrawn_at.is_(None))
        .order_by(Endorsement.created_at)
        .options(joinedload(Endorsement.city), joinedload(Endorsement.user))))


def updates_of(proposal: Proposal) -> list[ProposalUpdate]:
    return list(db.session.scalars(
        select(ProposalUpdate).where(ProposalUpdate.proposal_id == proposal.id)
        .order_by(ProposalUpdate.created_at.desc()).options(joinedload(ProposalUpdate.author))))


def coauthors_of(proposal: Proposal) -> list[ProposalCoauthor]:
    return list(db.session.scalars(
        select(ProposalCoauthor).where(ProposalCoauthor.proposal_id == proposal.id)
        .order_by(ProposalCoauthor.invited_at).options(joinedload(ProposalCoauthor.user))))


def has_supported(proposal: Proposal, user: Any) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return db.session.scalar(select(ProposalSupport.id).where(
        ProposalSupport.proposal_id == proposal.id,
        ProposalSupport.user_id == user.id)) is not None


def drafts_of(user: Any, space: Space) -> list[Proposal]:
    """The person's unpublished proposals here (as author or invited co-author)."""
    if user is None or not user.is_authenticated:
        return []
    coauthored = select(ProposalCoauthor.proposal_id).where(ProposalCoauthor.user_id == user.id)
    return list(db.session.scalars(
        in_space(Proposal, space).where(Proposal.published_at.is_(None),
                                        or_(Proposal.author_id == user.id,
                                            Proposal.id.in_(coauthored)))
        .order_by(Proposal.created_at.desc())))


def endorsing_city(user: Any, proposal: Proposal) -> City | None:
    from decide.proposals.permissions import endorsing_city_of

    if user is None or not user.is_authenticated:
        return None
    return endorsing_city_of(user, proposal.space)


def top_proposals(space: Space, limit: int = 3) -> list[Proposal]:
    return list(db.session.scalars(
        _published(space).where(_open(space)).order_by(Proposal.hot_score.desc(),
                                                       Proposal.id.desc()).limit(limit)))


COUNT_NAME = "proposals"


def is_counted(values: Mapping[str, Any]) -> bool:
    """A proposal counts on the space home page once published, while it is not hidden
    (retired and successful ones still count)."""
    return values["published_at"] is not None and values["hidden_at"] is None


def counted(space: Space) -> Select[Any]:
    """The rows `proposal_count` counts (for back-fills and recounts)."""
    return select(Proposal.id).where(Proposal.space_id == space.id,
                                     Proposal.published_at.is_not(None),
                                     Proposal.hidden_at.is_(None))


def proposal_count(space: Space) -> int:
    """Published, visible proposals: a counter kept on the space (see decide.core.counts)."""
    return counts.read(space, COUNT_NAME)


def search(space: Space, query: str, limit: int) -> tuple[list[Proposal], int]:
    """The best matches for the space's search page (codes are indexed with the text)."""
    page = paginate(proposal_list(space, Filters(order="hot", query=query)), 1, limit)
    return page.items, page.total


def activity_of(user: Any, limit: int) -> list[tuple[Proposal, Space]]:
    """The person's newest published, visible proposals, with their spaces."""
    rows = db.session.execute(
        select(Proposal, Space).join(Space, Space.id == Proposal.space_id)
        .where(Proposal.author_id == user.id, Proposal.published_at.is_not(None),
               Proposal.hidden_at.is_(None))
        .order_by(Proposal.published_at.desc()).limit(limit)).all()
    return [(proposal, space) for proposal, space in rows]
