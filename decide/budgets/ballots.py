"""Ballots: a verified resident's choice of projects in the balloting phase.

One ballot per person per budget (unique (budget_id, user_id)); its lines are the projects.
Limits are checked against the ballot's other lines, so two requests of the same person must
not check at the same time: every change locks the ballot row first (PostgreSQL: SELECT ... FOR
UPDATE; SQLite: the database's write lock), then checks and writes in the same transaction.
`Project.votes_count` moves in SQL with the line.

Rules (CONSUL's and Decidim's):
- only selected projects, not withdrawn, not incompatible, of a published budget in balloting;
- in one heading per group;
- knapsack: the ballot's total in a heading is at most the heading's amount;
- approval: at most `heading.max_projects` projects in a heading;
- checkout (Decidim): a heading may ask for a minimum share of its amount (`min_percent`) and/or
  a minimum number of projects (`min_projects`). The ballot can be saved below them, but it
  counts in the results only once it meets them (`ballot_queries.is_complete`); the ballot page
  says so.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import case, delete, func, select, update

from decide.budgets.ballot_queries import voter_refusal
from decide.budgets.models import Ballot, BallotLine, Budget, BudgetHeading, Project
from decide.core.db import (
    commit_unique,
    get_in_space,
    sqlite_write_lock,
    upsert_insert,
    utcnow,
)
from decide.core.errors import DomainError, NotFoundError
from decide.core.permissions import can, is_visible
from decide.core.votes import bump_counters
from decide.extensions import db


def refusal_message(reason: str) -> str:
    """The translated reason why a person may not vote (see `ballot_queries.voter_refusal`)."""
    return {
        "organisation": _("Organisations cannot vote."),
        "not_resident": _("Only verified residents can vote in this budget."),
        "phase": _("Voting is not open in this budget."),
    }.get(reason, _("You cannot vote in this budget."))


def _budget(user: Any, space: Any, budget_id: int) -> Budget:
    budget = get_in_space(Budget, budget_id, space)
    if not can(user, "budgets.view", space, budget):
        raise NotFoundError()
    return budget


def _project(user: Any, space: Any, budget: Budget, project_id: int) -> Project:
    project = get_in_space(Project, project_id, space)
    if project.budget_id != budget.id or not is_visible(user, project, space):
        raise NotFoundError()
    return project


def _check_voter(user: Any, budget: Budget) -> None:
    reason = voter_refusal(user, budget) if user.is_authenticated else "not_resident"
    if reason is not None:
        raise DomainError(refusal_message(reason), status=403)


def _insert_ballot_if_missing(user: Any, budget: Budget) -> None:
    """Create the person's ballot unless it exists; a concurrent insert of the same ballot
    waits on the unique index (PostgreSQL) or the write lock (SQLite) and then does nothing."""
    space = budget.space
    city_id = (user.residence.city_id if space.is_alliance and user.residence is not None
               else None)
    now = utcnow()
    db.session.execute(
        upsert_insert(Ballot).values(budget_id=budget.id, user_id=user.id,
                                     voter_city_id=city_id, created_at=now, updated_at=now)
        .on_conflict_do_nothing(index_elements=["budget_id", "user_id"]))


def _locked_ballot(user: Any, budget: Budget, create: bool) -> Ballot | None:
    """The person's ballot, locked for this transaction (created first when `create`)."""
    on_sqlite = sqlite_write_lock()
    if create:
        _insert_ballot_if_missing(user, budget)
    statement = select(Ballot).where(Ballot.budget_id == budget.id, Ballot.user_id == user.id)
    if not on_sqlite:
        statement = statement.with_for_update()
    return db.session.scalar(statement.execution_options(populate_existing=True))


def _fresh_phase(budget: Budget) -> str:
    """The budget's phase read again after the lock (an administrator may have closed it)."""
    return db.session.scalar(select(Budget.phase).where(Budget.id == budget.id))


