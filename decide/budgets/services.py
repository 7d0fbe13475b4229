"""Every public write about budget projects: submitting, editing and withdrawing them, their
files, and supports. One transaction each; refusals are DomainErrors with a translated
message (and the form field they concern)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, event, select

from decide.accounts.models import User
from decide.budgets import queries
from decide.budgets.ballots import personal_data as ballots_personal_data
from decide.budgets.models import (
    DESCRIPTION_MAX,
    LOCATION_MAX,
    NAME_MAX,
    TITLE_MAX,
    TITLE_MIN,
    Budget,
    BudgetGroup,
    BudgetHeading,
    Project,
    ProjectFile,
    ProjectSupport,
)
from decide.cities.models import Space
from decide.core.db import get_in_space, locked, utcnow
from decide.core.errors import DomainError, NotFoundError
from decide.core.permissions import can, eligible_spaces
from decide.core.signals import content_created, content_updated
from decide.core.text import render_markdown
from decide.core.uploads import image_type, is_pdf
from decide.core.votes import VoteRule, bump_counters, cast, withdraw
from decide.extensions import db
from decide.follows.services import follow
from decide.search.services import index_document, remove_document
from decide.tags.services import parse_tags, set_tags

MAX_TAGS = 6
MAX_DOCUMENTS = 3
IMAGE_MAX_BYTES = 2 * 1024 * 1024
DOCUMENT_MAX_BYTES = 5 * 1024 * 1024
# Sent by the form at most: an image, three documents and the text fields.
UPLOAD_MAX_BYTES = IMAGE_MAX_BYTES + MAX_DOCUMENTS * DOCUMENT_MAX_BYTES + 512 * 1024


# --- files -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Upload:
    """A file as received: its name, and its bytes (the type is read from them)."""

    filename: str
    data: bytes


def _file_title(filename: str) -> str:
    """A readable title from the uploaded name: no directories, no control characters."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return (name or _("file"))[:NAME_MAX]


def _image_file(upload: Upload) -> ProjectFile:
    content_type = image_type(upload.data)
    if content_type is None:
        raise DomainError(_("The image must be a PNG, JPEG or WebP picture."), field="image")
    if len(upload.data) > IMAGE_MAX_BYTES:
        raise DomainError(_("The image can weigh at most 2 MB."), field="image")
    return ProjectFile(kind="image", title=_file_title(upload.filename),
                       content_type=content_type, size=len(upload.data), data=upload.data)


def _document_file(upload: Upload) -> ProjectFile:
    if not is_pdf(upload.data):
        raise DomainError(_("“%(name)s” is not a PDF document.",
                            name=_file_title(upload.filename)), field="documents")
    if len(upload.data) > DOCUMENT_MAX_BYTES:
        raise DomainError(_("“%(name)s” weighs more than 5 MB.",
                            name=_file_title(upload.filename)), field="documents")
    return ProjectFile(kind="document", title=_file_title(upload.filename),
                       content_type="application/pdf", size=len(upload.data), data=upload.data)


# --- projects ----------------------------------------------------------------------------

def _clean(budget: Budget, *, heading_id: int | None, title: str, description: str,
           location: str) -> dict[str, Any]:
    title = " ".join((title or "").split())
    description = (description or "").strip()
    location = " ".join((location or "").split())
    heading = next((h for g in budget.groups for h in g.headings if h.id == heading_id), None)
    if heading is None:
        raise DomainError(_("Choose one of the budget's headings."), field="heading")
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        raise DomainError(_("The title needs between %(min)d and %(max)d characters.",
                            min=TITLE_MIN, max=TITLE_MAX), field="title")
    if not description:
        raise DomainError(_("Please describe the project."), field="description")
    if len(description) > DESCRIPTION_MAX:
        raise DomainError(_("The description can have at most %(max)d characters.",
                            max=DESCRIPTION_MAX), field="description")
    if len(location) > LOCATION_MAX:
        raise DomainError(_("The location can have at most %(max)d characters.",
                          max=LOCATION_MAX), field="location")
    return {"heading": heading, "title": title, "description": description,
            "location": location or None}


def submit_refusal(user: User, space: Space, budget: Budget) -> str:
    """Why `user` may not submit a project to `budget` now, in words."""
    if budget.phase != "accepting":
        return _("Projects can only be proposed while the budget is accepting projects.")
    if not user.is_confirmed:
        return _("Confirm your e-mail address to propose projects.")
    if space.id not in eligible_spaces(user):
        if user.residence is None:
            return _("Verify your residence to propose projects.")
        if space.is_alliance:
            return _("Only residents of the alliance's member cities propose projects here.")
        return _("Only verified residents of %(city)s propose projects.", city=space.name)
    return _("You cannot propose projects to this budget.")


