"""Every write about proposals and joint actions. One transaction each; refusals are
DomainErrors with a translated message."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from decide.accounts.models import User
from decide.audit.services import record
from decide.cities.models import Geozone, Space
from decide.core.db import get_in_space, locked, utcnow
from decide.core.errors import DomainError, NotFoundError
from decide.core.permissions import can
from decide.core.scoring import hot_score
from decide.core.signals import content_created, content_updated
from decide.core.text import render_markdown
from decide.core.votes import VoteRule, bump_counters, cast
from decide.extensions import db
from decide.follows.services import add_follower, follow, follower_ids
from decide.history.services import changed_fields, record_revision
from decide.notifications.services import Event, notify
from decide.proposals import permissions, queries
from decide.proposals.models import (
    DESCRIPTION_MAX,
    EXPLANATION_MAX,
    MAX_TAGS,
    RETIRE_REASONS,
    STATEMENT_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
    TITLE_MIN,
    UPDATE_BODY_MAX,
    UPDATE_TITLE_MAX,
    VIDEO_URL_MAX,
    Endorsement,
    Proposal,
    ProposalCoauthor,
    ProposalSupport,
    ProposalUpdate,
)
from decide.proposals.signals import proposal_succeeded
from decide.search.services import index_document
from decide.tags.services import parse_tags, set_tags


def rescore(proposal: Proposal) -> None:
    """Hot: supports and comments, newer activity counting more (as debates)."""
    proposal.hot_score = hot_score(proposal.supports_count, proposal.comments_count,
                                   proposal.last_activity_at)


def _still_open(user: User, proposal: Proposal) -> None:
    """Checked on the locked row: supports that crossed the line first close it."""
    if proposal.successful_at is not None or proposal.retired_at is not None:
        raise DomainError(_support_refusal(user, proposal.space, proposal), status=403)


def _follow_on_support(supporter: User, proposal: Proposal) -> None:
    """Supporting follows the proposal, in the support's own transaction."""
    add_follower(supporter, proposal.space_id, "proposal", proposal.id)


def _after_support(proposal: Proposal) -> None:
    """In the support's transaction, with fresh counters: rescore, and mark the proposal
    successful when its rule is met, so that exactly the supports that reached it count."""
    proposal.last_activity_at = utcnow()
    rescore(proposal)
    if proposal.successful_at is None and queries.progress(proposal).reached:
        proposal.successful_at = utcnow()
        proposal.just_succeeded = True  # announced once the transaction commits
        record(None, proposal.space_id, "proposals.succeeded", proposal,
               supports=proposal.supports_count)


SUPPORTS = VoteRule(
    target_type="proposal", vote_model=ProposalSupport, item_model=Proposal,
    item_key="proposal_id", value_column="value", choices={"support": 1},
    counters={"support": "supports_count"}, changeable=False, per_city=True,
    check_new=_still_open, after_new=_follow_on_support, rescore=_after_support,
    duplicate_message=_l("You already support this proposal."),
)


# --- writing ------------------------------------------------------------------------------

def _clean(space: Space, *, title: str, summary: str, description: str, video_url: str,
           geozone_slug: str | None) -> dict[str, Any]:
    title = " ".join((title or "").split())
    summary = " ".join((summary or "").split())
    description = (description or "").strip()
    video_url = (video_url or "").strip()
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        raise DomainError(_("The title needs between %(min)d and %(max)d characters.",
                            min=TITLE_MIN, max=TITLE_MAX), field="title")
    if not summary:
        raise DomainError(_("Sum the proposal up in a sentence or two."), field="summary")
    if len(summary) > SUMMARY_MAX:
        raise DomainError(_("The summary can have at most %(max)d characters.",
                            max=SUMMARY_MAX), field="summary")
    if not description:
        raise DomainError(_("Please describe the proposal."), field="description")
    if len(description) > DESCRIPTION_MAX:
        raise DomainError(_("The description can have at most %(max)d characters.",
                            max=DESCRIPTION_MAX), field="description")
    if video_url:
        parts = urlsplit(video_url)
        if parts.scheme not in ("http", "https") or not parts.netloc \
                or len(video_url) > VIDEO_URL_MAX:
            raise DomainError(_("Give the video's full address, starting with https://."),
                              field="video_url")
    geozone = None
    if geozone_slug:
        if not space.is_city:
            raise DomainError(_("Joint actions have no district."), field="geozone")
        geozone = db.session.scalar(select(Geozone).where(Geozone.space_id == space.id,
                                                          Geozone.slug == geozone_slug))
        if geozone is None:
            raise DomainError(_("Choose a district of %(city)s.", city=space.name),
                              field="geozone")
    return {"title": title, "summary": summary, "description": description,
            "video_url": video_url or None, "geozone": geozone}