def add_line(user: Any, space: Any, budget_id: int, project_id: int) -> tuple[Project, bool]:
    """Put a project on the person's ballot; returns (project, added). One transaction.

    Raises NotFoundError (another space, another budget, unpublished, hidden) or DomainError:
    403 the person or the project may not take part, 409 a limit would be broken."""
    budget = _budget(user, space, budget_id)
    project = _project(user, space, budget, project_id)
    _check_voter(user, budget)
    if not can(user, "budgets.vote", space, project):
        raise DomainError(_("This project is not on the ballot."), status=403)
    heading = db.session.get(BudgetHeading, project.heading_id)
    if budget.voting_style == "knapsack" and project.price is None:
        raise DomainError(_("This project has no price yet, so it cannot go on a ballot."),
                          status=409)
    cost = project.price or 0

    ballot = _locked_ballot(user, budget, create=True)
    assert ballot is not None  # created above
    if _fresh_phase(budget) != "balloting":
        db.session.rollback()
        raise DomainError(refusal_message("phase"), status=403)
    # Everything the limits need, in one query of the locked ballot's lines.
    rows = db.session.execute(
        select(BallotLine.heading_id, BallotLine.group_id, func.count(BallotLine.id),
               func.coalesce(func.sum(BallotLine.cost), 0),
               func.max(case((BallotLine.project_id == project.id, 1), else_=0)))
        .where(BallotLine.ballot_id == ballot.id)
        .group_by(BallotLine.heading_id, BallotLine.group_id)).all()
    if any(already for *_rest, already in rows):
        db.session.rollback()
        return project, False
    if any(group_id == project.group_id and heading_id != project.heading_id
           for heading_id, group_id, *_rest in rows):
        db.session.rollback()
        raise DomainError(_("Your ballot already uses another heading of this group: remove "
                            "those projects first to vote in this one."), status=409)
    count, spent = next(((n, total) for heading_id, _g, n, total, _a in rows
                         if heading_id == project.heading_id), (0, 0))
    if budget.voting_style == "knapsack" and spent + cost > heading.amount:
        db.session.rollback()
        raise DomainError(_("This project costs more than the money left on your ballot in "
                            "this heading."), status=409)
    if budget.voting_style == "approval" and heading.max_projects is not None \
            and count >= heading.max_projects:
        db.session.rollback()
        raise DomainError(_("You have already chosen as many projects as this heading allows "
                            "(%(max)s). Remove one to choose another.",
                            max=heading.max_projects), status=409)
    db.session.add(BallotLine(ballot_id=ballot.id, project_id=project.id,
                              heading_id=project.heading_id, group_id=project.group_id,
                              cost=cost))
    db.session.flush()
    bump_counters(Project, project.id, votes_count=1)
    ballot.updated_at = utcnow()
    commit_unique(_("This project is already on your ballot."))
    return project, True


def remove_line(user: Any, space: Any, budget_id: int, project_id: int) -> tuple[Project, bool]:
    """Take a project off the person's ballot while balloting lasts; returns (project,
    removed). One transaction."""
    budget = _budget(user, space, budget_id)
    project = _project(user, space, budget, project_id)
    _check_voter(user, budget)
    ballot = _locked_ballot(user, budget, create=False)
    if ballot is None:
        db.session.rollback()
        return project, False
    if _fresh_phase(budget) != "balloting":
        db.session.rollback()
        raise DomainError(refusal_message("phase"), status=403)
    removed = db.session.execute(
        delete(BallotLine).where(BallotLine.ballot_id == ballot.id,
                                 BallotLine.project_id == project.id)
        .execution_options(synchronize_session=False)).rowcount
    if not removed:
        db.session.rollback()
        return project, False
    bump_counters(Project, project.id, votes_count=-1)
    ballot.updated_at = utcnow()
    db.session.commit()
    return project, True


# --- Imports (PaBuLib): anonymous ballots -------------------------------------------------------

def recount_votes(budget_id: int) -> None:
    """Set every project's votes_count from its lines, in one SQL statement (imports)."""
    lines = (select(func.count(BallotLine.id)).where(BallotLine.project_id == Project.id)
             .scalar_subquery())
    db.session.execute(update(Project).where(Project.budget_id == budget_id)
                       .values(votes_count=lines).execution_options(synchronize_session=False))


# --- Personal data ----------------------------------------------------------------------------

def personal_data(user: Any) -> list[dict[str, Any]]:
    """The person's ballots: the budget and the projects on it."""
    rows = db.session.execute(
        select(Ballot.id, Ballot.budget_id, Budget.space_id, Ballot.created_at,
               Ballot.updated_at, BallotLine.project_id, Project.title, BallotLine.cost)
        .join(Budget, Budget.id == Ballot.budget_id)
        .outerjoin(BallotLine, BallotLine.ballot_id == Ballot.id)
        .outerjoin(Project, Project.id == BallotLine.project_id)
        .where(Ballot.user_id == user.id).order_by(Ballot.id, BallotLine.id)).all()
    ballots: dict[int, dict[str, Any]] = {}
    for row in rows:
        entry = ballots.setdefault(row.id, {
            "budget_id": row.budget_id, "space_id": row.space_id,
            "created_at": row.created_at.isoformat(), "updated_at": row.updated_at.isoformat(),
            "projects": []})
        if row.project_id is not None:
            entry["projects"].append({"project_id": row.project_id, "title": row.title,
                                      "cost": row.cost})
    return list(ballots.values())


def erase_personal_data(user: Any) -> None:
    """Ballots stay counted (the results must not change when someone leaves) but no longer
    name the person: user_id becomes NULL, like an imported anonymous ballot (the voter's
    city stays: alliance figures per city do not change either)."""
    db.session.execute(update(Ballot).where(Ballot.user_id == user.id)
                       .values(user_id=None)
                       .execution_options(synchronize_session=False))


__all__ = ["add_line", "remove_line", "personal_data", "erase_personal_data", "recount_votes",
           "refusal_message"]