def _index(project: Project) -> None:
    index_document(space_id=project.space_id, target_type="budget_project",
                   target_id=project.id, locale=project.locale, title=project.title,
                   body=project.description)


def submit_project(user: User, space: Space, budget: Budget, *, heading_id: int | None,
                   title: str, description: str, location: str = "", tags: str = "",
                   image: Upload | None = None, documents: tuple[Upload, ...] = (),
                   locale: str = "es") -> Project:
    """A verified resident's project in one of the budget's headings, while it accepts
    projects. The heading's project count moves in SQL in the same transaction."""
    if not can(user, "budgets.submit", space, budget):
        raise DomainError(submit_refusal(user, space, budget), status=403)
    values = _clean(budget, heading_id=heading_id, title=title, description=description,
                    location=location)
    tag_names = parse_tags(tags, MAX_TAGS)
    if len(documents) > MAX_DOCUMENTS:
        raise DomainError(_("Attach at most %(n)d documents.", n=MAX_DOCUMENTS),
                          field="documents")
    files = ([_image_file(image)] if image else []) + [_document_file(d) for d in documents]
    heading = values.pop("heading")
    project = Project(
        space_id=space.id, budget_id=budget.id, heading_id=heading.id,
        group_id=heading.group_id, author_id=user.id, locale=locale,
        description_html=str(render_markdown(values["description"])),
        supports_count=0, votes_count=0, comments_count=0, flags_count=0, **values)
    db.session.add(project)
    db.session.flush()
    for file in files:
        file.project_id = project.id
        db.session.add(file)
    set_tags(space.id, "budget_project", project.id, tag_names)
    bump_counters(BudgetHeading, heading.id, projects_count=1)
    _index(project)
    db.session.commit()
    follow(user, space, "budget_project", project.id)
    content_created.send(project)
    return project


def edit_project(user: User, project: Project, *, heading_id: int | None, title: str,
                 description: str, location: str = "", tags: str = "",
                 image: Upload | None = None, documents: tuple[Upload, ...] = (),
                 remove_file_ids: tuple[int, ...] = ()) -> Project:
    """The author changes the project while the budget accepts projects: the text, the
    heading, the tags; a new image replaces the old one; documents are added or removed."""
    space, budget = project.space, project.budget
    if not can(user, "budgets.edit_project", space, project):
        raise DomainError(_("Projects can only be edited by their authors while the budget is "
                            "accepting projects."), status=403)
    values = _clean(budget, heading_id=heading_id, title=title, description=description,
                    location=location)
    tag_names = parse_tags(tags, MAX_TAGS)
    existing = queries.files_of(project)
    removed = {f.id for f in existing if f.id in set(remove_file_ids)}
    if image is not None:
        removed |= {f.id for f in existing if f.kind == "image"}
    kept_documents = [f for f in existing if f.kind == "document" and f.id not in removed]
    if len(kept_documents) + len(documents) > MAX_DOCUMENTS:
        raise DomainError(_("A project can have at most %(n)d documents: remove one first.",
                            n=MAX_DOCUMENTS), field="documents")
    new_files = ([_image_file(image)] if image else []) + [_document_file(d) for d in documents]
    heading = values.pop("heading")
    if heading.id != project.heading_id:
        bump_counters(BudgetHeading, project.heading_id, projects_count=-1)
        bump_counters(BudgetHeading, heading.id, projects_count=1)
        project.heading_id, project.group_id = heading.id, heading.group_id
    for name, value in values.items():
        setattr(project, name, value)
    project.description_html = str(render_markdown(values["description"]))
    if removed:
        db.session.execute(delete(ProjectFile).where(ProjectFile.id.in_(removed),
                                                     ProjectFile.project_id == project.id))
    for file in new_files:
        file.project_id = project.id
        db.session.add(file)
    set_tags(project.space_id, "budget_project", project.id, tag_names)
    _index(project)
    db.session.commit()
    content_updated.send(project)
    return project


def withdraw_project(user: User, project: Project) -> Project:
    """The author takes the project back (accepting or reviewing): it leaves the lists and the
    heading's count, and stays readable, marked as withdrawn."""
    if not can(user, "budgets.withdraw_project", project.space, project):
        raise DomainError(_("Authors withdraw their projects only while the budget is accepting "
                            "or reviewing projects."), status=403)
    project = locked(Project, project.id, project.space)
    if project.withdrawn_at is not None:
        db.session.rollback()
        raise DomainError(_("This project is already withdrawn."), status=409)
    project.withdrawn_at = utcnow()
    bump_counters(BudgetHeading, project.heading_id, projects_count=-1)
    remove_document("budget_project", project.id)
    db.session.commit()
    return project


# --- supports ----------------------------------------------------------------------------

