"""Reads for debates, scoped to their space and eager-loading what pages show."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, func, select, union
from sqlalchemy.orm import joinedload, selectinload

from decide.accounts.models import Residence, User
from decide.accounts.queries import with_badges
from decide.cities.models import AllianceMembership, City, Space
from decide.comments.models import Comment
from decide.core import counts
from decide.core.db import in_space
from decide.core.pagination import paginate
from decide.debates.models import Debate, DebateVote
from decide.extensions import db
from decide.listings.queries import Filters, Listing, Ordering

PER_PAGE = 20

# The debate list's orderings, each served by its index (see Debate.__table_args__).
LISTING = Listing(model=Debate, target_type="debate", per_page=PER_PAGE, orderings=(
    Ordering("hot", _l("Hot"), lambda: [Debate.hot_score.desc()], "ix_debates_space_hot",
             rank_first=True),
    Ordering("active", _l("Most active"),
             lambda: [Debate.comments_count.desc(), Debate.last_activity_at.desc()],
             "ix_debates_space_activity"),
    Ordering("top", _l("Highest rated"), lambda: [Debate.confidence_score.desc()],
             "ix_debates_space_confidence"),
    Ordering("new", _l("Newest"), lambda: [Debate.created_at.desc()],
             "ix_debates_space_created"),
))


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


def debate_list(space: Space, filters: Filters) -> Select[tuple[Debate]]:
    """Visible debates of the space, filtered and ordered (featured ones are shown apart
    when the list is not filtered)."""
    statement = in_space(Debate, space).where(Debate.hidden_at.is_(None))
    if not filters.is_filtered:
        statement = statement.where(Debate.featured_at.is_(None))
    return LISTING.select(space, filters, statement).options(*_as_shown())


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


def top_debates(space: Space, limit: int = 3) -> list[Debate]:
    """For the space's home page."""
    return list(db.session.scalars(
        in_space(Debate, space).where(Debate.hidden_at.is_(None))
        .order_by(Debate.hot_score.desc()).limit(limit)))


COUNT_NAME = "debates"


def is_counted(values: Mapping[str, Any]) -> bool:
    """A debate counts on the space home page while it is not hidden."""
    return values["hidden_at"] is None


def counted(space: Space) -> Select[tuple[Debate]]:
    """The rows `debate_count` counts (for back-fills and recounts)."""
    return select(Debate.id).where(Debate.space_id == space.id, Debate.hidden_at.is_(None))


def debate_count(space: Space) -> int:
    """Visible debates of the space: a counter kept on the space (see decide.core.counts)."""
    return counts.read(space, COUNT_NAME)


def search(space: Space, query: str, limit: int) -> tuple[list[Debate], int]:
    """The best matches for the space's search page, and how many there are."""
    page = paginate(debate_list(space, Filters(order="hot", query=query)), 1, limit)
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
