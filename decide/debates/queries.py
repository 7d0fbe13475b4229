"""Reads for debates, scoped to their space and eager-loading what pages show."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, func, literal, select, union
from sqlalchemy.orm import joinedload, selectinload

from decide.accounts.models import Residence, User
from decide.accounts.queries import with_badges
from decide.cities.models import AllianceMembership, City, Geozone, Space
from decide.comments.models import Comment
from decide.core.db import in_space
from decide.core.pagination import paginate
from decide.debates.models import Debate, DebateRevision, DebateVote
from decide.extensions import db
from decide.search.queries import matches
from decide.tags.models import Tag, Tagging

ORDERS = ("hot", "active", "top", "new")
PER_PAGE = 20


@dataclass
class DebateFilters:
    order: str = "hot"
    tag: Tag | None = None
    geozone: Geozone | None = None
    query: str = ""

    @property
    def is_filtered(self) -> bool:
        return bool(self.tag or self.geozone or self.query)


def _as_shown() -> list[Any]:
    """What a debate card or page shows besides the debate: author badges, tags, district."""
    return [with_badges(Debate.author), selectinload(Debate.tags), joinedload(Debate.geozone)]


def featured(space: Space, limit: int = 3) -> list[Debate]:
    """Debates administrators feature, shown above the list's first page."""
    return list(db.session.scalars(
        in_space(Debate, space).where(Debate.hidden_at.is_(None),
                                      Debate.featured_at.is_not(None))
        .order_by(Debate.featured_at.desc()).limit(limit)
        .options(*_as_shown())))


def debate_list(space: Space, filters: DebateFilters) -> Select[tuple[Debate]]:
    """Visible debates of the space, filtered and ordered (featured ones are shown apart
    when the list is not filtered)."""
    statement = in_space(Debate, space).where(Debate.hidden_at.is_(None))
    if not filters.is_filtered:
        statement = statement.where(Debate.featured_at.is_(None))
    if filters.tag is not None:
        statement = statement.join(Tagging, and_(Tagging.target_type == "debate",
                                                 Tagging.target_id == Debate.id,
                                                 Tagging.tag_id == filters.tag.id))
    if filters.geozone is not None:
        statement = statement.where(Debate.geozone_id == filters.geozone.id)
    ordering: list[Any] = []
    if filters.query:
        found = matches(space, "debate", filters.query)
        if found is None:
            return statement.where(literal(False))
        statement = statement.join(found, found.c.target_id == Debate.id)
        if filters.order == "hot":
            ordering.append(found.c.rank.desc())
    ordering += {
        "hot": [Debate.hot_score.desc()],
        "active": [Debate.comments_count.desc(), Debate.last_activity_at.desc()],
        "top": [Debate.confidence_score.desc()],
        "new": [Debate.created_at.desc()],
    }[filters.order]
    ordering.append(Debate.id.desc())
    return statement.order_by(*ordering).options(*_as_shown())


def debate_for_page(space: Space, debate_id: int) -> Debate | None:
    return db.session.scalar(
        in_space(Debate, space).where(Debate.id == debate_id)
        .options(*_as_shown()))


def user_vote(debate: Debate, user: Any) -> bool | None:
    """True (agree), False (disagree) or None (no vote yet)."""
    if user is None or not user.is_authenticated:
        return None
    return db.session.scalar(select(DebateVote.agree).where(DebateVote.debate_id == debate.id,
                                                           DebateVote.user_id == user.id))


def revisions(debate: Debate) -> list[DebateRevision]:
    return list(db.session.scalars(
        select(DebateRevision).where(DebateRevision.debate_id == debate.id)
        .order_by(DebateRevision.created_at.desc(), DebateRevision.id.desc())
        .options(joinedload(DebateRevision.editor))))


def participant_cities(debate: Debate, members: set[int]) -> list[tuple[City | None, int]]:
    """How many people took part (voted or commented) from each city: the verified residence
    when there is one, else the home city the person gave. Members of the alliance first."""
    voters = select(DebateVote.user_id.label("user_id")).where(
        DebateVote.debate_id == debate.id)
    commenters = select(Comment.author_id.label("user_id")).where(
        Comment.target_type == "debate", Comment.target_id == debate.id,
        Comment.deleted_at.is_(None))
    people = union(voters, commenters).subquery()
    city_id = func.coalesce(Residence.city_id, User.home_city_id)
    rows = db.session.execute(
        select(city_id, func.count())
        .select_from(people)
        .join(User, User.id == people.c.user_id)
        .outerjoin(Residence, Residence.user_id == User.id)
        .where(User.deleted_at.is_(None))
        .group_by(city_id)).all()
    cities = {c.id: c for c in db.session.scalars(
        select(City).where(City.id.in_([r[0] for r in rows if r[0] is not None])))}
    result = [(cities.get(cid) if cid is not None else None, n) for cid, n in rows]
    return sorted(result, key=lambda pair: (
        pair[0] is None, pair[0] is not None and pair[0].id not in members, -pair[1],
        pair[0].name if pair[0] else ""))


def member_city_ids(space: Space) -> set[int]:
    return set(db.session.scalars(select(AllianceMembership.city_id).where(
        AllianceMembership.alliance_id == space.id)))


def geozone_by_slug(space: Space, slug: str) -> Geozone | None:
    return db.session.scalar(in_space(Geozone, space).where(Geozone.slug == slug))


def top_debates(space: Space, limit: int = 3) -> list[Debate]:
    """For the space's home page."""
    return list(db.session.scalars(
        in_space(Debate, space).where(Debate.hidden_at.is_(None))
        .order_by(Debate.hot_score.desc()).limit(limit)))


def debate_count(space: Space) -> int:
    return db.session.scalar(select(func.count(Debate.id)).where(
        Debate.space_id == space.id, Debate.hidden_at.is_(None))) or 0


def search(space: Space, query: str, limit: int) -> tuple[list[Debate], int]:
    """The best matches for the space's search page, and how many there are."""
    page = paginate(debate_list(space, DebateFilters(query=query)), 1, limit)
    return page.items, page.total


def activity_of(user: Any, limit: int) -> list[tuple[str, str, Space, int, int | None, Any]]:
    """(kind, title, space, debate id, comment id, date) of the person's newest visible debates
    and comments on debates: two queries, whatever they published."""
    debates = db.session.execute(
        select(Debate, Space).join(Space, Space.id == Debate.space_id)
        .where(Debate.author_id == user.id, Debate.hidden_at.is_(None))
        .order_by(Debate.created_at.desc()).limit(limit)).all()
    comments = db.session.execute(
        select(Comment, Debate, Space)
        .join(Debate, and_(Comment.target_type == "debate", Debate.id == Comment.target_id))
        .join(Space, Space.id == Debate.space_id)
        .where(Comment.author_id == user.id, Comment.deleted_at.is_(None),
               Comment.hidden_at.is_(None), Debate.hidden_at.is_(None))
        .order_by(Comment.created_at.desc()).limit(limit)).all()
    return ([("debate", d.title, s, d.id, None, d.created_at) for d, s in debates]
            + [("comment", d.title, s, d.id, c.id, c.created_at) for c, d, s in comments])