def _group_limit(user: User, project: Project) -> None:
    """On the locked project: at most `group.max_headings` headings of the group among the
    person's supports. The person's row is locked too (PostgreSQL), so two supports in two
    headings sent at once cannot both pass; SQLite's write lock already serialises them."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    group = db.session.get(BudgetGroup, project.group_id)
    used = queries.headings_supported_in_group(user.id, project.group_id, project.heading_id)
    if used >= group.max_headings:
        raise DomainError(_(
            "You already support projects in %(num)d heading(s) of “%(group)s”, the most "
            "allowed. Remove those supports first to support projects here.",
            num=group.max_headings, group=group.name), status=409)


@event.listens_for(ProjectSupport, "before_insert")
def _copy_heading(mapper: Any, connection: Any, row: ProjectSupport) -> None:
    """A support row carries its project's heading and group (so the per-group limit is one
    indexed count); the vote core builds the row from the voter only, so they are copied here,
    in the insert itself."""
    if row.heading_id is None or row.group_id is None:
        row.heading_id, row.group_id = connection.execute(
            select(Project.heading_id, Project.group_id)
            .where(Project.id == row.project_id)).one()


SUPPORTS = VoteRule(
    target_type="budget_project", vote_model=ProjectSupport, item_model=Project,
    item_key="project_id", value_column="value", choices={"support": 1},
    counters={"support": "supports_count"}, changeable=False, per_city=True,
    check_new=_group_limit,
    duplicate_message=_l("You already support this project."),
)


def support_refusal(user: User, space: Space, project: Project) -> str:
    """Why `user` may not support `project`, in words."""
    if user.is_organisation:
        return _("Organisations cannot support projects.")
    if project.budget.phase != "selecting":
        return _("Projects can only be supported while the budget is selecting projects.")
    if project.is_withdrawn:
        return _("Its author withdrew this project.")
    if project.feasibility == "unfeasible":
        return _("This project was found unfeasible: it takes no supports.")
    if space.id not in eligible_spaces(user):
        if user.residence is None:
            return _("Verify your residence to support projects.")
        if space.is_alliance:
            return _("Only residents of the alliance's member cities support these projects.")
        return _("Only verified residents of %(city)s support its projects.", city=space.name)
    return _("You cannot support this project.")


def _project_for_vote(space: Space, budget_id: int, project_id: int) -> Project:
    project = get_in_space(Project, project_id, space)
    if project.budget_id != budget_id or project.is_hidden or not project.budget.is_published:
        raise NotFoundError()
    return project


def support(user: User, space: Space, budget_id: int, project_id: int) -> Project:
    """One support per person and project, in at most the group's number of headings."""
    project = _project_for_vote(space, budget_id, project_id)
    if not can(user, "budgets.support", space, project):
        raise DomainError(support_refusal(user, space, project), status=403)
    try:
        project, changed = cast(SUPPORTS, user, space, project_id, "support")
    except DomainError:
        db.session.rollback()  # release the locks before the page is shown
        raise
    if not changed:
        raise DomainError(_("You already support this project."), status=409)
    return project


def unsupport(user: User, space: Space, budget_id: int, project_id: int) -> Project:
    """Supports may be removed while the budget is selecting projects."""
    project = _project_for_vote(space, budget_id, project_id)
    if project.budget.phase != "selecting":
        raise DomainError(_("Supports can only be removed while the budget is selecting "
                            "projects."), status=403)
    project, changed = withdraw(SUPPORTS, user, space, project_id)
    if not changed:
        raise DomainError(_("You do not support this project."), status=409)
    return project


# --- hooks for the shared modules --------------------------------------------------------

def count_comment(project: Project) -> None:
    """A comment was added: inside the comment's transaction."""
    bump_counters(Project, project.id, comments_count=1)


def personal_data(user: User) -> dict[str, Any]:
    """The person's projects, supports and ballots."""
    projects = db.session.scalars(select(Project).where(Project.author_id == user.id)
                                  .order_by(Project.id)).all()
    supports = db.session.execute(
        select(ProjectSupport.project_id, ProjectSupport.created_at)
        .where(ProjectSupport.user_id == user.id).order_by(ProjectSupport.id)).all()
    data: dict[str, Any] = {
        "projects": [{"id": p.id, "budget_id": p.budget_id, "space_id": p.space_id,
                      "heading_id": p.heading_id, "title": p.title,
                      "description": p.description, "location": p.location,
                      "created_at": p.created_at.isoformat(),
                      "withdrawn_at": p.withdrawn_at.isoformat() if p.withdrawn_at else None}
                     for p in projects],
        "supports": [{"project_id": s.project_id, "created_at": s.created_at.isoformat()}
                     for s in supports],
    }
    data["ballots"] = ballots_personal_data(user)
    return data
