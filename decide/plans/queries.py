"""Reading action plans and declarations; each page's data in a fixed number of queries."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from decide.cities.models import City
from decide.extensions import db
from decide.plans.models import Adhesion, Declaration, PlanCommitment, PlanItem
from decide.proposals.models import Proposal


def _with_details(statement: Any) -> Any:
    return statement.options(
        joinedload(PlanItem.proposal),
        selectinload(PlanItem.commitments).joinedload(PlanCommitment.city),
        selectinload(PlanItem.milestones))


def plan_items(space: Any, limit: int | None = None) -> list[PlanItem]:
    """The alliance's plan (joint actions hidden by moderators left out), newest first, with
    joint action, committed cities and milestones: four queries whatever its size."""
    statement = (select(PlanItem).join(PlanItem.proposal)
                 .where(PlanItem.space_id == space.id, Proposal.hidden_at.is_(None))
                 .order_by(PlanItem.adopted_at.desc(), PlanItem.id.desc()))
    if limit is not None:
        statement = statement.limit(limit)
    return list(db.session.scalars(_with_details(statement)))


def item_for_page(space: Any, item_id: int) -> PlanItem | None:
    return db.session.scalar(_with_details(
        select(PlanItem).join(PlanItem.proposal)
        .where(PlanItem.space_id == space.id, PlanItem.id == item_id,
               Proposal.hidden_at.is_(None))))


def adoptable_proposals(space: Any) -> list[Proposal]:
    """Successful joint actions of the alliance not yet in its plan (for the adopt form)."""
    adopted = select(PlanItem.proposal_id).where(PlanItem.space_id == space.id)
    return list(db.session.scalars(
        select(Proposal).where(Proposal.space_id == space.id,
                               Proposal.published_at.is_not(None),
                               Proposal.successful_at.is_not(None),
                               Proposal.hidden_at.is_(None),
                               Proposal.id.not_in(adopted))
        .order_by(Proposal.successful_at.desc(), Proposal.id.desc())))


def plan_summary(space: Any) -> dict[str, int]:
    """Items per status, for the alliance's home page."""
    rows = db.session.execute(
        select(PlanItem.status, func.count()).join(PlanItem.proposal)
        .where(PlanItem.space_id == space.id, Proposal.hidden_at.is_(None))
        .group_by(PlanItem.status)).all()
    return {status: count for status, count in rows}


def member_cities(space: Any) -> list[City]:
    return [m.city for m in space.memberships] if space.is_alliance else []


def declarations_of(space: Any, limit: int | None = None) -> list[tuple[Declaration, int]]:
    """(declaration, number of adhering cities), newest first: one query."""
    adhering = (select(Adhesion.declaration_id, func.count().label("n"))
                .group_by(Adhesion.declaration_id).subquery())
    statement = (select(Declaration, func.coalesce(adhering.c.n, 0))
                 .outerjoin(adhering, adhering.c.declaration_id == Declaration.id)
                 .where(Declaration.space_id == space.id)
                 .order_by(Declaration.signed_on.desc(), Declaration.id.desc()))
    if limit is not None:
        statement = statement.limit(limit)
    return [(declaration, count) for declaration, count in db.session.execute(statement)]


def declaration_for_page(space: Any, declaration_id: int) -> Declaration | None:
    return db.session.scalar(
        select(Declaration).where(Declaration.space_id == space.id,
                                  Declaration.id == declaration_id)
        .options(selectinload(Declaration.adhesions).joinedload(Adhesion.city),
                 selectinload(Declaration.adhesions).joinedload(Adhesion.user)))


def adhering_city_total() -> int:
    """Distinct cities adhering to at least one declaration, for the landing page: one
    aggregated query."""
    return db.session.scalar(select(func.count(func.distinct(Adhesion.city_id)))) or 0


def commitments_of_city(city: Any) -> list[PlanItem]:
    """Plan items of any alliance the city committed to carry out, with their alliance, joint
    action and milestones (for the overall progress): three queries."""
    return list(db.session.scalars(
        select(PlanItem).join(PlanItem.proposal)
        .join(PlanCommitment, PlanCommitment.item_id == PlanItem.id)
        .where(PlanCommitment.city_id == city.id, Proposal.hidden_at.is_(None))
        .order_by(PlanItem.adopted_at.desc(), PlanItem.id.desc())
        .options(joinedload(PlanItem.proposal), joinedload(PlanItem.space),
                 selectinload(PlanItem.milestones))))


def home_context(space: Any) -> dict[str, Any]:
    """The alliance home page's plan section: the newest items and declarations."""
    summary = plan_summary(space)
    return {"plan_items": plan_items(space, limit=5), "total": sum(summary.values()),
            "summary": summary,
            "declarations": declarations_of(space, limit=3)}