def _index(proposal: Proposal) -> None:
    """Search finds a proposal by its words and by its code."""
    index_document(space_id=proposal.space_id, target_type="proposal", target_id=proposal.id,
                   locale=proposal.locale, title=f"{proposal.title} {proposal.code or ''}",
                   body=f"{proposal.summary}\n{proposal.description}")


def create_draft(user: User, space: Space, *, title: str, summary: str, description: str,
                 video_url: str = "", tags: str = "", geozone_slug: str | None = None,
                 locale: str = "es") -> Proposal:
    """A draft only its authors see, until they publish it."""
    if not can(user, "proposals.create", space):
        if space.is_alliance:
            raise DomainError(_("Joint actions are proposed by verified residents of the "
                                "alliance's member cities."), status=403)
        raise DomainError(_("Confirm your e-mail address to make proposals."), status=403)
    values = _clean(space, title=title, summary=summary, description=description,
                    video_url=video_url, geozone_slug=geozone_slug)
    tag_names = parse_tags(tags, MAX_TAGS)
    proposal = Proposal(
        space_id=space.id, author_id=user.id, locale=locale,
        description_html=str(render_markdown(values["description"])),
        supports_count=0, comments_count=0, flags_count=0, hot_score=0.0, **values)
    db.session.add(proposal)
    db.session.flush()
    set_tags(space.id, "proposal", proposal.id, tag_names)
    db.session.commit()
    return proposal


def edit_proposal(user: User, proposal: Proposal, *, title: str, summary: str,
                  description: str, video_url: str = "", tags: str = "",
                  geozone_slug: str | None = None) -> Proposal:
    """Drafts change freely; a published proposal until it passes the space's number of
    supports, each change kept in its public history."""
    space = proposal.space
    if not can(user, "proposals.edit", space, proposal):
        raise DomainError(_("This proposal can no longer be edited: it has more supports than "
                            "%(n)d.", n=space.setting("proposal_edit_support_limit")),
                          status=403)
    values = _clean(space, title=title, summary=summary, description=description,
                    video_url=video_url, geozone_slug=geozone_slug)
    tag_names = sorted(parse_tags(tags, MAX_TAGS))
    if not proposal.is_draft:
        zone = values["geozone"]
        record_revision(proposal, user, changed_fields(proposal, {
            "title": values["title"], "summary": values["summary"],
            "description": values["description"], "tags": tag_names,
            "geozone": zone.name if zone else None,
        }, old_values={"tags": sorted(t.name for t in proposal.tags),
                       "geozone": proposal.geozone.name if proposal.geozone else None}))
        proposal.edited_at = utcnow()
    for name, value in values.items():
        setattr(proposal, name, value)
    proposal.description_html = str(render_markdown(values["description"]))
    set_tags(proposal.space_id, "proposal", proposal.id, tag_names)
    if not proposal.is_draft:
        _index(proposal)
    db.session.commit()
    if not proposal.is_draft:
        content_updated.send(proposal)
    return proposal


