"""Every write about debates: start, edit, vote, feature. One transaction each."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from decide.accounts.models import User
from decide.cities.models import Geozone, Space
from decide.core.db import utcnow
from decide.core.errors import DomainError, NotFoundError
from decide.core.permissions import can
from decide.core.scoring import hot_score, wilson_lower_bound
from decide.core.signals import content_created, content_updated
from decide.core.text import render_markdown
from decide.core.votes import VoteRule, bump_counters, cast
from decide.debates.models import (
    DESCRIPTION_MAX,
    MAX_TAGS,
    TITLE_MAX,
    TITLE_MIN,
    Debate,
    DebateVote,
)
from decide.extensions import db
from decide.history.services import changed_fields, record_revision
from decide.search.services import index_document
from decide.tags.services import parse_tags, set_tags

# Below this many votes, unverified accounts may vote freely (the cap would be noise).
UNVERIFIED_CAP_FROM_VOTES = 100


def _clean_text(title: str, description: str) -> tuple[str, str]:
    title = " ".join((title or "").split())
    description = (description or "").strip()
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        raise DomainError(_("The title needs between %(min)d and %(max)d characters.",
                            min=TITLE_MIN, max=TITLE_MAX), field="title")
    if not description:
        raise DomainError(_("Please describe the debate."), field="description")
    if len(description) > DESCRIPTION_MAX:
        raise DomainError(_("The description can have at most %(max)d characters.",
                            max=DESCRIPTION_MAX), field="description")
    return title, description


def _geozone(space: Space, geozone_slug: str | None) -> Geozone | None:
    if not geozone_slug:
        return None
    if not space.is_city:
        raise DomainError(_("Alliance debates have no district."), field="geozone")
    geozone = db.session.scalar(select(Geozone).where(Geozone.space_id == space.id,
                                                      Geozone.slug == geozone_slug))
    if geozone is None:
        raise DomainError(_("Choose a district of %(city)s.", city=space.name), field="geozone")
    return geozone


def rescore(debate: Debate) -> None:
    """Recompute the stored rankings after a vote or comment changed the counters."""
    debate.confidence_score = wilson_lower_bound(debate.votes_agree, debate.votes_disagree)
    debate.hot_score = hot_score(debate.votes_total, debate.comments_count,
                                 debate.last_activity_at)


def _index(debate: Debate) -> None:
    index_document(space_id=debate.space_id, target_type="debate", target_id=debate.id,
                   locale=debate.locale, title=debate.title, body=debate.description)


def start_debate(user: User, space: Space, *, title: str, description: str, tags: str = "",
                 geozone_slug: str | None = None, locale: str = "es") -> Debate:
    if not can(user, "debates.start", space):
        raise DomainError(_("Confirm your e-mail address to start debates."), status=403)
    title, description = _clean_text(title, description)
    tag_names = parse_tags(tags, MAX_TAGS)
    now = utcnow()
    debate = Debate(
        space_id=space.id, author_id=user.id, title=title, description=description,
        description_html=str(render_markdown(description)), locale=locale,
        geozone=_geozone(space, geozone_slug), last_activity_at=now,
        votes_agree=0, votes_disagree=0, votes_unverified=0, comments_count=0, flags_count=0,
    )
    rescore(debate)
    db.session.add(debate)
    db.session.flush()
    set_tags(space.id, "debate", debate.id, tag_names)
    _index(debate)
    db.session.commit()
    content_created.send(debate)
    return debate


def edit_debate(user: User, debate: Debate, *, title: str, description: str, tags: str = "",
                geozone_slug: str | None = None) -> Debate:
    """Save an edit and keep it in the history (only fields that changed)."""
    if not can(user, "debates.edit", debate.space, debate):
        raise DomainError(_("This debate can no longer be edited: it has more votes than "
                            "%(n)d.", n=debate.space.setting("debate_edit_vote_limit")),
                          status=403)
    title, description = _clean_text(title, description)
    tag_names = parse_tags(tags, MAX_TAGS)
    geozone = _geozone(debate.space, geozone_slug)
    changes = changed_fields(debate, {
        "title": title, "description": description, "tags": sorted(tag_names),
        "geozone": geozone.name if geozone else None,
    }, old_values={"tags": sorted(t.name for t in debate.tags),
                   "geozone": debate.geozone.name if debate.geozone else None})
    if not changes:
        return debate
    debate.title, debate.description, debate.geozone = title, description, geozone
    debate.description_html = str(render_markdown(description))
    debate.edited_at = utcnow()
    set_tags(debate.space_id, "debate", debate.id, tag_names)
    record_revision(debate, user, changes)
    _index(debate)
    db.session.commit()
    content_updated.send(debate)
    return debate


def _check_unverified_cap(voter: User, debate: Debate) -> None:
    """Once a debate has over 100 votes, unverified accounts may cast at most the space's
    share of them (read on the locked row, so concurrent votes cannot overshoot)."""
    if voter.residence is not None:
        return
    total = debate.votes_total + 1
    if total <= UNVERIFIED_CAP_FROM_VOTES:
        return
    cap = debate.space.setting("unverified_vote_cap_percent")
    if (debate.votes_unverified + 1) * 100 > cap * total:
        raise DomainError(
            _("This debate has over %(n)d votes and accounts without a verified residence "
              "already cast %(cap)d%% of them, the most allowed here. Verify your residence "
              "to vote.", n=UNVERIFIED_CAP_FROM_VOTES, cap=cap),
            status=403)


def _rescore_after_vote(debate: Debate) -> None:
    debate.last_activity_at = utcnow()
    rescore(debate)


VOTES = VoteRule(
    target_type="debate", vote_model=DebateVote, item_model=Debate, item_key="debate_id",
    value_column="agree", choices={"agree": True, "disagree": False},
    counters={"agree": "votes_agree", "disagree": "votes_disagree"},
    per_city=True,
    voter_columns={"verified": lambda user: user.residence is not None},
    check_new=_check_unverified_cap,
    new_vote_counters={"votes_unverified": lambda user: int(user.residence is None)},
    rescore=_rescore_after_vote,
)


def vote(user: User, space: Space, debate_id: int, agree: bool) -> Debate:
    """Cast or change the person's vote; the database keeps one vote per person and debate."""

    def may_vote(debate: Debate) -> None:
        # Checked on the locked row: one load of the debate for the whole vote.
        if debate.is_hidden:
            raise NotFoundError()
        if not can(user, "debates.vote", space, debate):
            if user.is_organisation:
                raise DomainError(_("Organisations cannot vote."), status=403)
            raise DomainError(_("Confirm your e-mail address to vote."), status=403)

    debate, _changed = cast(VOTES, user, space, debate_id, "agree" if agree else "disagree",
                            check=may_vote)
    return debate


