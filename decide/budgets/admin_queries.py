"""Reads for the budgets' administration and valuation pages. Every lookup is limited to the
space (a budget, heading or project of another city is a 404), and lists run a bounded number
of queries whatever their size."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import selectinload

from decide.accounts.models import RoleAssignment, User
from decide.budgets.models import (
    Budget,
    BudgetGroup,
    BudgetHeading,
    Project,
    ProjectValuator,
    ValuationNote,
)
from decide.cities.models import AllianceMembership, City, Geozone
from decide.core.db import get_in_space, in_space
from decide.core.errors import NotFoundError
from decide.core.pagination import Page, paginate
from decide.extensions import db

PER_PAGE = 25


def budgets_of(space: Any) -> list[Budget]:
    """The space's budgets, newest first (published or not: for administrators)."""
    return list(db.session.scalars(in_space(Budget, space).order_by(Budget.id.desc())))


def budget(space: Any, budget_id: int) -> Budget:
    return get_in_space(Budget, budget_id, space)


def budget_with_headings(space: Any, budget_id: int) -> Budget:
    """A budget with its phases, groups, headings, geozones and contributions loaded."""
    found = db.session.scalar(
        in_space(Budget, space).where(Budget.id == budget_id).options(
            selectinload(Budget.phases),
            selectinload(Budget.groups).selectinload(BudgetGroup.headings)
            .selectinload(BudgetHeading.geozone),
            selectinload(Budget.groups).selectinload(BudgetGroup.headings)
            .selectinload(BudgetHeading.contributions)))
    if found is None:
        raise NotFoundError()
    return found


def group(budget_row: Budget, group_id: int) -> BudgetGroup:
    """A group of this budget (the budget was found in the space): else a 404."""
    found = db.session.scalar(select(BudgetGroup).where(BudgetGroup.id == group_id,
                                                        BudgetGroup.budget_id == budget_row.id))
    if found is None:
        raise NotFoundError()
    return found


def heading(budget_row: Budget, heading_id: int) -> BudgetHeading:
    found = db.session.scalar(
        select(BudgetHeading).where(BudgetHeading.id == heading_id,
                                    BudgetHeading.budget_id == budget_row.id)
        .options(selectinload(BudgetHeading.contributions)))
    if found is None:
        raise NotFoundError()
    return found


def project(space: Any, project_id: int, budget_id: int | None = None) -> Project:
    """A project of the space (and of the budget, when given): else a 404."""
    found = get_in_space(Project, project_id, space)
    if budget_id is not None and found.budget_id != budget_id:
        raise NotFoundError()
    return found


def headings_with_projects(budget_row: Budget) -> set[int]:
    """Ids of the budget's headings that hold projects (those cannot be deleted)."""
    return set(db.session.scalars(
        select(Project.heading_id).where(Project.budget_id == budget_row.id).distinct()))


def geozones(space: Any) -> list[Geozone]:
    """Districts a heading may name: the city's, or for an alliance its member cities'."""
    if space.is_city:
        return list(db.session.scalars(in_space(Geozone, space).order_by(Geozone.position,
                                                                         Geozone.id)))
    return list(db.session.scalars(
        select(Geozone).join(AllianceMembership, AllianceMembership.city_id == Geozone.space_id)
        .where(AllianceMembership.alliance_id == space.id)
        .order_by(AllianceMembership.position, Geozone.position, Geozone.id)))


def member_cities(space: Any) -> list[City]:
    """The cities that may contribute to an alliance's headings (none for a city)."""
    if space.is_city:
        return []
    return list(db.session.scalars(
        select(City).join(AllianceMembership, AllianceMembership.city_id == City.id)
        .where(AllianceMembership.alliance_id == space.id)
        .order_by(AllianceMembership.position, City.id)))


def valuators(space: Any) -> list[User]:
    """People holding the valuator role in the space, by name."""
    holders = select(RoleAssignment.user_id).where(RoleAssignment.space_id == space.id,
                                                   RoleAssignment.role == "valuator")
    return list(db.session.scalars(
        select(User).where(User.id.in_(holders), User.deleted_at.is_(None))
        .order_by(User.username)))


def is_valuator(space: Any, user_id: int) -> bool:
    return bool(db.session.scalar(select(exists().where(
        RoleAssignment.space_id == space.id, RoleAssignment.role == "valuator",
        RoleAssignment.user_id == user_id))))