def _code(proposal: Proposal) -> str:
    """<CITY>-YYYY-MM-<id>, e.g. MADRID-2026-11-42 (the alliance's slug for joint actions)."""
    stamp = proposal.published_at
    prefix = proposal.space.slug.upper().replace("-", "")[:16]
    return f"{prefix}-{stamp:%Y-%m}-{proposal.id}"


def publish(user: User, proposal: Proposal) -> Proposal:
    if not can(user, "proposals.publish", proposal.space, proposal):
        raise DomainError(_("Only the author publishes a draft."), status=403)
    now = utcnow()
    proposal.published_at = now
    proposal.last_activity_at = now
    proposal.code = _code(proposal)
    rescore(proposal)
    _index(proposal)
    db.session.commit()
    follow(user, proposal.space, "proposal", proposal.id)
    content_created.send(proposal)
    return proposal


# --- co-authors ---------------------------------------------------------------------------

def invite_coauthor(user: User, proposal: Proposal, username: str) -> ProposalCoauthor:
    from decide.accounts.services import find_by_username

    if not can(user, "proposals.manage_coauthors", proposal.space, proposal):
        raise DomainError(_("Only the author invites co-authors."), status=403)
    invited = find_by_username((username or "").strip())
    if invited is None or invited.is_deleted:
        raise DomainError(_("There is nobody called “%(name)s” here.", name=username),
                          field="username")
    if invited.id == proposal.author_id:
        raise DomainError(_("You are already the author."), field="username")
    coauthor = ProposalCoauthor(proposal_id=proposal.id, user_id=invited.id)
    db.session.add(coauthor)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise DomainError(_("%(name)s is already invited.", name=invited.username),
                          field="username", status=409) from None
    notify(Event(recipient_ids=(invited.id,), kind="proposal_coauthor_invitation",
                 space_id=proposal.space_id, item_type="proposal", item_id=proposal.id,
                 actor_id=user.id, title=proposal.title, link_type="proposal",
                 link_id=proposal.id))
    return coauthor


def answer_invitation(user: User, proposal: Proposal, accept: bool) -> None:
    invitation = db.session.scalar(select(ProposalCoauthor).where(
        ProposalCoauthor.proposal_id == proposal.id, ProposalCoauthor.user_id == user.id))
    if invitation is None:
        raise DomainError(_("You have no invitation to sign this proposal."), status=404)
    if accept:
        invitation.accepted_at = invitation.accepted_at or utcnow()
    else:
        db.session.delete(invitation)
    db.session.commit()


# --- supports -----------------------------------------------------------------------------

def _support_refusal(user: User, space: Space, proposal: Proposal) -> str:
    from decide.core.permissions import eligible_spaces

    if user.is_organisation:
        return _("Organisations cannot support proposals.")
    if proposal.is_draft:
        return _("This proposal is not published yet.")
    if proposal.retired_at is not None:
        return _("Its authors retired this proposal: it takes no more supports.")
    if proposal.successful_at is not None:
        return _("This proposal already reached its goal.")
    if permissions.is_archived(proposal, space):
        return _("This proposal is archived: it takes no more supports.")
    if space.id not in eligible_spaces(user):
        if user.residence is None:
            return _("Verify your residence to support proposals.")
        if space.is_alliance:
            return _("Only residents of the alliance's member cities support joint actions.")
        return _("Only verified residents of %(city)s support its proposals.", city=space.name)
    return _("You cannot support this proposal.")


def support(user: User, space: Space, proposal_id: int) -> Proposal:
    """One support per person, never withdrawn; the supporter follows the proposal. Reaching
    the space's rule makes the proposal successful in the same transaction."""
    proposal = get_in_space(Proposal, proposal_id, space)
    if proposal.is_hidden or proposal.is_draft and proposal.author_id != user.id:
        raise NotFoundError()
    if not can(user, "proposals.support", space, proposal):
        raise DomainError(_support_refusal(user, space, proposal), status=403)
    proposal, changed = cast(SUPPORTS, user, space, proposal_id, "support")
    if not changed:
        raise DomainError(_("You already support this proposal."), status=409)
    if getattr(proposal, "just_succeeded", False):
        _announce_success(proposal)
    return proposal


