"""Public budget pages: the space's budgets, a budget (phases, what can be done now, headings),
a heading's projects, a project, submitting / editing / withdrawing projects, supports and the
projects' files.

Every action is a plain form post (CSRF token, redirect after success), so nothing needs
JavaScript; a refused action shows its translated reason on the page with what was typed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import abort, flash, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from decide.budgets import queries, services
from decide.budgets.admin_forms import PHASE_LABELS
from decide.budgets.blueprint import bp
from decide.budgets.forms import ProjectForm, WithdrawForm
from decide.budgets.models import PHASES, Budget, BudgetHeading, Project
from decide.budgets.permissions import PHASE_ACTIONS
from decide.comments import queries as comment_queries
from decide.comments.forms import CommentForm, build_comment_form
from decide.core.errors import DomainError
from decide.core.forms import attach_error
from decide.core.i18n import current_locale
from decide.core.modules import ActivityItem
from decide.core.pagination import page_number
from decide.core.permissions import can, is_visible
from decide.core.ratelimit import rate_limited
from decide.listings.queries import UnknownFilter
from decide.moderation.services import already_flagged
from decide.tags.queries import popular_tags


@bp.app_template_global("budget_phase_label")
def budget_phase_label(kind: str) -> str:
    return str(PHASE_LABELS.get(kind, kind))


def project_url(project: Project) -> str:
    return url_for("budgets.project", space=project.space, budget_id=project.budget_id,
                   project_id=project.id)


# --- lookups ---------------------------------------------------------------------------

def _is_admin() -> bool:
    return can(current_user, "budgets.manage", g.space)


def _budget_or_404(budget_id: int) -> Budget:
    """The budget with its phases and headings; unpublished ones exist for administrators
    only."""
    budget = queries.budget_for_page(g.space, budget_id)
    if budget is None or not (budget.is_published or _is_admin()):
        abort(404)
    return budget


def _heading_or_404(budget: Budget, heading_id: int) -> BudgetHeading:
    heading = queries.heading_of(budget, heading_id)
    if heading is None:
        abort(404)
    return heading


def _project_or_404(budget_id: int, project_id: int) -> Project:
    project = queries.project_for_page(g.space, budget_id, project_id)
    # Hidden projects exist only for the space's moderators (to review and restore them).
    if project is None or not is_visible(current_user, project, g.space):
        abort(404)
    if not (project.budget.is_published or _is_admin()):
        abort(404)
    return project


# --- what can be done now --------------------------------------------------------------

@dataclass
class PhaseStep:
    """One enabled phase on the budget's timeline."""

    kind: str
    label: str
    starts_on: date | None
    ends_on: date | None
    summary: str
    state: str  # "past", "current", "next"


def timeline(budget: Budget) -> list[PhaseStep]:
    """The enabled phases in order, the current one marked (it is shown even if switched off,
    so the page never hides where the budget stands)."""
    current = PHASES.index(budget.phase)
    steps = []
    for phase in sorted(budget.phases, key=lambda p: PHASES.index(p.kind)):
        if not phase.enabled and phase.kind != budget.phase:
            continue
        at = PHASES.index(phase.kind)
        state = "current" if at == current else ("past" if at < current else "next")
        steps.append(PhaseStep(phase.kind, budget_phase_label(phase.kind), phase.starts_on,
                               phase.ends_on, phase.summary, state))
    return steps


def _action_text(action: str, budget: Budget) -> str | None:
    """What an open action means for people, in plain words (None: not a public action)."""
    limits = sorted({g.max_headings for g in budget.groups}) or [1]
    texts = {
        "submit": _("Verified residents can propose projects for any heading."),
        "edit_project": _("Authors can edit their projects."),
        "withdraw_project": _("Authors can withdraw their projects."),
        "support": ngettext(
            "Verified residents can support as many projects as they like, in %(num)d heading "
            "per group.",
            "Verified residents can support as many projects as they like, in up to %(num)d "
            "headings per group.", limits[-1]),
        "vote": (_("Verified residents can vote: choose projects up to each heading's money.")
                 if budget.voting_style == "knapsack"
                 else _("Verified residents can vote: choose the projects they prefer in one "
                        "heading per group.")),
        "track": _("Follow how the winning projects are carried out."),
    }
    return texts.get(action)


