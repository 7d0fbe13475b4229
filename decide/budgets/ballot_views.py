"""Ballot, results, PaBuLib and execution pages of budgets (thin: the work is in `ballots`,
`ballot_queries`, `results` and `execution`)."""

from __future__ import annotations

from typing import Any

from flask import (
    Response,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.routing import BuildError

from decide.budgets import ballot_queries, ballots, execution, results
from decide.budgets.ballot_forms import (
    BallotLineForm,
    ImportForm,
    PublishForm,
    milestone_form,
    status_form,
    translations_of,
)
from decide.budgets.blueprint import bp
from decide.budgets.models import Budget, MilestoneStatus
from decide.core.db import get_in_space
from decide.core.errors import DomainError, NotFoundError
from decide.core.forms import attach_error
from decide.core.permissions import can
from decide.core.ratelimit import rate_limited
from decide.core.urls import safe_next


@bp.app_template_global("budget_link")
def budget_link(endpoint: str, **values: Any) -> str | None:
    """A link to another budget page, or None while that page does not exist (the budget
    pages are written by several people; a missing one must not break these)."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


# A milestone's form: a 2 MB image and the fields around it.
MILESTONE_UPLOAD_MAX = 3 * 1024 * 1024


@bp.url_value_preprocessor
def raise_upload_limit(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Uploads larger than the site's usual limit (2 MB): PaBuLib files and milestone images.
    Set before anything reads the form: the site-wide checks (control characters, CSRF) read
    it in `before_request`, and URL value preprocessors run before those."""
    if endpoint == "budgets.admin_import_pb":
        request.max_content_length = results.IMPORT_MAX_BYTES + 64 * 1024
    elif endpoint == "budgets.admin_milestones":
        request.max_content_length = MILESTONE_UPLOAD_MAX


def _budget_or_404(budget_id: int) -> Budget:
    try:
        budget = get_in_space(Budget, budget_id, g.space)
    except NotFoundError:
        abort(404)
    # Unpublished budgets exist only for the space's administrators.
    if not budget.is_published and not can(current_user, "budgets.manage", g.space):
        abort(404)
    return budget


def _require_admin() -> None:
    if not current_user.is_authenticated:
        from decide.extensions import login_manager

        abort(login_manager.unauthorized())
    if not can(current_user, "budgets.manage", g.space):
        abort(403)


# --- Ballot -------------------------------------------------------------------------------------

def render_ballot(budget: Budget, status: int = 200) -> tuple[str, int]:
    state, groups = ballot_queries.ballot_page(current_user, budget)
    return render_template("budgets/ballot/show.html", budget=budget, ballot=state,
                           groups=groups,
                           refusal=ballots.refusal_message(state.refusal)
                           if state is not None and state.refusal else None), status


@bp.route("/<space:space>/budgets/<int:budget_id>/ballot")
@login_required
def ballot(budget_id: int) -> Any:
    return render_ballot(_budget_or_404(budget_id))


def _change_line(budget_id: int, add: bool) -> Any:
    budget = _budget_or_404(budget_id)
    form = BallotLineForm()
    project_id = form.project() if form.validate_on_submit() else None
    if project_id is None:
        flash(_("Choose a project."), "error")
        return render_ballot(budget, 400)
    try:
        change = ballots.add_line if add else ballots.remove_line
        project, changed = change(current_user, g.space, budget.id, project_id)
    except DomainError as error:
        if error.status == 404:
            abort(404)
        flash(error.message, "error")
        return render_ballot(budget, error.status)
    if add:
        flash(_("“%(title)s” is on your ballot.", title=project.title) if changed
              else _("“%(title)s” was already on your ballot.", title=project.title),
              "success")
    else:
        flash(_("“%(title)s” is no longer on your ballot.", title=project.title), "success")
    return redirect(safe_next_for(budget), 303)


def safe_next_for(budget: Budget) -> str:
    target = safe_next("budgets.index")
    if "next" not in request.values:
        return url_for("budgets.ballot", budget_id=budget.id)
    return target


@bp.route("/<space:space>/budgets/<int:budget_id>/ballot/add", methods=["POST"])
@login_required
@rate_limited("RATELIMIT_VOTE", per_user=True)
def ballot_add(budget_id: int) -> Any:
    return _change_line(budget_id, add=True)


@bp.route("/<space:space>/budgets/<int:budget_id>/ballot/remove", methods=["POST"])
@login_required
@rate_limited("RATELIMIT_VOTE", per_user=True)
def ballot_remove(budget_id: int) -> Any:
    return _change_line(budget_id, add=False)


# --- Results ------------------------------------------------------------------------------------

@bp.route("/<space:space>/budgets/<int:budget_id>/results", endpoint="results")
def results_page(budget_id: int) -> Any:
    budget = _budget_or_404(budget_id)
    if budget.results_published_at is None:
        abort(404)
    return render_template("budgets/results/show.html", budget=budget,
                           results=results.compute(budget))


@bp.route("/<space:space>/budgets/<int:budget_id>/results.pb")
def results_pb(budget_id: int) -> Any:
    """A heading's election as a PaBuLib file: public once results are published;
    administrators may download it after voting has closed."""
    budget = _budget_or_404(budget_id)
    admin = can(current_user, "budgets.manage", g.space)
    if budget.results_published_at is None and not (
            admin and budget.phase in ("reviewing_ballots", "finished")):
        abort(404)
    heading_id = request.args.get("heading", type=int)
    exported = results.export_heading(budget, heading_id)
    if exported is None:
        abort(404)
    result, text = exported
    filename = f"budget-{budget.id}-heading-{result.heading.id}.pb"
    return Response(text.encode("utf-8"), content_type="text/plain; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "X-Content-Type-Options": "nosniff"})


@bp.route("/<space:space>/admin/budgets/<int:budget_id>/results", methods=["GET", "POST"])
def admin_results(budget_id: int) -> Any:
    _require_admin()
    budget = _budget_or_404(budget_id)
    form = PublishForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                results.publish(current_user, g.space, budget.id)
            except DomainError as error:
                flash(error.message, "error")
                status = error.status
            else:
                flash(_("The results are published and the budget is finished."), "success")
                return redirect(url_for("budgets.admin_results", budget_id=budget.id), 303)
        else:
            flash(_("Your form expired. Please send it again."), "error")
            status = 400
    computed = results.compute(budget) if budget.phase in ("reviewing_ballots", "finished") \
        else None
    return render_template("budgets/results/admin.html", budget=budget, results=computed,
                           form=form), status


# --- PaBuLib import -----------------------------------------------------------------------------

@bp.route("/<space:space>/admin/budgets/import", methods=["GET", "POST"])
def admin_import_pb() -> Any:
    _require_admin()
    form = ImportForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            upload = form.file.data
            try:
                budget = results.import_election(
                    current_user, g.space, upload.read(results.IMPORT_MAX_BYTES + 1),
                    name=(form.name.data or "").strip(),
                    locale=g.space.default_locale)
            except DomainError as error:
                form.file.errors = [*form.file.errors, error.message]
                status = error.status
            else:
                flash(_("The budget was imported with its projects and ballots."), "success")
                return redirect(url_for("budgets.admin_results", budget_id=budget.id), 303)
        else:
            status = 400
    return render_template("budgets/results/import.html", form=form), status


# --- Execution ----------------------------------------------------------------------------------

@bp.route("/<space:space>/budgets/<int:budget_id>/execution", endpoint="execution")
def execution_page(budget_id: int) -> Any:
    budget = _budget_or_404(budget_id)
    if budget.phase != "finished":
        abort(404)
    headings = execution.headings_of(budget)
    if not headings:
        abort(404)
    wanted = request.args.get("heading", type=int)
    current = next((pair for pair in headings if pair[0].id == wanted), headings[0])
    return render_template("budgets/execution/show.html", budget=budget, headings=headings,
                           heading=current[0], group=current[1],
                           tracked=execution.tracked_projects(current[0].id))


@bp.route("/<space:space>/admin/budgets/<int:budget_id>/projects/<int:project_id>/milestones",
          methods=["GET", "POST"])
def admin_milestones(budget_id: int, project_id: int) -> Any:
    _require_admin()
    budget = _budget_or_404(budget_id)
    try:
        project = execution.winning_project(g.space, budget.id, project_id)
    except NotFoundError:
        abort(404)
    statuses = execution.ensure_default_statuses(g.space)
    form = milestone_form(g.space, statuses)
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            upload = form.image.data
            image = execution.Upload(upload.filename or "", upload.read(
                MILESTONE_UPLOAD_MAX)) if upload else None
            try:
                execution.add_milestone(
                    current_user, g.space, budget.id, project.id, on_date=form.date_value,
                    descriptions=translations_of(form, "description"),
                    status_id=form.status_value, progress=int(form.progress.data),
                    image=image)
            except DomainError as error:
                if error.status == 404:
                    abort(404)
                attach_error(form, error)
                status = error.status
            else:
                flash(_("Milestone added."), "success")
                return redirect(url_for("budgets.admin_milestones", budget_id=budget.id,
                                        project_id=project.id), 303)
        else:
            status = 400
    return render_template("budgets/execution/admin_milestones.html", budget=budget,
                           project=project, form=form,
                           milestones=execution.milestones_of(project.id)), status


@bp.route("/<space:space>/admin/budgets/<int:budget_id>/projects/<int:project_id>/milestones/"
          "<int:project_milestone_id>/delete", methods=["POST"])
def admin_milestone_delete(budget_id: int, project_id: int, project_milestone_id: int) -> Any:
    _require_admin()
    budget = _budget_or_404(budget_id)
    try:
        execution.remove_milestone(current_user, g.space, budget.id, project_id,
                                   project_milestone_id)
    except NotFoundError:
        abort(404)
    flash(_("Milestone removed."), "success")
    return redirect(url_for("budgets.admin_milestones", budget_id=budget.id,
                            project_id=project_id), 303)


@bp.route("/<space:space>/admin/budgets/milestone-statuses", methods=["GET", "POST"])
def admin_milestone_statuses() -> Any:
    _require_admin()
    statuses = execution.ensure_default_statuses(g.space)
    form = status_form(g.space)
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                execution.add_status(current_user, g.space, translations_of(form, "name"))
            except DomainError as error:
                attach_error(form, error)
                status = error.status
            else:
                flash(_("Status added."), "success")
                return redirect(url_for("budgets.admin_milestone_statuses"), 303)
        else:
            status = 400
    rename_forms = []
    for item in statuses:
        rename = status_form(g.space, formdata=None, prefix=f"status{item.id}")
        for locale, _name, _fields in rename.locale_fields:
            rename[f"name_{locale}"].data = item.names.get(locale, "")
        rename_forms.append((item, rename))
    return render_template("budgets/execution/admin_statuses.html", form=form,
                           rename_forms=rename_forms), status


@bp.route("/<space:space>/admin/budgets/milestone-statuses/<int:status_id>",
          methods=["POST"])
def admin_milestone_status_rename(status_id: int) -> Any:
    _require_admin()
    get_in_space(MilestoneStatus, status_id, g.space)  # another space's status: 404 first
    form = status_form(g.space, prefix=f"status{status_id}")
    if not form.validate_on_submit():
        flash(_("Give the name in the space's main language."), "error")
        return redirect(url_for("budgets.admin_milestone_statuses"), 303)
    try:
        execution.rename_status(current_user, g.space, status_id, translations_of(form, "name"))
    except NotFoundError:
        abort(404)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("budgets.admin_milestone_statuses"), 303)
    flash(_("Status renamed."), "success")
    return redirect(url_for("budgets.admin_milestone_statuses"), 303)


@bp.route("/<space:space>/admin/budgets/milestone-statuses/<int:status_id>/delete",
          methods=["POST"])
def admin_milestone_status_delete(status_id: int) -> Any:
    _require_admin()
    try:
        execution.remove_status(current_user, g.space, status_id)
    except NotFoundError:
        abort(404)
    flash(_("Status removed. Milestones that had it now show no status."), "success")
    return redirect(url_for("budgets.admin_milestone_statuses"), 303)