def _announce_success(proposal: Proposal) -> None:
    """After the commit that made it successful: the signal, and the author and followers
    hear of it."""
    proposal_succeeded.send(proposal)
    recipients = (proposal.author_id, *[uid for uid in follower_ids("proposal", proposal.id)
                                        if uid != proposal.author_id])
    notify(Event(recipient_ids=tuple(recipients), kind="proposal_succeeded",
                 space_id=proposal.space_id, item_type="proposal", item_id=proposal.id,
                 actor_id=None, title=proposal.title, link_type="proposal",
                 link_id=proposal.id))


# --- authors' other actions ---------------------------------------------------------------

def retire(user: User, proposal: Proposal, reason: str, explanation: str) -> Proposal:
    if not can(user, "proposals.retire", proposal.space, proposal):
        raise DomainError(_("Only the author retires a published proposal."), status=403)
    explanation = (explanation or "").strip()
    if reason not in RETIRE_REASONS:
        raise DomainError(_("Choose a reason."), field="reason")
    if not explanation:
        raise DomainError(_("Explain it in a few words to those who supported it."),
                          field="explanation")
    if len(explanation) > EXPLANATION_MAX:
        raise DomainError(_("Use at most %(max)d characters.", max=EXPLANATION_MAX),
                          field="explanation")
    proposal.retired_at = utcnow()
    proposal.retired_reason = reason
    proposal.retired_explanation = explanation
    record(user, proposal.space_id, "proposals.retire", proposal, reason=reason)
    db.session.commit()
    return proposal


def send_update(user: User, proposal: Proposal, title: str, body: str) -> ProposalUpdate:
    """News for the followers, in-app and by e-mail; at most one per the space's interval."""
    space = proposal.space
    if not can(user, "proposals.send_update", space, proposal):
        raise DomainError(_("Only the authors write to the followers."), status=403)
    title, body = " ".join((title or "").split()), (body or "").strip()
    if not title or len(title) > UPDATE_TITLE_MAX:
        raise DomainError(_("Give the update a title of at most %(max)d characters.",
                            max=UPDATE_TITLE_MAX), field="title")
    if not body or len(body) > UPDATE_BODY_MAX:
        raise DomainError(_("Write the update in at most %(max)d characters.",
                            max=UPDATE_BODY_MAX), field="body")
    days = space.setting("proposal_update_interval_days")
    proposal = locked(Proposal, proposal.id, space)
    now = utcnow()
    if proposal.last_update_at is not None and now - proposal.last_update_at < timedelta(
            days=days):
        db.session.rollback()
        raise DomainError(_("You can write to the followers once every %(n)d days.", n=days),
                          field="body", status=429)
    update_row = ProposalUpdate(proposal_id=proposal.id, author_id=user.id, title=title,
                                body=body, body_html=str(render_markdown(body, lite=True)))
    db.session.add(update_row)
    proposal.last_update_at = now
    db.session.commit()
    notify(Event(recipient_ids=tuple(follower_ids("proposal", proposal.id)),
                 kind="proposal_update", space_id=space.id, item_type="proposal",
                 item_id=proposal.id, actor_id=user.id, title=proposal.title,
                 excerpt=f"{title}: {body}"[:300], link_type="proposal", link_id=proposal.id))
    return update_row


def set_featured(user: User, proposal: Proposal, featured: bool) -> None:
    space = proposal.space
    if not can(user, "proposals.feature", space):
        raise DomainError(_("Only administrators feature proposals."), status=403)
    if featured and proposal.featured_at is None:
        if proposal.is_draft:
            raise DomainError(_("Publish the proposal first."), status=409)
        if queries.featured_count(space) >= queries.MAX_FEATURED:
            raise DomainError(_("At most %(n)d proposals are featured at once: unfeature one "
                                "first.", n=queries.MAX_FEATURED), status=409)
        proposal.featured_at = utcnow()
    elif not featured:
        proposal.featured_at = None
    db.session.commit()