def _open_until(budget: Budget, action: str) -> date | None:
    """The last day an open action lasts: the end of the last enabled phase it stays open
    in from now on (withdrawing lasts through accepting and reviewing)."""
    current = PHASES.index(budget.phase)
    until = None
    for phase in sorted(budget.phases, key=lambda p: PHASES.index(p.kind)):
        at = PHASES.index(phase.kind)
        if at < current or not (phase.enabled or at == current):
            continue
        if phase.kind not in PHASE_ACTIONS[action]:
            break
        until = phase.ends_on
    return until


def now_texts(budget: Budget) -> list[tuple[str, date | None]]:
    """What people can do in the current phase, in plain words, each with its last day."""
    quiet = {
        "informing": _("The budget is announced: projects cannot be proposed yet."),
        "reviewing": _("The projects are being reviewed: no new projects can be proposed."),
        "valuating": _("Valuators are studying the feasibility and the cost of the projects."),
        "publishing_prices": _("The projects' prices are published; voting opens soon."),
        "reviewing_ballots": _("Voting is closed: the votes are being checked before the "
                               "results are published."),
    }
    texts = [(text, _open_until(budget, action))
             for action, phases in PHASE_ACTIONS.items() if budget.phase in phases
             for text in [_action_text(action, budget)] if text]
    if budget.phase in quiet:
        texts.insert(0, (quiet[budget.phase], None))
    if budget.phase == "finished" and budget.results_published_at is not None:
        texts.insert(0, (_("The results are published."), None))
    return texts


# --- pages -----------------------------------------------------------------------------

@bp.route("/<space:space>/budgets/")
def index() -> Any:
    budgets = queries.budgets_of(g.space, include_unpublished=_is_admin())
    return render_template("budgets/index.html", budgets=budgets, is_admin=_is_admin())


@bp.route("/<space:space>/budgets/<int:budget_id>")
def show(budget_id: int) -> Any:
    budget = _budget_or_404(budget_id)
    current = budget.current_phase()
    return render_template(
        "budgets/show.html", budget=budget, steps=timeline(budget), current=current,
        now_texts=now_texts(budget), is_admin=_is_admin(),
        supported_headings=(queries.supported_headings(current_user, budget)
                            if budget.phase == "selecting" else {}),
        can_submit=can(current_user, "budgets.submit", g.space, budget),
        prices_public=queries.prices_public(budget))


def _heading_filters(budget: Budget) -> Any:
    """The list's filters from the query string; what this phase does not offer is a 400."""
    args = {k: v for k, v in request.args.items() if k != "geozone"}  # projects have none
    filters = queries.LISTING.filters_from(g.space, args)
    if filters.order not in queries.orderings_for(budget) or (
            filters.status and filters.status not in queries.statuses_for(budget)):
        raise DomainError(_("This list cannot be shown that way in this phase."), status=400)
    return filters


@bp.route("/<space:space>/budgets/<int:budget_id>/headings/<int:heading_id>")
def heading(budget_id: int, heading_id: int) -> Any:
    budget = _budget_or_404(budget_id)
    heading_row = _heading_or_404(budget, heading_id)
    try:
        filters = _heading_filters(budget)
    except UnknownFilter as unknown:
        return render_template("budgets/unknown_filter.html", budget=budget,
                               heading=heading_row, **{unknown.kind: unknown.value}), 404
    page = queries.LISTING.page(
        queries.project_list(g.space, heading_row, filters,
                             include_hidden=can(current_user, "moderate", g.space)),
        page_number())
    ids = [p.id for p in page.items]
    ballot = _ballot(budget)
    return render_template(
        "budgets/heading.html", budget=budget, heading=heading_row, page=page,
        filters=filters, orderings=[queries.LISTING.ordering(k)
                                    for k in queries.orderings_for(budget)],
        statuses=[s for s in queries.LISTING.statuses
                  if s.key in queries.statuses_for(budget)],
        tags=popular_tags(g.space), images=queries.image_ids(ids),
        supported=queries.supported_ids(current_user, ids) if budget.phase == "selecting"
        else set(), ballot=ballot,
        can_submit=can(current_user, "budgets.submit", g.space, budget),
        **_card_flags(budget))


