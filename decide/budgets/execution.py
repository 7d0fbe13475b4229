"""Execution tracking of a finished budget: milestone statuses of a space, milestones of the
winning projects (date, description per language, status, progress, an optional image), and
the public page's data. Every administrative change is audited.

A space starts with three statuses (tendering, in progress, completed) the first time an
administrator opens the statuses or milestones page; they may rename, add or remove them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from decide.audit.services import record
from decide.budgets.ballot_forms import IMAGE_MAX_BYTES
from decide.budgets.models import (
    NAME_MAX,
    Budget,
    BudgetGroup,
    BudgetHeading,
    MilestoneStatus,
    Project,
    ProjectFile,
    ProjectMilestone,
)
from decide.core.db import get_in_space, in_space
from decide.core.errors import DomainError, NotFoundError
from decide.core.uploads import image_type
from decide.extensions import db

# Stored per locale like every name an administrator writes (they can rename them).
DEFAULT_STATUSES = (
    {"es": "En licitación", "en": "Tendering", "pt_BR": "Em licitação"},
    {"es": "En ejecución", "en": "In progress", "pt_BR": "Em execução"},
    {"es": "Terminado", "en": "Completed", "pt_BR": "Concluído"},
)


def _target(kind: str, object_id: int) -> Any:
    return SimpleNamespace(target_name=kind, id=object_id)


# --- Statuses -----------------------------------------------------------------------------------

def statuses(space: Any) -> list[MilestoneStatus]:
    return list(db.session.scalars(in_space(MilestoneStatus, space)
                                   .order_by(MilestoneStatus.position, MilestoneStatus.id)))


def ensure_default_statuses(space: Any) -> list[MilestoneStatus]:
    """The space's statuses, creating the three defaults when it has none yet."""
    existing = statuses(space)
    if existing:
        return existing
    for position, names in enumerate(DEFAULT_STATUSES):
        db.session.add(MilestoneStatus(space_id=space.id, names=dict(names), position=position))
    db.session.commit()
    return statuses(space)


def _check_names(names: dict[str, str]) -> None:
    if not names:
        raise DomainError(_("Give the name in at least one language."), status=422)
    if any(len(name) > NAME_MAX for name in names.values()):
        raise DomainError(_("Use at most %(max)d characters.", max=NAME_MAX), status=422)


def add_status(actor: Any, space: Any, names: dict[str, str]) -> MilestoneStatus:
    _check_names(names)
    position = db.session.scalar(select(func.coalesce(func.max(MilestoneStatus.position), -1))
                                 .where(MilestoneStatus.space_id == space.id)) + 1
    status = MilestoneStatus(space_id=space.id, names=names, position=position)
    db.session.add(status)
    db.session.flush()
    record(actor, space.id, "budgets.milestone_status_added",
           _target("milestone_status", status.id), names={"before": None, "after": names})
    db.session.commit()
    return status


def rename_status(actor: Any, space: Any, status_id: int, names: dict[str, str]) -> None:
    _check_names(names)
    status = get_in_space(MilestoneStatus, status_id, space)
    before = dict(status.names)
    status.names = names
    record(actor, space.id, "budgets.milestone_status_renamed",
           _target("milestone_status", status.id), names={"before": before, "after": names})
    db.session.commit()


def remove_status(actor: Any, space: Any, status_id: int) -> None:
    """Milestones that had it keep their other data and show no status."""
    status = get_in_space(MilestoneStatus, status_id, space)
    record(actor, space.id, "budgets.milestone_status_removed",
           _target("milestone_status", status.id), names={"before": status.names, "after": None})
    db.session.delete(status)
    db.session.commit()


# --- Milestones ---------------------------------------------------------------------------------

def winning_project(space: Any, budget_id: int, project_id: int) -> Project:
    """A winning project of a finished budget of the space (NotFoundError otherwise)."""
    project = get_in_space(Project, project_id, space)
    if project.budget_id != budget_id or not project.winner:
        raise NotFoundError()
    return project


def milestones_of(project_id: int) -> list[ProjectMilestone]:
    return list(db.session.scalars(
        select(ProjectMilestone).where(ProjectMilestone.project_id == project_id)
        .order_by(ProjectMilestone.on_date.desc(), ProjectMilestone.id.desc())))


@dataclass
class Upload:
    filename: str
    data: bytes


