"""Every write about an alliance's action plan and declarations. One transaction each, and each
change is written to the audit trail in that same transaction."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from decide.audit.services import record
from decide.core.db import commit_unique, get_in_space, utcnow
from decide.core.errors import DomainError, NotFoundError
from decide.core.i18n import LOCALES
from decide.core.permissions import can
from decide.core.text import render_markdown
from decide.extensions import db
from decide.plans.models import (
    DECLARATION_BODY_MAX,
    DECLARATION_TITLE_MAX,
    DECLARATION_TITLE_MIN,
    MILESTONE_TITLE_MAX,
    PLACE_MAX,
    PLAN_STATUSES,
    Adhesion,
    Declaration,
    Milestone,
    PlanCommitment,
    PlanItem,
)
from decide.plans.permissions import administered_member_ids, member_city_ids
from decide.proposals.models import Proposal

# Dates outside these years are typing mistakes, not plans.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _require_manager(user: Any, space: Any) -> None:
    if not can(user, "plans.manage", space):
        raise DomainError(_("Only the alliance's secretariat can change its action plan and "
                            "publish declarations."), status=403)


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def _check_date(value: Any, field: str) -> date:
    if not isinstance(value, date):
        raise DomainError(_("Enter a date like 2027-03-31."), field=field)
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise DomainError(_("Enter a date between the years %(first)d and %(last)d.",
                            first=FIRST_YEAR, last=LAST_YEAR), field=field)
    return value


def _check_progress(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise DomainError(_("Progress is a whole number from 0 to 100."), field="progress")
    return value


def _audit(user: Any, item: PlanItem, action: str, **data: Any) -> None:
    # Recorded against the joint action, so its trail tells the whole story.
    record(user, item.space_id, action, item.proposal, item_id=item.id, **data)


# --- The action plan ----------------------------------------------------------------------

def adoptable(proposal: Proposal | None, space: Any) -> bool:
    """A published, successful, visible joint action of this alliance."""
    return (proposal is not None and proposal.space_id == space.id and space.is_alliance
            and proposal.published_at is not None and proposal.successful_at is not None
            and not proposal.is_hidden)


def adopt(user: Any, space: Any, proposal_id: int) -> PlanItem:
    """Adopt a successful joint action into the alliance's action plan (once)."""
    _require_manager(user, space)
    proposal = db.session.scalar(select(Proposal).where(Proposal.space_id == space.id,
                                                        Proposal.id == proposal_id))
    if proposal is None or (proposal.is_hidden and not can(user, "moderate", space)):
        raise DomainError(_("Choose a joint action of this alliance."), field="proposal_id",
                          status=404)
    if not adoptable(proposal, space):
        raise DomainError(_("Only joint actions that reached their support goal can be "
                            "adopted into the action plan."), field="proposal_id", status=409)
    if db.session.scalar(select(PlanItem.id).where(PlanItem.proposal_id == proposal.id)):
        raise DomainError(_("This joint action is already in the action plan."),
                          field="proposal_id", status=409)
    item = PlanItem(space_id=space.id, proposal=proposal, status="adopted",
                    adopted_at=utcnow(), adopted_by_id=user.id)
    db.session.add(item)
    db.session.flush()
    _audit(user, item, "plans.adopt", status="adopted")
    # A concurrent adoption of the same joint action loses on the unique proposal_id.
    commit_unique(_l("This joint action is already in the action plan."))
    return item


def item_in(space: Any, item_id: int) -> PlanItem:
    """A plan item of `space`, or NotFoundError (404) when missing or in another space."""
    return get_in_space(PlanItem, item_id, space)


def set_status(user: Any, item: PlanItem, status: str) -> PlanItem:
    _require_manager(user, item.space)
    if status not in PLAN_STATUSES:
        raise DomainError(_("Choose one of the statuses offered."), field="status")
    if status == item.status:
        return item
    old, item.status, item.status_changed_at = item.status, status, utcnow()
    _audit(user, item, "plans.status", old=old, new=status)
    db.session.commit()
    return item


def add_commitment(user: Any, item: PlanItem, city_id: int | None) -> PlanCommitment:
    """Record that a member city commits to carry out the item."""
    _require_manager(user, item.space)
    if city_id is None or city_id not in member_city_ids(item.space):
        raise DomainError(_("Choose a member city of this alliance."), field="city_id")
    if any(c.city_id == city_id for c in item.commitments):
        raise DomainError(_("This city has already committed to this action."),
                          field="city_id", status=409)
    commitment = PlanCommitment(item=item, city_id=city_id, committed_at=utcnow())
    db.session.add(commitment)
    _audit(user, item, "plans.commit", city_id=city_id)
    commit_unique(_l("This city has already committed to this action."))
    return commitment