# --- endorsements by cities ---------------------------------------------------------------

def endorse(user: User, proposal: Proposal, statement: str = "", locale: str = "es"
            ) -> Endorsement:
    """The person's city endorses the joint action (its administrator or a public official
    does it on the city's behalf); public, and in the audit trail."""
    space = proposal.space
    if not can(user, "proposals.endorse", space, proposal):
        raise DomainError(_("Administrators and public officials of member cities endorse "
                            "joint actions on behalf of their city."), status=403)
    statement = (statement or "").strip()
    if len(statement) > STATEMENT_MAX:
        raise DomainError(_("Use at most %(max)d characters.", max=STATEMENT_MAX),
                          field="statement")
    city = permissions.endorsing_city_of(user, space)
    endorsement = Endorsement(proposal_id=proposal.id, city_id=city.id, user_id=user.id,
                              statement=statement or None, locale=locale)
    db.session.add(endorsement)
    record(user, space.id, "proposals.endorse", proposal, city=city.slug)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise DomainError(_("%(city)s already endorses this joint action.", city=city.name),
                          status=409) from None
    return endorsement


def withdraw_endorsement(user: User, proposal: Proposal, endorsement_id: int) -> None:
    endorsement = db.session.scalar(select(Endorsement).where(
        Endorsement.id == endorsement_id, Endorsement.proposal_id == proposal.id,
        Endorsement.withdrawn_at.is_(None)))
    if endorsement is None:
        raise NotFoundError()
    city = permissions.endorsing_city_of(user, proposal.space)
    if city is None or city.id != endorsement.city_id:
        raise DomainError(_("Only the city that endorsed withdraws its endorsement."),
                          status=403)
    endorsement.withdrawn_at = utcnow()
    record(user, proposal.space_id, "proposals.withdraw_endorsement", proposal,
           city=city.slug)
    db.session.commit()


# --- hooks for the shared modules ---------------------------------------------------------

def count_comment(proposal: Proposal) -> None:
    """A comment was added: inside the comment's transaction."""
    bump_counters(Proposal, proposal.id, comments_count=1)
    db.session.refresh(proposal, attribute_names=["comments_count", "supports_count"])
    proposal.last_activity_at = utcnow()
    rescore(proposal)


def personal_data(user: User) -> dict[str, Any]:
    proposals = db.session.scalars(select(Proposal).where(Proposal.author_id == user.id)
                                   .order_by(Proposal.id)).all()
    supports = db.session.execute(select(ProposalSupport.proposal_id, ProposalSupport.created_at)
                                  .where(ProposalSupport.user_id == user.id)
                                  .order_by(ProposalSupport.id)).all()
    endorsements = db.session.scalars(select(Endorsement).where(Endorsement.user_id == user.id)
                                      .order_by(Endorsement.id)).all()
    return {
        "proposals": [{"id": p.id, "code": p.code, "space_id": p.space_id, "title": p.title,
                       "summary": p.summary, "description": p.description,
                       "published_at": p.published_at.isoformat() if p.published_at else None}
                      for p in proposals],
        "supports": [{"proposal_id": s.proposal_id, "created_at": s.created_at.isoformat()}
                     for s in supports],
        "endorsements": [{"proposal_id": e.proposal_id, "city_id": e.city_id,
                          "statement": e.statement, "created_at": e.created_at.isoformat()}
                         for e in endorsements],
    }


def support_totals(space: Space) -> int:
    """All supports given in the space (for the space's figures)."""
    return db.session.scalar(select(func.coalesce(func.sum(Proposal.supports_count), 0))
                             .where(Proposal.space_id == space.id)) or 0