def _ballot(budget: Budget) -> Any:
    """The person's ballot state, once per page, while voting is open."""
    if budget.phase != "balloting":
        return None
    from decide.budgets.ballot_queries import ballot_for

    return ballot_for(current_user, budget)


def _card_flags(budget: Budget) -> dict[str, bool]:
    return {"prices_public": queries.prices_public(budget),
            "supports_shown": queries.supports_shown(budget),
            "votes_public": queries.votes_public(budget),
            "selection_public": queries.selection_public(budget)}


def _support_state(project: Project, supported: bool) -> str:
    """Why the support button is (not) there: one key the template explains in words."""
    budget = project.budget
    if budget.phase != "selecting":
        return "closed"
    if supported:
        return "supported"
    if not current_user.is_authenticated:
        return "anonymous"
    if can(current_user, "budgets.support", g.space, project):
        return "can"
    return "refused"


def render_project(project: Project, comment_form: CommentForm | None = None,
                   status: int = 200) -> tuple[str, int]:
    """The project page; also shows a comment form's errors with what was typed."""
    order = request.args.get("order", "top")
    if order not in comment_queries.ORDERS:
        abort(400)
    budget = project.budget
    comments = comment_queries.comment_page(g.space, "budget_project", project.id, order,
                                            page_number())
    shown = comment_queries.flatten(comments.items)
    user = current_user
    supported = bool(queries.supported_ids(user, [project.id]))
    state = _support_state(project, supported)
    return render_template(
        "budgets/project.html", project=project, budget=budget, heading=project.heading,
        files=queries.files_of(project), comments=comments, comment_order=order,
        comment_votes=comment_queries.votes_by(user, shown),
        comment_form=comment_form or build_comment_form(g.space, user),
        supported=supported, support_state=state,
        support_refusal=(services.support_refusal(user, g.space, project)
                         if state == "refused" else ""),
        valuation_public=queries.valuation_public(project),
        price_shown=queries.price_shown(project), ballot=_ballot(budget),
        can_edit=can(user, "budgets.edit_project", g.space, project),
        can_withdraw=can(user, "budgets.withdraw_project", g.space, project),
        flagged=already_flagged(user, "budget_project", project.id),
        **_card_flags(budget)), status


@bp.route("/<space:space>/budgets/<int:budget_id>/projects/<int:project_id>")
def project(budget_id: int, project_id: int) -> Any:
    return render_project(_project_or_404(budget_id, project_id))


# --- submitting and editing --------------------------------------------------------------

def _render_form(form: ProjectForm, budget: Budget, project: Project | None,
                 status: int = 200, refusal: str = "") -> tuple[str, int]:
    return render_template("budgets/project_form.html", form=form, budget=budget,
                           project=project, refusal=refusal), status


def _too_large(form: ProjectForm, budget: Budget, project: Project | None) -> tuple[str, int]:
    form.documents.errors = [_("The files are too large together: send at most an image of "
                               "2 MB and three documents of 5 MB.")]
    return _render_form(form, budget, project, 413)


UPLOAD_ENDPOINTS = ("budgets.new_project", "budgets.edit_project")


@bp.url_value_preprocessor
def allow_uploads(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """The project forms take an image and documents, more than the site's 2 MB: raised before
    anything reads the body (URL preprocessors run before the app's request hooks)."""
    if endpoint in UPLOAD_ENDPOINTS:
        request.max_content_length = services.UPLOAD_MAX_BYTES


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge) -> Any:
    """Even that is exceeded: say so on the form instead of a bare error page."""
    args = request.view_args or {}
    if request.endpoint not in UPLOAD_ENDPOINTS or not current_user.is_authenticated:
        from decide.core.errors import render_error

        return render_error(413)
    budget = _budget_or_404(int(args["budget_id"]))
    project = (_project_or_404(budget.id, int(args["project_id"]))
               if "project_id" in args else None)
    form = ProjectForm(formdata=None).with_choices(budget)
    if project is not None:
        form.heading.data, form.title.data = project.heading_id, project.title
        form.description.data, form.location.data = project.description, project.location
    return _too_large(form, budget, project)