def remove_commitment(user: Any, item: PlanItem, city_id: int) -> None:
    _require_manager(user, item.space)
    commitment = next((c for c in item.commitments if c.city_id == city_id), None)
    if commitment is None:
        raise NotFoundError()
    item.commitments.remove(commitment)
    _audit(user, item, "plans.uncommit", city_id=city_id)
    db.session.commit()


def _clean_milestone(title: str | None, due_on: Any, progress: Any) -> tuple[str, date, int]:
    title = _one_line(title)
    if not 1 <= len(title) <= MILESTONE_TITLE_MAX:
        raise DomainError(_("The title needs between %(min)d and %(max)d characters.",
                            min=1, max=MILESTONE_TITLE_MAX), field="title")
    return title, _check_date(due_on, "due_on"), _check_progress(progress)


def add_milestone(user: Any, item: PlanItem, *, title: str, due_on: Any,
                  progress: Any = 0) -> Milestone:
    _require_manager(user, item.space)
    title, due_on, progress = _clean_milestone(title, due_on, progress)
    milestone = Milestone(item=item, title=title, due_on=due_on, progress=progress,
                          done_at=utcnow() if progress == 100 else None)
    db.session.add(milestone)
    db.session.flush()
    _audit(user, item, "plans.milestone_add", milestone_id=milestone.id, title=title,
           due_on=due_on.isoformat(), progress=progress)
    db.session.commit()
    return milestone


def milestone_of(item: PlanItem, milestone_id: int) -> Milestone:
    milestone = next((m for m in item.milestones if m.id == milestone_id), None)
    if milestone is None:
        raise NotFoundError()
    return milestone


def edit_milestone(user: Any, item: PlanItem, milestone_id: int, *, title: str, due_on: Any,
                   progress: Any) -> Milestone:
    _require_manager(user, item.space)
    milestone = milestone_of(item, milestone_id)
    title, due_on, progress = _clean_milestone(title, due_on, progress)
    changes = {name: [str(old), str(new)] for name, old, new in (
        ("title", milestone.title, title), ("due_on", milestone.due_on, due_on),
        ("progress", milestone.progress, progress)) if old != new}
    if not changes:
        return milestone
    milestone.title, milestone.due_on, milestone.progress = title, due_on, progress
    if progress == 100 and milestone.done_at is None:
        milestone.done_at = utcnow()
    elif progress < 100:
        milestone.done_at = None
    _audit(user, item, "plans.milestone_edit", milestone_id=milestone.id, changes=changes)
    db.session.commit()
    return milestone


def remove_milestone(user: Any, item: PlanItem, milestone_id: int) -> None:
    _require_manager(user, item.space)
    milestone = milestone_of(item, milestone_id)
    item.milestones.remove(milestone)
    _audit(user, item, "plans.milestone_remove", milestone_id=milestone_id,
           title=milestone.title)
    db.session.commit()


# --- Declarations -------------------------------------------------------------------------

def publish_declaration(user: Any, space: Any, *, title: str, body: str, locale: str,
                        signed_on: Any, place: str) -> Declaration:
    _require_manager(user, space)
    if not space.is_alliance:
        raise NotFoundError()
    title, place, body = _one_line(title), _one_line(place), (body or "").strip()
    if not DECLARATION_TITLE_MIN <= len(title) <= DECLARATION_TITLE_MAX:
        raise DomainError(_("The title needs between %(min)d and %(max)d characters.",
                            min=DECLARATION_TITLE_MIN, max=DECLARATION_TITLE_MAX),
                          field="title")
    if not body:
        raise DomainError(_("Please write the text of the declaration."), field="body")
    if len(body) > DECLARATION_BODY_MAX:
        raise DomainError(_("The text can have at most %(max)d characters.",
                            max=DECLARATION_BODY_MAX), field="body")
    if locale not in LOCALES or locale not in space.locales:
        raise DomainError(_("Choose one of the alliance's languages."), field="locale")
    if not 1 <= len(place) <= PLACE_MAX:
        raise DomainError(_("Say where it was signed (at most %(max)d characters).",
                            max=PLACE_MAX), field="place")
    declaration = Declaration(
        space_id=space.id, author_id=user.id, title=title, body=body,
        body_html=str(render_markdown(body)), locale=locale,
        signed_on=_check_date(signed_on, "signed_on"), place=place, published_at=utcnow())
    db.session.add(declaration)
    db.session.flush()
    record(user, space.id, "plans.declare", declaration, title=title)
    db.session.commit()
    return declaration


