"""Reads for debates, scoped to their space and eager-loading what pages show."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, exists, func, null, select, union
from sqlalchemy.orm import joinedload, selectinload

from decide.accounts.models import Residence, RoleAssignment, User
from decide.accounts.queries import with_badges
from decide.cities.models import AllianceMembership, City, Space
from decide.comments.models import Comment
from decide.core import counts
from decide.core.db import in_space
from decide.core.pagination import paginate
from decide.debates.models import Debate, DebateVote
from decide.extensions import db
from decide.follows.queries import FollowState, follow_columns, remember_follow_state
from decide.listings.queries import Filters, Listing, Ordering
from decide.moderation.queries import flagged_by_column

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


@dataclass(frozen=True)
class ViewerState:
    """What the debate page shows about its reader: their vote, their flag, the follow button
    (also kept for `follow_button`, see `decide.follows.queries.remember_follow_state`)."""

    my_vote: bool | None
    flagged: bool
    follow: FollowState


def _viewer_columns(user: Any) -> list[Any]:
    """The reader's vote and flag on the debate and its follow state, as columns of a query
    over debates: one statement reads them with the debate."""
    signed_in = user is not None and user.is_authenticated
    my_vote = (select(DebateVote.agree).where(DebateVote.debate_id == Debate.id,
                                              DebateVote.user_id == user.id).scalar_subquery()
               if signed_in else null())
    return [my_vote, flagged_by_column(user, "debate", Debate.id),
            *follow_columns(user, "debate", Debate.id)]


def _viewer_state(user: Any, debate: Debate, my_vote: Any, flagged: Any, followers: Any,
                  following: Any) -> ViewerState:
    return ViewerState(
        my_vote=None if my_vote is None else bool(my_vote), flagged=bool(flagged),
        follow=remember_follow_state(user, "debate", debate.id, followers, following))


def _as_shown_joined() -> list[Any]:
    """`_as_shown` in one statement, for the page of one debate (a handful of tags and roles
    cost less joined than in two more round trips)."""
    return [joinedload(Debate.author).joinedload(User.roles).joinedload(RoleAssignment.space),
            joinedload(Debate.tags), joinedload(Debate.geozone)]


def debate_page(space: Space, debate_id: int, user: Any) -> tuple[Debate, ViewerState] | None:
    """The debate of its page with what the page shows of it and of its reader, in one
    statement."""
    row = db.session.execute(
        select(Debate, *_viewer_columns(user))
        .where(Debate.space_id == space.id, Debate.id == debate_id)
        .options(*_as_shown_joined())).unique().first()
    if row is None:
        return None
    return row[0], _viewer_state(user, row[0], *row[1:])


def viewer_state(debate: Debate, user: Any) -> ViewerState:
    """The reader's state on a debate already loaded (one query)."""
    row = db.session.execute(
        select(*_viewer_columns(user)).where(Debate.id == debate.id)).one()
    return _viewer_state(user, debate, *row)


def user_vote(debate: Debate, user: Any) -> bool | None:
    """True (agree), False (disagree) or None (no vote yet)."""
    if user is None or not user.is_authenticated:
        return None
    return db.session.scalar(select(DebateVote.agree).where(DebateVote.debate_id == debate.id,
                                                           DebateVote.user_id == user.id))


def participant_cities(debate: Debate, alliance: Space
                       ) -> tuple[list[tuple[City | None, int]], set[int]]:
    """How many people took part (voted or commented) from each city: the verified residence
    when there is one, else the home city the person gave. Members of the alliance first.
    Also the ids of the member cities among them. One query."""
    voters = select(DebateVote.user_id.label("user_id")).where(
        DebateVote.debate_id == debate.id)
    commenters = select(Comment.author_id.label("user_id")).where(
        Comment.target_type == "debate", Comment.target_id == debate.id,
        Comment.deleted_at.is_(None))
    people = union(voters, commenters).subquery()
    city_id = func.coalesce(Residence.city_id, User.home_city_id)
    per_city = (
        select(city_id.label("city_id"), func.count().label("n"))
        .select_from(people)
        .join(User, User.id == people.c.user_id)
        .outerjoin(Residence, Residence.user_id == User.id)
        .where(User.deleted_at.is_(None))
        .group_by(city_id).subquery())
    is_member = exists().where(AllianceMembership.alliance_id == alliance.id,
                               AllianceMembership.city_id == per_city.c.city_id)
    rows = db.session.execute(
        select(City, per_city.c.n, is_member)
        .select_from(per_city)
        .outerjoin(City, City.id == per_city.c.city_id)).all()
    members = {city.id for city, _, member in rows if city is not None and member}
    result = [(city, n) for city, n, _ in rows]
    return sorted(result, key=lambda pair: (
        pair[0] is None, pair[0] is not None and pair[0].id not in members, -pair[1],
        pair[0].name if pair[0] else "")), members


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
