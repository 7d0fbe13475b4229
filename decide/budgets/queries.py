"""Reads for the public budget pages, scoped to their space, eager-loading what pages show so
that each page runs a fixed number of queries whatever the number of projects."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import joinedload, selectinload, undefer

from decide.accounts.queries import with_badges
from decide.budgets.models import (
    PHASES,
    Budget,
    BudgetGroup,
    BudgetHeading,
    HeadingContribution,
    Project,
    ProjectFile,
    ProjectSupport,
    ProjectValuator,
)
from decide.cities.models import Space
from decide.core.db import in_space
from decide.core.pagination import paginate
from decide.extensions import db
from decide.listings.queries import Filters, Listing, Ordering, Status

PER_PAGE = 20


def valuator_ids(project: Any) -> set[int]:
    """Ids of the valuators assigned to `project`."""
    return set(db.session.scalars(select(ProjectValuator.user_id)
                                  .where(ProjectValuator.project_id == project.id)))


# --- what the public may see of a budget ---------------------------------------------------

def phase_index(phase: str) -> int:
    return PHASES.index(phase)


def phase_reached(budget: Budget, phase: str) -> bool:
    """The budget is in `phase` or a later one."""
    return phase_index(budget.phase) >= phase_index(phase)


def prices_public(budget: Budget) -> bool:
    """Prices are public from "publishing prices" on (CONSUL's rule: valuators may still change
    them before), except on approval ballots that hide money."""
    if budget.voting_style == "approval" and budget.hide_money:
        return False
    return phase_reached(budget, "publishing_prices")


def valuation_public(project: Project) -> bool:
    """Feasibility and its explanation are public once the valuation is finished."""
    return project.valuation_finished_at is not None


def price_shown(project: Project) -> bool:
    return (prices_public(project.budget) and project.price is not None
            and project.feasibility != "unfeasible")


def selection_public(budget: Budget) -> bool:
    """Which projects go to the ballot is public from balloting on."""
    return phase_reached(budget, "balloting")


def votes_public(budget: Budget) -> bool:
    return budget.results_published_at is not None


def supports_shown(budget: Budget) -> bool:
    return phase_reached(budget, "selecting")


# --- budgets ---------------------------------------------------------------------------------

def budgets_of(space: Space, include_unpublished: bool) -> list[Budget]:
    """The space's budgets, newest first, with their phases (two queries)."""
    statement = in_space(Budget, space).options(selectinload(Budget.phases))
    if not include_unpublished:
        statement = statement.where(Budget.published_at.is_not(None))
    return list(db.session.scalars(statement.order_by(Budget.created_at.desc(),
                                                      Budget.id.desc())))


def budget_for_page(space: Space, budget_id: int) -> Budget | None:
    """A budget with its phases, groups, headings and contributions (a fixed number of
    queries)."""
    return db.session.scalar(
        in_space(Budget, space).where(Budget.id == budget_id).options(
            selectinload(Budget.phases),
            selectinload(Budget.groups).selectinload(BudgetGroup.headings).options(
                joinedload(BudgetHeading.geozone),
                selectinload(BudgetHeading.contributions).joinedload(HeadingContribution.city))))


def current_budget(space: Space) -> tuple[Budget | None, int]:
    """For the space's home page, in one query: the newest published budget still running,
    else the newest finished one; and how many published budgets the space has."""
    running = case((Budget.phase == "finished", 1), else_=0)
    row = db.session.execute(
        in_space(Budget, space).add_columns(func.count().over())
        .where(Budget.published_at.is_not(None))
        .order_by(running, Budget.created_at.desc(), Budget.id.desc()).limit(1)
        .options(selectinload(Budget.phases))).first()
    return (row[0], row[1]) if row is not None else (None, 0)


def heading_of(budget: Budget, heading_id: int) -> BudgetHeading | None:
    """One of the budget's headings, from what `budget_for_page` loaded."""
    return next((h for g in budget.groups for h in g.headings if h.id == heading_id), None)


# --- projects --------------------------------------------------------------------------------

def _published_valuation(feasibility: str) -> Any:
    return lambda space: and_(Project.valuation_finished_at.is_not(None),
                              Project.feasibility == feasibility)


LISTING = Listing(
    model=Project, target_type="budget_project", per_page=PER_PAGE,
    orderings=(
        Ordering("supports", _l("Most supported"),
                 lambda: [Project.supports_count.desc()], "ix_budget_projects_heading_supports"),
        Ordering("new", _l("Newest"), lambda: [Project.id.desc()],
                 # Ids grow with time: the heading's index holds them in order.
                 "ix_budget_projects_heading_id"),
        # Only offered when prices are public; a heading holds at most a few hundred
        # projects, so sorting them is cheap.
        Ordering("price", _l("Lowest price"), lambda: [Project.price.asc()],
                 "ix_budget_projects_heading_id"),
        Ordering("votes", _l("Most voted"),
                 lambda: [Project.votes_count.desc()], "ix_budget_projects_heading_votes"),
    ),
    statuses=(
        Status("feasible", _l("Feasible"), _published_valuation("feasible")),
        Status("unfeasible", _l("Unfeasible"), _published_valuation("unfeasible")),
        Status("selected", _l("Selected for the ballot"),
               lambda space: and_(Project.selected.is_(True), Project.incompatible.is_(False))),
        Status("winners", _l("Winners"), lambda space: Project.winner.is_(True)),
    ),
)


def orderings_for(budget: Budget) -> list[str]:
    """The orderings this budget's phase allows (no price before prices are public, no votes
    before results)."""
    keys = ["supports", "new"]
    if prices_public(budget):
        keys.append("price")
    if votes_public(budget):
        keys.append("votes")
    return keys