def _project_form(budget: Budget, files: list[Any] = ()) -> tuple[ProjectForm, bool]:
    """The form with what was sent; (an empty form, True) when the body is too large."""
    try:
        return ProjectForm().with_choices(budget, files), False
    except RequestEntityTooLarge:
        return ProjectForm(formdata=None).with_choices(budget, files), True


def _fields(form: ProjectForm) -> dict[str, Any]:
    return {"heading_id": form.heading.data, "title": form.title.data or "",
            "description": form.description.data or "", "location": form.location.data or "",
            "tags": form.tags.data or "", "image": form.image_upload(),
            "documents": form.document_uploads()}


@bp.route("/<space:space>/budgets/<int:budget_id>/projects/new", methods=["GET", "POST"])
@login_required
@rate_limited("RATELIMIT_DEBATE", per_user=True)
def new_project(budget_id: int) -> Any:
    budget = _budget_or_404(budget_id)
    form, too_large = _project_form(budget)
    allowed = can(current_user, "budgets.submit", g.space, budget)
    refusal = "" if allowed else services.submit_refusal(current_user, g.space, budget)
    if request.method == "GET":
        headings = [h.id for g in budget.groups for h in g.headings]
        preset = form.heading.coerce(request.args.get("heading", ""))
        form.heading.data = preset if preset else (headings[0] if len(headings) == 1 else None)
        return _render_form(form, budget, None, 200 if allowed else 403, refusal)
    if too_large:
        return _too_large(form, budget, None)
    if not form.validate_on_submit():
        return _render_form(form, budget, None, 400, refusal)
    try:
        project = services.submit_project(current_user, g.space, budget, **_fields(form),
                                          locale=current_locale())
    except DomainError as error:
        attach_error(form, error)
        return _render_form(form, budget, None, error.status, refusal)
    flash(_("Your project is published. You follow it and hear of its comments."), "success")
    return redirect(project_url(project), 303)


@bp.route("/<space:space>/budgets/<int:budget_id>/projects/<int:project_id>/edit",
          methods=["GET", "POST"])
@login_required
def edit_project(budget_id: int, project_id: int) -> Any:
    project = _project_or_404(budget_id, project_id)
    if project.author_id != current_user.id:
        abort(403)
    budget = _budget_or_404(budget_id)
    if not can(current_user, "budgets.edit_project", g.space, project):
        flash(_("Projects can only be edited while the budget is accepting projects."),
              "error")
        return redirect(project_url(project), 303)
    form, too_large = _project_form(budget, queries.files_of(project))
    if request.method == "GET":
        form.heading.data = project.heading_id
        form.title.data, form.description.data = project.title, project.description
        form.location.data = project.location or ""
        form.tags.data = ", ".join(t.name for t in project.tags)
        return _render_form(form, budget, project)
    if too_large:
        return _too_large(form, budget, project)
    if not form.validate_on_submit():
        return _render_form(form, budget, project, 400)
    try:
        services.edit_project(current_user, project, **_fields(form),
                              remove_file_ids=tuple(form.remove_files.data or ()))
    except DomainError as error:
        attach_error(form, error)
        return _render_form(form, budget, project, error.status)
    flash(_("Your changes are saved."), "success")
    return redirect(project_url(project), 303)


@bp.route("/<space:space>/budgets/<int:budget_id>/projects/<int:project_id>/withdraw",
          methods=["GET", "POST"])
@login_required
def withdraw_project(budget_id: int, project_id: int) -> Any:
    project = _project_or_404(budget_id, project_id)
    if not can(current_user, "budgets.withdraw_project", g.space, project):
        abort(403)
    form = WithdrawForm()
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("budgets/withdraw.html", project=project, form=form), status
    try:
        services.withdraw_project(current_user, project)
    except DomainError as error:
        attach_error(form, error)
        return render_template("budgets/withdraw.html", project=project,
                               form=form), error.status
    flash(_("Your project is withdrawn. It stays readable but leaves the lists."), "success")
    return redirect(project_url(project), 303)


