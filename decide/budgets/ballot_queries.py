"""Reads for ballots: the person's ballot state (for the Add / Remove buttons on every project
list and page) and the ballot page itself. A fixed number of queries whatever the ballot size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from decide.budgets.models import (
    Ballot,
    BallotLine,
    Budget,
    BudgetGroup,
    BudgetHeading,
    Project,
)
from decide.core.permissions import eligible_spaces
from decide.extensions import db


@dataclass(frozen=True)
class HeadingRules:
    """What a ballot may hold in one heading (knapsack money, approval count, checkout)."""

    id: int
    group_id: int
    amount: int
    max_projects: int | None
    min_projects: int | None
    min_percent: int | None


@dataclass
class BallotState:
    """One person's ballot in one budget, as the buttons need it.

    `refusal` is None when the person may vote in this budget now; otherwise why not
    ("organisation", "not_resident", "unconfirmed", "phase")."""

    budget_id: int
    voting_style: str
    ballot_id: int | None = None
    project_ids: set[int] = field(default_factory=set)
    spent: dict[int, int] = field(default_factory=dict)          # heading id -> money
    count: dict[int, int] = field(default_factory=dict)          # heading id -> projects
    heading_ids_by_group: dict[int, int] = field(default_factory=dict)  # group -> heading
    headings: dict[int, HeadingRules] = field(default_factory=dict)
    refusal: str | None = None

    def money_left(self, heading_id: int) -> int:
        rules = self.headings.get(heading_id)
        return 0 if rules is None else rules.amount - self.spent.get(heading_id, 0)

    def projects_left(self, heading_id: int) -> int | None:
        rules = self.headings.get(heading_id)
        if rules is None or rules.max_projects is None:
            return None
        return max(rules.max_projects - self.count.get(heading_id, 0), 0)

    def other_heading(self, project: Any) -> int | None:
        """The heading of the project's group the ballot already uses, when it is another."""
        chosen = self.heading_ids_by_group.get(project.group_id)
        return chosen if chosen is not None and chosen != project.heading_id else None

    def button_state(self, project: Any) -> str:
        """What the button for `project` shows: "remove", "add", or why it cannot be added:
        the voter's `refusal`, "not_selected", "other_heading", "no_money", "full"."""
        if project.id in self.project_ids:
            return "remove" if self.refusal is None else "on_ballot"
        if self.refusal is not None:
            return self.refusal
        if not project.selected or project.is_withdrawn or project.incompatible:
            return "not_selected"
        if self.other_heading(project) is not None:
            return "other_heading"
        if self.voting_style == "knapsack":
            if (project.price or 0) > self.money_left(project.heading_id):
                return "no_money"
        else:
            left = self.projects_left(project.heading_id)
            if left is not None and left <= 0:
                return "full"
        return "add"


def voter_refusal(user: Any, budget: Budget) -> str | None:
    """Why `user` may not vote in `budget` now (the same rules as `budgets.vote`), or None."""
    if user.is_organisation:
        return "organisation"
    if budget.space_id not in eligible_spaces(user):
        return "not_resident"
    if budget.phase != "balloting":
        return "phase"
    return None


def heading_rules(budget_id: int) -> dict[int, HeadingRules]:
    """Every heading of the budget with its ballot rules (one query)."""
    rows = db.session.execute(
        select(BudgetHeading.id, BudgetHeading.group_id, BudgetHeading.amount,
               BudgetHeading.max_projects, BudgetHeading.min_projects,
               BudgetHeading.min_percent)
        .where(BudgetHeading.budget_id == budget_id)).all()
    return {row.id: HeadingRules(*row) for row in rows}


def ballot_for(user: Any, budget: Budget) -> BallotState | None:
    """The person's ballot in `budget` (None for anonymous visitors): two queries."""
    if user is None or not user.is_authenticated:
        return None
    state = BallotState(budget_id=budget.id, voting_style=budget.voting_style,
                        headings=heading_rules(budget.id), refusal=voter_refusal(user, budget))
    rows = db.session.execute(
        select(Ballot.id, BallotLine.project_id, BallotLine.heading_id, BallotLine.group_id,
               BallotLine.cost)
        .outerjoin(BallotLine, BallotLine.ballot_id == Ballot.id)
        .where(Ballot.budget_id == budget.id, Ballot.user_id == user.id)).all()
    for ballot_id, project_id, heading_id, group_id, cost in rows:
        state.ballot_id = ballot_id
        if project_id is None:
            continue
        state.project_ids.add(project_id)
        state.spent[heading_id] = state.spent.get(heading_id, 0) + cost
        state.count[heading_id] = state.count.get(heading_id, 0) + 1
        state.heading_ids_by_group[group_id] = heading_id
    return state


@dataclass
class BallotHeading:
    """One heading on the ballot page: its lines and where the ballot stands."""

    heading: BudgetHeading
    lines: list[Project]
    spent: int
    count: int

    @property
    def amount(self) -> int:
        return self.heading.amount

    @property
    def money_left(self) -> int:
        return self.heading.amount - self.spent

    @property
    def projects_left(self) -> int | None:
        if self.heading.max_projects is None:
            return None
        return max(self.heading.max_projects - self.count, 0)

    @property
    def min_money(self) -> int:
        """Money the ballot must use in this heading to count (0 without that rule)."""
        percent = self.heading.min_percent or 0
        return -(-self.heading.amount * percent // 100)  # rounded up

    @property
    def min_projects(self) -> int:
        return self.heading.min_projects or 0

    @property
    def has_checkout_rules(self) -> bool:
        return bool(self.min_money or self.min_projects)

    @property
    def complete(self) -> bool:
        """The ballot counts in this heading (Decidim's checkout): it holds at least one
        project and meets the heading's minimum money and minimum number of projects."""
        return self.count > 0 and self.spent >= self.min_money \
            and self.count >= self.min_projects

    @property
    def percent_used(self) -> int:
        return 0 if not self.heading.amount else min(100, self.spent * 100 // self.heading.amount)


def is_complete(heading: HeadingRules | BudgetHeading, spent: int, count: int) -> bool:
    """The same checkout rule as `BallotHeading.complete`, for results (no ORM objects)."""
    percent = heading.min_percent or 0
    min_money = -(-heading.amount * percent // 100)
    return count > 0 and spent >= min_money and count >= (heading.min_projects or 0)


BallotGroups = list[tuple[BudgetGroup, list[BallotHeading]]]


def ballot_page(user: Any, budget: Budget) -> tuple[BallotState | None, BallotGroups]:
    """The ballot page: per group, the headings the ballot uses (none for a group not used
    yet; the page then links to all of the group's headings), each with its lines. Four
    queries whatever the size of the budget."""
    state = ballot_for(user, budget)
    projects: dict[int, list[Project]] = {}
    if state is not None and state.project_ids:
        for project in db.session.scalars(
                select(Project).where(Project.id.in_(state.project_ids),
                                      Project.budget_id == budget.id)
                .order_by(Project.title, Project.id)):
            projects.setdefault(project.heading_id, []).append(project)
    groups = db.session.scalars(
        select(BudgetGroup).where(BudgetGroup.budget_id == budget.id)
        .order_by(BudgetGroup.position, BudgetGroup.id)
        .options(selectinload(BudgetGroup.headings))).all()
    result: BallotGroups = []
    for group in groups:
        used = [BallotHeading(heading, projects.get(heading.id, []),
                              state.spent.get(heading.id, 0), state.count.get(heading.id, 0))
                for heading in group.headings
                if state is not None and heading.id in state.count]
        result.append((group, used))
    return state, result