def statuses_for(budget: Budget) -> list[str]:
    keys = ["feasible", "unfeasible"]
    if selection_public(budget):
        keys.append("selected")
    if votes_public(budget):
        keys.append("winners")
    return keys


def _as_shown() -> list[Any]:
    return [with_badges(Project.author), selectinload(Project.tags)]


def project_list(space: Space, heading: BudgetHeading, filters: Filters,
                 include_hidden: bool = False) -> Select[tuple[Project]]:
    """The heading's projects (not withdrawn; hidden ones for moderators only), filtered and
    ordered."""
    statement = in_space(Project, space).where(Project.heading_id == heading.id,
                                               Project.withdrawn_at.is_(None))
    if not include_hidden:
        statement = statement.where(Project.hidden_at.is_(None))
    return LISTING.select(space, filters, statement).options(*_as_shown())


def project_for_page(space: Space, budget_id: int, project_id: int) -> Project | None:
    return db.session.scalar(
        in_space(Project, space).where(Project.id == project_id, Project.budget_id == budget_id)
        .options(*_as_shown(), joinedload(Project.heading).joinedload(BudgetHeading.group)))


def files_of(project: Project) -> list[ProjectFile]:
    """The project's image and documents, without their bytes."""
    return list(db.session.scalars(select(ProjectFile).where(
        ProjectFile.project_id == project.id).order_by(ProjectFile.kind.desc(), ProjectFile.id)))


def image_ids(project_ids: list[int]) -> dict[int, int]:
    """project id -> the id of its image, for a page of cards (one query)."""
    if not project_ids:
        return {}
    return dict(db.session.execute(select(ProjectFile.project_id, func.min(ProjectFile.id))
                                   .where(ProjectFile.project_id.in_(project_ids),
                                          ProjectFile.kind == "image")
                                   .group_by(ProjectFile.project_id)).all())


def file_in_space(space: Space, file_id: int) -> tuple[ProjectFile, Project] | None:
    """A file with its project, only when the project belongs to `space` (bytes included)."""
    row = db.session.execute(
        select(ProjectFile, Project).join(Project, Project.id == ProjectFile.project_id)
        .where(ProjectFile.id == file_id, Project.space_id == space.id)
        # The bytes are deferred on the model: this is the one page that needs them.
        .options(undefer(ProjectFile.data), joinedload(Project.budget))).first()
    return (row[0], row[1]) if row else None


def supported_ids(user: Any, project_ids: list[int]) -> set[int]:
    """Which of `project_ids` the person supports (one query)."""
    if user is None or not user.is_authenticated or not project_ids:
        return set()
    return set(db.session.scalars(select(ProjectSupport.project_id).where(
        ProjectSupport.user_id == user.id, ProjectSupport.project_id.in_(project_ids))))


def supported_headings(user: Any, budget: Budget) -> dict[int, set[int]]:
    """group id -> headings of that group where the person supports projects (one query)."""
    if user is None or not user.is_authenticated:
        return {}
    result: dict[int, set[int]] = {}
    for group_id, heading_id in db.session.execute(
            select(ProjectSupport.group_id, ProjectSupport.heading_id).distinct()
            .join(Project, Project.id == ProjectSupport.project_id)
            .where(ProjectSupport.user_id == user.id, Project.budget_id == budget.id)):
        result.setdefault(group_id, set()).add(heading_id)
    return result


def headings_supported_in_group(user_id: int, group_id: int, except_heading: int) -> int:
    """How many other headings of the group the person already supports projects in."""
    return db.session.scalar(
        select(func.count(func.distinct(ProjectSupport.heading_id))).where(
            ProjectSupport.user_id == user_id, ProjectSupport.group_id == group_id,
            ProjectSupport.heading_id != except_heading)) or 0


def _public_projects(space: Space) -> Select[tuple[Project]]:
    """Projects anyone may see: of published budgets, not withdrawn nor hidden."""
    published = select(Budget.id).where(Budget.space_id == space.id,
                                        Budget.published_at.is_not(None))
    return in_space(Project, space).where(Project.budget_id.in_(published),
                                          Project.withdrawn_at.is_(None),
                                          Project.hidden_at.is_(None))


def search(space: Space, query: str, limit: int) -> tuple[list[Project], int]:
    """Projects whose title or description match, for the space's search page."""
    statement = LISTING.select(space, Filters(order="supports", query=query),
                               _public_projects(space))
    page = paginate(statement.options(*_as_shown(), joinedload(Project.budget)), 1, limit)
    return page.items, page.total


def activity_of(user: Any, limit: int) -> list[tuple[Project, Space]]:
    """The person's newest visible projects, with their spaces."""
    rows = db.session.execute(
        select(Project, Space).join(Space, Space.id == Project.space_id)
        .join(Budget, Budget.id == Project.budget_id)
        .where(Project.author_id == user.id, Project.withdrawn_at.is_(None),
               Project.hidden_at.is_(None), Budget.published_at.is_not(None))
        .order_by(Project.created_at.desc(), Project.id.desc()).limit(limit)).all()
    return [(project, space) for project, space in rows]


def top_projects(budget: Budget, limit: int = 3) -> list[Project]:
    """A budget's most supported projects, for the home page section."""
    return list(db.session.scalars(
        select(Project).where(Project.budget_id == budget.id, Project.withdrawn_at.is_(None),
                              Project.hidden_at.is_(None))
        .order_by(Project.supports_count.desc(), Project.id.desc()).limit(limit)))