@bp.errorhandler(429)
def posting_too_fast(error: Exception) -> Any:
    """A posting flood: say so in the reader's language and keep what they typed."""
    message = _("You are posting too fast. Please wait a few minutes and try again.")
    if request.endpoint == "budgets.new_project":
        budget = _budget_or_404(int((request.view_args or {})["budget_id"]))
        form = ProjectForm().with_choices(budget)
        form.title.errors = [message]
        return _render_form(form, budget, None, 429)
    from decide.core.errors import render_error

    return render_error(429, message)


# --- supports ----------------------------------------------------------------------------

def _refused(budget_id: int, project_id: int, error: DomainError) -> Any:
    if error.status == 404:
        abort(404)
    project = _project_or_404(budget_id, project_id)
    flash(error.message, "error")
    return render_project(project, status=error.status)


def _back_to(budget_id: int, project_id: int) -> Any:
    """Back to the page the button was on (the heading list), else the project's page."""
    target = request.form.get("next", "")
    prefix = url_for("budgets.show", budget_id=budget_id)
    if target.startswith(prefix + "/") and "//" not in target and "\\" not in target:
        return redirect(target, 303)
    return redirect(url_for("budgets.project", budget_id=budget_id,
                            project_id=project_id) + "#supports", 303)


@bp.route("/<space:space>/budgets/<int:budget_id>/projects/<int:project_id>/support",
          methods=["POST"])
@login_required
@rate_limited("RATELIMIT_VOTE", per_user=True)
def support(budget_id: int, project_id: int) -> Any:
    try:
        services.support(current_user, g.space, budget_id, project_id)
    except DomainError as error:
        return _refused(budget_id, project_id, error)
    flash(_("Thank you: your support is counted."), "success")
    return _back_to(budget_id, project_id)


@bp.route("/<space:space>/budgets/<int:budget_id>/projects/<int:project_id>/unsupport",
          methods=["POST"])
@login_required
@rate_limited("RATELIMIT_VOTE", per_user=True)
def unsupport(budget_id: int, project_id: int) -> Any:
    try:
        services.unsupport(current_user, g.space, budget_id, project_id)
    except DomainError as error:
        return _refused(budget_id, project_id, error)
    flash(_("Your support is removed."), "success")
    return _back_to(budget_id, project_id)


# --- files -------------------------------------------------------------------------------

@bp.route("/<space:space>/budgets/files/<int:file_id>")
def project_file(file_id: int) -> Any:
    """A project's image (shown inline) or document (downloaded), with the type checked when
    it was uploaded; never sniffed by the browser."""
    found = queries.file_in_space(g.space, file_id)
    if found is None:
        abort(404)
    file, owner = found
    if not is_visible(current_user, owner, g.space) or not (
            owner.budget.is_published or _is_admin()):
        abort(404)
    response = make_response(file.data)
    response.headers["Content-Type"] = file.content_type
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, max-age=3600"
    disposition = "attachment" if file.kind == "document" else "inline"
    from urllib.parse import quote

    ascii_name = "".join(c if c.isascii() and c.isalnum() or c in "._-" else "_"
                         for c in file.title) or "file"
    response.headers["Content-Disposition"] = (
        f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file.title)}")
    return response


# --- for the module's declaration --------------------------------------------------------

def project_activity(user: Any, limit: int) -> list[ActivityItem]:
    """The person's visible projects, newest first, for the profile page."""
    return [ActivityItem("budget_project", project.title, project_url(project), space.name,
                         project.created_at, space.timezone, _("Proposed a budget project"))
            for project, space in queries.activity_of(user, limit)]


def home_context(space: Any) -> dict[str, Any]:
    budget, total = queries.current_budget(space)
    return {"budget": budget, "total": total,
            "projects": queries.top_projects(budget) if budget is not None else []}