def add_milestone(actor: Any, space: Any, budget_id: int, project_id: int, *, on_date: date,
                  descriptions: dict[str, str], status_id: int | None, progress: int,
                  image: Upload | None = None) -> ProjectMilestone:
    """A milestone of a winning project, after the budget has finished. The image must be a
    PNG, JPEG or WebP (checked by its first bytes) of at most 2 MB."""
    budget = get_in_space(Budget, budget_id, space)
    project = winning_project(space, budget_id, project_id)
    if budget.phase != "finished":
        raise DomainError(_("Milestones can be added once the results are published."),
                          status=409)
    if not descriptions:
        raise DomainError(_("Describe the milestone in at least one language."), status=422,
                          field=f"description_{space.default_locale}")
    if not 0 <= progress <= 100:
        raise DomainError(_("Give a whole number from 0 to 100."), status=422,
                          field="progress")
    if status_id is not None:
        get_in_space(MilestoneStatus, status_id, space)  # 404 for another space's status
    image_id = None
    if image is not None and image.data:
        content_type = image_type(image.data)
        if content_type is None:
            raise DomainError(_("The image must be a PNG, JPEG or WebP file."), status=422,
                              field="image")
        if len(image.data) > IMAGE_MAX_BYTES:
            raise DomainError(_("The image is larger than 2 MB."), status=422, field="image")
        stored = ProjectFile(project_id=project.id, kind="image",
                             title=(image.filename or _("Milestone image"))[:NAME_MAX],
                             content_type=content_type, size=len(image.data), data=image.data)
        db.session.add(stored)
        db.session.flush()
        image_id = stored.id
    milestone = ProjectMilestone(project_id=project.id, on_date=on_date,
                                 descriptions=descriptions, status_id=status_id,
                                 progress=progress, image_id=image_id)
    db.session.add(milestone)
    db.session.flush()
    record(actor, space.id, "budgets.milestone_added", _target("budget_project", project.id),
           milestone_id=milestone.id,
           milestone={"before": None, "after": {"on_date": on_date.isoformat(),
                                                "status_id": status_id, "progress": progress,
                                                "image_id": image_id}})
    db.session.commit()
    return milestone


def remove_milestone(actor: Any, space: Any, budget_id: int, project_id: int,
                     milestone_id: int) -> None:
    project = winning_project(space, budget_id, project_id)
    milestone = db.session.scalar(select(ProjectMilestone).where(
        ProjectMilestone.id == milestone_id, ProjectMilestone.project_id == project.id))
    if milestone is None:
        raise NotFoundError()
    record(actor, space.id, "budgets.milestone_removed", _target("budget_project", project.id),
           milestone_id=milestone.id,
           milestone={"before": {"on_date": milestone.on_date.isoformat(),
                                 "status_id": milestone.status_id,
                                 "progress": milestone.progress}, "after": None})
    if milestone.image_id is not None:
        image = db.session.get(ProjectFile, milestone.image_id)
        if image is not None:
            db.session.delete(image)
    db.session.delete(milestone)
    db.session.commit()


# --- The public page ----------------------------------------------------------------------------

@dataclass
class TrackedProject:
    project: Project
    milestones: list[ProjectMilestone] = field(default_factory=list)  # newest first

    @property
    def progress(self) -> int:
        """The latest milestone's progress (0 before any)."""
        return self.milestones[0].progress if self.milestones else 0

    @property
    def latest(self) -> ProjectMilestone | None:
        return self.milestones[0] if self.milestones else None


def headings_of(budget: Budget) -> list[tuple[BudgetHeading, BudgetGroup]]:
    return list(db.session.execute(
        select(BudgetHeading, BudgetGroup).join(BudgetGroup,
                                                BudgetGroup.id == BudgetHeading.group_id)
        .where(BudgetHeading.budget_id == budget.id)
        .order_by(BudgetGroup.position, BudgetGroup.id, BudgetHeading.position,
                  BudgetHeading.id)).all())


def tracked_projects(heading_id: int) -> list[TrackedProject]:
    """The heading's winners with their milestones and statuses: two queries."""
    from sqlalchemy.orm import joinedload

    projects = list(db.session.scalars(
        select(Project).where(Project.heading_id == heading_id, Project.winner.is_(True))
        .order_by(Project.votes_count.desc(), Project.id)))
    tracked = {p.id: TrackedProject(p) for p in projects}
    if tracked:
        for milestone in db.session.scalars(
                select(ProjectMilestone).where(ProjectMilestone.project_id.in_(tracked))
                .options(joinedload(ProjectMilestone.status))
                .order_by(ProjectMilestone.on_date.desc(), ProjectMilestone.id.desc())):
            tracked[milestone.project_id].milestones.append(milestone)
    return list(tracked.values())