@dataclass
class ProjectFilters:
    """The admin projects list's filters, read from the query string (bad values ignored)."""

    heading_id: int | None = None
    feasibility: str | None = None
    valuation: str | None = None  # "finished" / "open"
    valuator_id: int | None = None  # 0: projects without a valuator
    selected: str | None = None  # "yes" / "no"
    active: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_args(cls, args: Any, heading_ids: set[int], valuator_ids: set[int]) -> ProjectFilters:
        found = cls()

        def number(name: str) -> int | None:
            raw = (args.get(name) or "").strip()
            return int(raw) if raw.isdecimal() and raw.isascii() and len(raw) < 12 else None

        heading_id = number("heading")
        if heading_id in heading_ids:
            found.heading_id = heading_id
            found.active["heading"] = str(heading_id)
        if args.get("feasibility") in ("undecided", "feasible", "unfeasible"):
            found.feasibility = args["feasibility"]
            found.active["feasibility"] = found.feasibility
        if args.get("valuation") in ("finished", "open"):
            found.valuation = args["valuation"]
            found.active["valuation"] = found.valuation
        valuator_id = number("valuator")
        if valuator_id is not None and (valuator_id == 0 or valuator_id in valuator_ids):
            found.valuator_id = valuator_id
            found.active["valuator"] = str(valuator_id)
        if args.get("selected") in ("yes", "no"):
            found.selected = args["selected"]
            found.active["selected"] = found.selected
        return found

    def apply(self, statement: Select[Any]) -> Select[Any]:
        if self.heading_id is not None:
            statement = statement.where(Project.heading_id == self.heading_id)
        if self.feasibility is not None:
            statement = statement.where(Project.feasibility == self.feasibility)
        if self.valuation == "finished":
            statement = statement.where(Project.valuation_finished_at.is_not(None))
        elif self.valuation == "open":
            statement = statement.where(Project.valuation_finished_at.is_(None))
        if self.valuator_id == 0:
            statement = statement.where(~exists().where(ProjectValuator.project_id == Project.id))
        elif self.valuator_id is not None:
            statement = statement.where(exists().where(
                ProjectValuator.project_id == Project.id,
                ProjectValuator.user_id == self.valuator_id))
        if self.selected == "yes":
            statement = statement.where(Project.selected.is_(True))
        elif self.selected == "no":
            statement = statement.where(Project.selected.is_(False))
        return statement


def attach_valuators(projects: list[Project]) -> None:
    """Set `project.valuators` (users, by name) and `project.valuator_ids` on each project with
    one query for the whole page (`permissions.may_valuate` reads `valuator_ids`)."""
    by_project: dict[int, list[User]] = defaultdict(list)
    if projects:
        rows = db.session.execute(
            select(ProjectValuator.project_id, User)
            .join(User, User.id == ProjectValuator.user_id)
            .where(ProjectValuator.project_id.in_([p.id for p in projects]))
            .order_by(User.username))
        for project_id, user in rows:
            by_project[project_id].append(user)
    for item in projects:
        item.valuators = by_project.get(item.id, [])
        item.valuator_ids = {u.id for u in item.valuators}


def admin_projects(budget_row: Budget, filters: ProjectFilters, page: int) -> Page:
    """The budget's projects for its administrators, filtered, oldest first, one page."""
    statement = filters.apply(
        select(Project).where(Project.budget_id == budget_row.id,
                              Project.space_id == budget_row.space_id)
        .options(selectinload(Project.author), selectinload(Project.heading))
        .order_by(Project.id))
    found = paginate(statement, page, PER_PAGE)
    attach_valuators(found.items)
    return found


def valuation_projects(space: Any, user: Any, *, everyone: bool, page: int) -> Page:
    """Projects to valuate in the space: those assigned to `user`, or every project of the
    space's budgets for administrators (`everyone`); open valuations first."""
    statement = (in_space(Project, space).where(Project.withdrawn_at.is_(None))
                 .options(selectinload(Project.budget), selectinload(Project.heading))
                 .order_by(Project.valuation_finished_at.is_not(None), Project.id))
    if not everyone:
        statement = statement.where(exists().where(ProjectValuator.project_id == Project.id,
                                                   ProjectValuator.user_id == user.id))
    found = paginate(statement, page, PER_PAGE)
    attach_valuators(found.items)
    return found


def notes(project_row: Project) -> list[ValuationNote]:
    return list(db.session.scalars(
        select(ValuationNote).where(ValuationNote.project_id == project_row.id)
        .options(selectinload(ValuationNote.author)).order_by(ValuationNote.id)))


def project_counts(budget_ids: list[int]) -> dict[int, int]:
    """Projects per budget, for the admin list (one query)."""
    if not budget_ids:
        return {}
    return dict(db.session.execute(
        select(Project.budget_id, func.count()).where(Project.budget_id.in_(budget_ids))
        .group_by(Project.budget_id)).all())