def declaration_in(space: Any, declaration_id: int) -> Declaration:
    return get_in_space(Declaration, declaration_id, space)


def adhere(user: Any, declaration: Declaration, city_id: int | None) -> Adhesion:
    """A member city adheres to the declaration, through one of its administrators."""
    space = declaration.space
    if not can(user, "plans.adhere", space, declaration):
        raise DomainError(_("Only administrators of a member city can adhere on its behalf."),
                          status=403)
    if city_id is None or city_id not in administered_member_ids(user, space):
        raise DomainError(_("Choose a member city you administer."), field="city_id",
                          status=403)
    duplicate = _l("This city already adheres to this declaration.")
    if db.session.scalar(select(Adhesion.id).where(Adhesion.declaration_id == declaration.id,
                                                   Adhesion.city_id == city_id)):
        raise DomainError(str(duplicate), field="city_id", status=409)
    adhesion = Adhesion(declaration_id=declaration.id, city_id=city_id, user_id=user.id,
                        created_at=utcnow())
    db.session.add(adhesion)
    record(user, space.id, "plans.adhere", declaration, city_id=city_id)
    commit_unique(duplicate)
    return adhesion


def withdraw_adhesion(user: Any, declaration: Declaration, city_id: int) -> None:
    """The city withdraws its adhesion (the audit trail keeps that it once adhered)."""
    space = declaration.space
    if not can(user, "plans.adhere", space, declaration) or \
            city_id not in administered_member_ids(user, space):
        raise DomainError(_("Only administrators of a member city can withdraw its "
                            "adhesion."), status=403)
    adhesion = db.session.scalar(select(Adhesion).where(
        Adhesion.declaration_id == declaration.id, Adhesion.city_id == city_id))
    if adhesion is None:
        raise NotFoundError()
    db.session.delete(adhesion)
    record(user, space.id, "plans.withdraw_adhesion", declaration, city_id=city_id,
           adhered_at=adhesion.created_at.isoformat())
    db.session.commit()


# --- Personal data --------------------------------------------------------------------------

def personal_data(user: Any) -> dict[str, Any]:
    """Adhesions the person gave on behalf of a city, and the plan items they adopted."""
    adhesions = db.session.execute(
        select(Adhesion.declaration_id, Adhesion.city_id, Adhesion.created_at)
        .where(Adhesion.user_id == user.id).order_by(Adhesion.id)).all()
    adopted = db.session.execute(
        select(PlanItem.id, PlanItem.space_id, PlanItem.proposal_id, PlanItem.adopted_at)
        .where(PlanItem.adopted_by_id == user.id).order_by(PlanItem.id)).all()
    return {
        "adhesions": [{"declaration_id": a.declaration_id, "city_id": a.city_id,
                       "created_at": a.created_at.isoformat()} for a in adhesions],
        "adopted_plan_items": [{"id": p.id, "space_id": p.space_id,
                                "proposal_id": p.proposal_id,
                                "adopted_at": p.adopted_at.isoformat()} for p in adopted],
    }


def erase_personal_data(user: Any) -> None:
    """The city's adhesion and the alliance's plan stay (they are the institutions' acts); the
    link to the person who clicked goes."""
    db.session.execute(update(Adhesion).where(Adhesion.user_id == user.id)
                       .values(user_id=None))
    db.session.execute(update(PlanItem).where(PlanItem.adopted_by_id == user.id)
                       .values(adopted_by_id=None))
    db.session.execute(update(Declaration).where(Declaration.author_id == user.id)
                       .values(author_id=None))


def on_joint_action_succeeded(proposal: Any, **_extra: Any) -> None:
    """Receiver of `proposal_succeeded` (after the commit): a joint action of an alliance that
    keeps an action plan reached its goal; its secretariat hears it can adopt it."""
    from decide.accounts.models import RoleAssignment
    from decide.notifications.services import Event, notify

    space = proposal.space
    if not space.is_alliance or not space.has_module("plans"):
        return
    managers = tuple(db.session.scalars(
        select(RoleAssignment.user_id).where(RoleAssignment.space_id == space.id,
                                             RoleAssignment.role.in_(("secretariat",
                                                                      "administrator")))
        .distinct().order_by(RoleAssignment.user_id)))
    if managers:
        notify(Event(recipient_ids=managers, kind="joint_action_adoptable", space_id=space.id,
                     item_type="proposal", item_id=proposal.id, actor_id=None,
                     title=proposal.title, link_type="proposal", link_id=proposal.id))
