"""Every write about debates: start, edit, vote, feature. One transaction each."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from decide.accounts.models import User
from decide.accounts.services import PERSONAL_DATA_EXPORTERS
from decide.cities.models import Geozone, Space
from decide.core.db import commit_unique, get_in_space, locked, utcnow
from decide.core.errors import DomainError
from decide.core.scoring import hot_score, wilson_lower_bound
from decide.core.signals import debate_created, debate_updated
from decide.core.text import render_markdown
from decide.debates import permissions
from decide.debates.models import (
    DESCRIPTION_MAX,
    MAX_TAGS,
    TITLE_MAX,
    TITLE_MIN,
    Debate,
    DebateRevision,
    DebateVote,
)
from decide.extensions import db
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
    if not permissions.can_start(user, space):
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
    debate_created.send(debate)
    return debate


def edit_debate(user: User, debate: Debate, *, title: str, description: str, tags: str = "",
                geozone_slug: str | None = None) -> Debate:
    """Save an edit and keep it in the history (only fields that changed)."""
    if not permissions.can_edit(user, debate):
        raise DomainError(_("This debate can no longer be edited: it has more votes than "
                            "%(n)d.", n=debate.space.setting("debate_edit_vote_limit")),
                          status=403)
    title, description = _clean_text(title, description)
    tag_names = parse_tags(tags, MAX_TAGS)
    geozone = _geozone(debate.space, geozone_slug)
    changes: dict[str, Any] = {}
    old_tags = sorted(t.name for t in debate.tags)
    if title != debate.title:
        changes["title"] = [debate.title, title]
    if description != debate.description:
        changes["description"] = [debate.description, description]
    if sorted(tag_names) != old_tags:
        changes["tags"] = [old_tags, sorted(tag_names)]
    if geozone != debate.geozone:
        changes["geozone"] = [debate.geozone.name if debate.geozone else None,
                              geozone.name if geozone else None]
    if not changes:
        return debate
    debate.title, debate.description, debate.geozone = title, description, geozone
    debate.description_html = str(render_markdown(description))
    debate.edited_at = utcnow()
    set_tags(debate.space_id, "debate", debate.id, tag_names)
    db.session.add(DebateRevision(debate_id=debate.id, editor_id=user.id, changes=changes))
    _index(debate)
    db.session.commit()
    debate_updated.send(debate)
    return debate


def vote(user: User, space: Space, debate_id: int, agree: bool) -> Debate:
    """Cast or change the person's vote; the database keeps one vote per person and debate."""
    debate = get_in_space(Debate, debate_id, space)
    if debate.is_hidden:
        abort(404)
    if not permissions.can_vote(user, debate):
        if user.is_organisation:
            raise DomainError(_("Organisations cannot vote."), status=403)
        raise DomainError(_("Confirm your e-mail address to vote."), status=403)
    debate = locked(Debate, debate_id, space)
    existing = db.session.scalar(select(DebateVote).where(DebateVote.debate_id == debate.id,
                                                          DebateVote.user_id == user.id))
    verified = user.residence is not None
    if existing is None:
        _check_unverified_cap(debate, verified)
        db.session.add(DebateVote(debate_id=debate.id, user_id=user.id, agree=agree,
                                  verified=verified,
                                  voter_city_id=user.residence.city_id if verified else None))
        if agree:
            debate.votes_agree += 1
        else:
            debate.votes_disagree += 1
        if not verified:
            debate.votes_unverified += 1
    elif existing.agree != agree:
        existing.agree = agree
        delta = 1 if agree else -1
        debate.votes_agree += delta
        debate.votes_disagree -= delta
    else:
        db.session.rollback()
        return debate
    debate.last_activity_at = utcnow()
    rescore(debate)
    commit_unique(_l("Your vote was already counted."))
    return debate


def _check_unverified_cap(debate: Debate, verified: bool) -> None:
    if verified:
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


def set_featured(user: User, debate: Debate, featured: bool) -> None:
    if not permissions.can_feature(user, debate.space):
        raise DomainError(_("Only administrators can feature debates."), status=403)
    debate.featured_at = utcnow() if featured else None
    db.session.commit()


def count_comment(debate: Debate) -> None:
    """A comment was added to the debate: called inside the comment's transaction."""
    debate.comments_count += 1
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


PERSONAL_DATA_EXPORTERS["debates"] = personal_data