def set_featured(user: User, debate: Debate, featured: bool) -> None:
    if not can(user, "debates.feature", debate.space):
        raise DomainError(_("Only administrators can feature debates."), status=403)
    debate.featured_at = utcnow() if featured else None
    db.session.commit()


def count_comment(debate: Debate) -> None:
    """A comment was added to the debate: called inside the comment's transaction."""
    bump_counters(Debate, debate.id, comments_count=1)
    db.session.refresh(debate, attribute_names=["comments_count", "votes_agree",
                                                "votes_disagree"])
    debate.last_activity_at = utcnow()
    rescore(debate)


def personal_data(user: User) -> dict[str, Any]:
    """The person's debates and votes, for the data download."""
    debates = db.session.scalars(select(Debate).where(Debate.author_id == user.id)
                                 .order_by(Debate.id)).all()
    votes = db.session.execute(select(DebateVote.debate_id, DebateVote.agree,
                                      DebateVote.created_at)
                               .where(DebateVote.user_id == user.id)
                               .order_by(DebateVote.id)).all()
    return {
        "debates": [{"id": d.id, "space_id": d.space_id, "title": d.title,
                     "description": d.description, "created_at": d.created_at.isoformat()}
                    for d in debates],
        "votes": [{"debate_id": v.debate_id, "agree": v.agree,
                   "created_at": v.created_at.isoformat()} for v in votes],
    }

