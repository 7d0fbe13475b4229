"""Administration of a space's budgets (settings, phases, groups and headings, projects:
valuators and decisions) under /<space>/admin/budgets/, and the valuators' pages under
/<space>/valuation/. Thin: forms in `admin_forms`, writes in `admin_services`, reads in
`admin_queries`. Every route checks its permission before looking anything up."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from decide.budgets import admin_queries, admin_services
from decide.budgets.admin_forms import (
    FEASIBILITY_LABELS,
    GROUP_FIELDS,
    NAME_FIELDS,
    PHASE_FIELDS,
    PHASE_LABELS,
    RULE_EXPLANATIONS,
    AssignValuatorForm,
    BudgetForm,
    DecisionForm,
    EmptyForm,
    GroupForm,
    MovePhaseForm,
    NoteForm,
    PhaseForm,
    PublishForm,
    ValuationForm,
    fill_translations,
    heading_form_class,
    translations_of,
    with_locales,
)
from decide.budgets.blueprint import bp
from decide.budgets.models import PHASES, Budget, BudgetGroup, BudgetHeading, Project
from decide.budgets.permissions import is_admin
from decide.core.converters import parse_id
from decide.core.errors import DomainError
from decide.core.forms import attach_error
from decide.core.pagination import page_number
from decide.core.permissions import can

ADMIN = "/<space:space>/admin/budgets"
VALUATION = "/<space:space>/valuation"


def _require(action: str) -> None:
    """Sign-in page for anonymous visitors, 403 for people without the right here."""
    from decide.extensions import login_manager

    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    if not can(current_user, action, g.space):
        abort(403)


def _manager() -> None:
    _require("budgets.manage")


def parsed(field: Any) -> Any:
    """A number or date field's parsed value (None when it was left empty)."""
    return getattr(field, "parsed", None)


def budget_tabs(budget: Budget) -> list[tuple[str, str, Any]]:
    """The per-budget admin sections (endpoint, url, label); the results page of the ballots'
    part is linked once it exists."""
    tabs = [("budgets.admin_edit", _("Settings")), ("budgets.admin_phases", _("Phases")),
            ("budgets.admin_headings", _("Groups and headings")),
            ("budgets.admin_projects", _("Projects")), ("budgets.admin_results", _("Results"))]
    return [(endpoint, url_for(endpoint, budget_id=budget.id), label)
            for endpoint, label in tabs if endpoint in current_app.view_functions]


def url_if_exists(endpoint: str, **values: Any) -> str | None:
    """A link to a page of the other parts of the module when it exists (they are written
    alongside), else None."""
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, **values)


FILTER_ARGS = ("heading", "feasibility", "valuation", "valuator", "selected", "page")


def url_with_filters(endpoint: str, **values: Any) -> str:
    """A URL on this budget that keeps the projects list's filters and page (its forms post
    there and come back to the same list)."""
    args = {k: v for k, v in request.args.items() if k in FILTER_ARGS}
    return url_for(endpoint, budget_id=request.view_args["budget_id"], **values, **args)


def render(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    """An admin page (`budgets/admin/…` or `budgets/valuation/…`) with the shared helpers."""
    budget = context.get("budget")
    if "/" not in template:
        template = f"budgets/admin/{template}"
    return render_template(
        template, phase_labels=PHASE_LABELS, feasibility_labels=FEASIBILITY_LABELS,
        rule_explanations=RULE_EXPLANATIONS, url_if_exists=url_if_exists,
        url_with_filters=url_with_filters,
        tabs=budget_tabs(budget) if budget is not None and template.startswith(
            "budgets/admin/") else [],
        current_endpoint=request.endpoint, **context), status


# Budgets ------------------------------------------------------------------------------------

@bp.route(f"{ADMIN}/")
def admin_index() -> Any:
    _manager()
    budgets = admin_queries.budgets_of(g.space)
    return render("index.html", budgets=budgets,
                  counts=admin_queries.project_counts([b.id for b in budgets]))


def _budget_form(budget: Budget | None = None) -> BudgetForm:
    space = g.space
    data = None
    if budget is not None:
        data = {"voting_style": budget.voting_style, "hide_money": budget.hide_money,
                "allocation_rule": budget.allocation_rule, "min_votes": str(budget.min_votes)}
    form = with_locales(BudgetForm, space.locales, space.default_locale, NAME_FIELDS,
                        data=data)
    if budget is not None and not form.is_submitted():
        fill_translations(form, "name", budget.names)
        fill_translations(form, "description", budget.descriptions)
    return form


def _budget_values(form: BudgetForm) -> dict[str, Any]:
    return {"names": translations_of(form, "name"),
            "descriptions": translations_of(form, "description"),
            "voting_style": form.voting_style.data, "hide_money": bool(form.hide_money.data),
            "allocation_rule": form.allocation_rule.data,
            "min_votes": parsed(form.min_votes) or 0}


@bp.route(f"{ADMIN}/new", methods=["GET", "POST"])
def admin_new() -> Any:
    _manager()
    form = _budget_form()
    if not form.is_submitted():
        return render("budget_form.html", form=form, budget=None)
    if not form.validate():
        return render("budget_form.html", 400, form=form, budget=None)
    try:
        budget = admin_services.create_budget(current_user, g.space, **_budget_values(form))
    except DomainError as error:
        attach_error(form, error)
        return render("budget_form.html", error.status, form=form, budget=None)
    flash(_("Budget created. It is not published yet: add its groups and headings, then "
            "publish it."), "success")
    return redirect(url_for("budgets.admin_edit", budget_id=budget.id))


@bp.route(f"{ADMIN}/<int:budget_id>", methods=["GET", "POST"])
def admin_edit(budget_id: int) -> Any:
    _manager()
    budget = admin_queries.budget(g.space, budget_id)
    form = _budget_form(budget)
    context = {"budget": budget, "publish_form": PublishForm()}
    if not form.is_submitted():
        return render("budget_form.html", form=form, **context)
    if not form.validate():
        return render("budget_form.html", 400, form=form, **context)
    try:
        admin_services.update_budget(current_user, budget, **_budget_values(form))
    except DomainError as error:
        attach_error(form, error)
        return render("budget_form.html", error.status, form=form, **context)
    flash(_("Budget saved."), "success")
    return redirect(url_for("budgets.admin_edit", budget_id=budget.id))


@bp.route(f"{ADMIN}/<int:budget_id>/publish", methods=["POST"])
def admin_publish(budget_id: int) -> Any:
    _manager()
    budget = admin_queries.budget(g.space, budget_id)
    form = PublishForm()
    if not form.validate_on_submit() or form.publish.data not in ("yes", "no"):
        abort(400)
    admin_services.set_published(current_user, budget, form.publish.data == "yes")
    flash(_("The budget is published: everyone can see it.") if budget.is_published
          else _("The budget is unpublished: only administrators see it."), "success")
    return redirect(url_for("budgets.admin_edit", budget_id=budget.id))


# Phases -------------------------------------------------------------------------------------

def _move_form(budget: Budget) -> MovePhaseForm:
    form = MovePhaseForm()
    form.phase.choices = [(p.kind, PHASE_LABELS[p.kind]) for p in budget.phases
                          if p.enabled and p.kind != budget.phase]
    return form


@bp.route(f"{ADMIN}/<int:budget_id>/phases")
def admin_phases(budget_id: int) -> Any:
    _manager()
    budget = admin_queries.budget(g.space, budget_id)
    return render("phases.html", budget=budget, move_form=_move_form(budget))


@bp.route(f"{ADMIN}/<int:budget_id>/phase", methods=["POST"])
def admin_move_phase(budget_id: int) -> Any:
    _manager()
    budget = admin_queries.budget(g.space, budget_id)
    form = _move_form(budget)
    if not form.validate_on_submit():
        return render("phases.html", 400, budget=budget, move_form=form)
    try:
        admin_services.move_phase(current_user, budget, form.phase.data)
    except DomainError as error:
        attach_error(form, error)
        return render("phases.html", error.status, budget=budget, move_form=form)
    flash(_("The budget is now in the phase “%(phase)s”.", phase=PHASE_LABELS[budget.phase]),
          "success")
    return redirect(url_for("budgets.admin_phases", budget_id=budget.id))


@bp.route(f"{ADMIN}/<int:budget_id>/phases/<kind>", methods=["GET", "POST"])
def admin_phase(budget_id: int, kind: str) -> Any:
    _manager()
    budget = admin_queries.budget(g.space, budget_id)
    phase = next((p for p in budget.phases if p.kind == kind), None)
    if phase is None or kind not in PHASES:
        abort(404)
    space = g.space
    form = with_locales(PhaseForm, space.locales, "", PHASE_FIELDS, data={
        "enabled": phase.enabled,
        "starts_on": phase.starts_on.isoformat() if phase.starts_on else "",
        "ends_on": phase.ends_on.isoformat() if phase.ends_on else ""})
    if not form.is_submitted():
        fill_translations(form, "summary", phase.summaries)
        fill_translations(form, "description", phase.descriptions)
        return render("phase_form.html", budget=budget, phase=phase, form=form)
    if not form.validate():
        return render("phase_form.html", 400, budget=budget, phase=phase, form=form)
    try:
        admin_services.update_phase(
            current_user, budget, phase, enabled=bool(form.enabled.data),
            starts_on=parsed(form.starts_on), ends_on=parsed(form.ends_on),
            summaries=translations_of(form, "summary"),
            descriptions=translations_of(form, "description"))
    except DomainError as error:
        attach_error(form, error)
        return render("phase_form.html", error.status, budget=budget, phase=phase, form=form)
    flash(_("Phase saved."), "success")
    return redirect(url_for("budgets.admin_phases", budget_id=budget.id))


# Groups and headings ------------------------------------------------------------------------

@bp.route(f"{ADMIN}/<int:budget_id>/headings")
def admin_headings(budget_id: int) -> Any:
    _manager()
    budget = admin_queries.budget_with_headings(g.space, budget_id)
    return render("headings.html", budget=budget,
                  with_projects=admin_queries.headings_with_projects(budget))


def _group_form(group: BudgetGroup | None) -> GroupForm:
    space = g.space
    form = with_locales(GroupForm, space.locales, space.default_locale, GROUP_FIELDS,
                        data={"max_headings": str(group.max_headings if group else 1)})
    if group is not None and not form.is_submitted():
        fill_translations(form, "name", group.names)
    return form


def _save_group(budget: Budget, group: BudgetGroup | None) -> Any:
    form = _group_form(group)
    context = {"budget": budget, "group": group, "form": form}
    if not form.is_submitted():
        return render("group_form.html", **context)
    if not form.validate():
        return render("group_form.html", 400, **context)
    try:
        admin_services.save_group(current_user, budget, group,
                                  names=translations_of(form, "name"),
                                  max_headings=parsed(form.max_headings))
    except DomainError as error:
        attach_error(form, error)
        return render("group_form.html", error.status, **context)
    flash(_("Group saved."), "success")
    return redirect(url_for("budgets.admin_headings", budget_id=budget.id))


@bp.route(f"{ADMIN}/<int:budget_id>/groups/new", methods=["GET", "POST"])
def admin_new_group(budget_id: int) -> Any:
    _manager()
    return _save_group(admin_queries.budget(g.space, budget_id), None)


@bp.route(f"{ADMIN}/<int:budget_id>/groups/<int:group_id>", methods=["GET", "POST"])
def admin_edit_group(budget_id: int, group_id: int) -> Any:
    _manager()
    budget = admin_queries.budget(g.space, budget_id)
    return _save_group(budget, admin_queries.group(budget, group_id))


def _confirm_delete(budget: Budget, what: Any, action: str, delete: Any) -> Any:
    """A confirmation page first (no JavaScript needed); the deletion needs its POST."""
    context = {"budget": budget, "what": what, "action": action, "form": EmptyForm()}
    if request.method == "GET":
        return render("confirm_delete.html", **context)
    if not context["form"].validate_on_submit():
        abort(400)
    try:
        delete()
    except DomainError as error:
        return render("confirm_delete.html", error.status, refused=error.message, **context)
    flash(_("Deleted."), "success")
    return redirect(url_for("budgets.admin_headings", budget_id=budget.id))


@bp.route(f"{ADMIN}/<int:budget_id>/groups/<int:group_id>/delete", methods=["GET", "POST"])
def admin_delete_group(budget_id: int, group_id: int) -> Any:
    _manager()
    budget = admin_queries.budget(g.space, budget_id)
    group = admin_queries.group(budget, group_id)
    return _confirm_delete(
        budget, group, url_for("budgets.admin_delete_group", budget_id=budget.id,
                               group_id=group.id),
        lambda: admin_services.delete_group(current_user, budget, group))


def _heading_form(heading: BudgetHeading | None) -> Any:
    space = g.space
    cities = admin_queries.member_cities(space)
    data: dict[str, Any] = {}
    if heading is not None:
        data = {name: "" if getattr(heading, name) is None else str(getattr(heading, name))
                for name in ("amount", "population", "max_projects", "min_projects",
                             "min_percent")}
        data["geozone_id"] = str(heading.geozone_id or "")
        for contribution in heading.contributions:
            data[f"contribution_{contribution.city_id}"] = str(contribution.amount)
        if heading.contributions:
            data["amount"] = ""  # it follows the contributions
    form = with_locales(heading_form_class(cities), space.locales, space.default_locale,
                        GROUP_FIELDS, data=data)
    form.contribution_fields = [(c, form[f"contribution_{c.id}"]) for c in cities]
    if cities:
        form.amount.description = _("Leave it empty to use the sum of the contributions; "
                                    "give it when no city contributes.")
    form.geozone_id.choices = [("", _("No district"))] + [
        (str(z.id), z.name if space.is_city else f"{z.name} · {z.city.name}")
        for z in admin_queries.geozones(space)]
    if heading is not None and not form.is_submitted():
        fill_translations(form, "name", heading.names)
    return form


def _save_heading(budget: Budget, group: BudgetGroup, heading: BudgetHeading | None) -> Any:
    form = _heading_form(heading)
    context = {"budget": budget, "group": group, "heading": heading, "form": form}
    if not form.is_submitted():
        return render("heading_form.html", **context)
    if not form.validate():
        return render("heading_form.html", 400, **context)
    contributions = None
    if form.contribution_fields:
        contributions = {city.id: parsed(field) for city, field in form.contribution_fields}
    try:
        admin_services.save_heading(
            current_user, budget, group, heading, names=translations_of(form, "name"),
            amount=parsed(form.amount), geozone_id=parse_id(form.geozone_id.data),
            population=parsed(form.population), max_projects=parsed(form.max_projects),
            min_projects=parsed(form.min_projects), min_percent=parsed(form.min_percent),
            contributions=contributions)
    except DomainError as error:
        attach_error(form, error)
        return render("heading_form.html", error.status, **context)
    flash(_("Heading saved."), "success")
    return redirect(url_for("budgets.admin_headings", budget_id=budget.id))


@bp.route(f"{ADMIN}/<int:budget_id>/groups/<int:group_id>/headings/new",
          methods=["GET", "POST"])
def admin_new_heading(budget_id: int, group_id: int) -> Any:
    _manager()
    budget = admin_queries.budget(g.space, budget_id)
    return _save_heading(budget, admin_queries.group(budget, group_id), None)


@bp.route(f"{ADMIN}/<int:budget_id>/headings/<int:heading_id>", methods=["GET", "POST"])
def admin_edit_heading(budget_id: int, heading_id: int) -> Any:
    _manager()
    budget = admin_queries.budget(g.space, budget_id)
    heading = admin_queries.heading(budget, heading_id)
    return _save_heading(budget, heading.group, heading)


@bp.route(f"{ADMIN}/<int:budget_id>/headings/<int:heading_id>/delete", methods=["GET", "POST"])
def admin_delete_heading(budget_id: int, heading_id: int) -> Any:
    _manager()
    budget = admin_queries.budget(g.space, budget_id)
    heading = admin_queries.heading(budget, heading_id)
    return _confirm_delete(
        budget, heading, url_for("budgets.admin_delete_heading", budget_id=budget.id,
                                 heading_id=heading.id),
        lambda: admin_services.delete_heading(current_user, budget, heading))


# Projects -----------------------------------------------------------------------------------

def _projects_page(budget: Budget, status: int = 200, assign_form: Any = None,
                   failed_project: int | None = None) -> Any:
    budget = admin_queries.budget_with_headings(g.space, budget.id)
    headings = [h for group in budget.groups for h in group.headings]
    valuators = admin_queries.valuators(g.space)
    filters = admin_queries.ProjectFilters.from_args(
        request.args, {h.id for h in headings}, {v.id for v in valuators})
    page = admin_queries.admin_projects(budget, filters, page_number())
    return render("projects.html", status, budget=budget, headings=headings,
                  valuators=valuators, filters=filters, page=page, form=EmptyForm(),
                  assign_form=assign_form, failed_project=failed_project,
                  selection_problem=admin_services.selection_problem)


@bp.route(f"{ADMIN}/<int:budget_id>/projects")
def admin_projects(budget_id: int) -> Any:
    _manager()
    return _projects_page(admin_queries.budget(g.space, budget_id))


def _back_to_projects(budget_id: int) -> Any:
    """Back to the list with the filters and page it was posted from."""
    args = {k: v for k, v in request.args.items() if k in (
        "heading", "feasibility", "valuation", "valuator", "selected", "page")}
    return redirect(url_for("budgets.admin_projects", budget_id=budget_id, **args), 303)


@bp.route(f"{ADMIN}/<int:budget_id>/projects/<int:project_id>/valuators", methods=["POST"])
def admin_assign_valuator(budget_id: int, project_id: int) -> Any:
    _manager()
    budget = admin_queries.budget(g.space, budget_id)
    project = admin_queries.project(g.space, project_id, budget.id)
    form = AssignValuatorForm()
    form.user_id.choices = [(str(v.id), v.display_name) for v in admin_queries.valuators(g.space)]
    if not form.validate_on_submit():
        return _projects_page(budget, 400, form, project.id)
    try:
        admin_services.assign_valuator(current_user, project,
                                       parse_id(form.user_id.data, required=True))
    except DomainError as error:
        attach_error(form, error)
        return _projects_page(budget, error.status, form, project.id)
    flash(_("Valuator assigned to “%(title)s”.", title=project.title), "success")
    return _back_to_projects(budget.id)


@bp.route(f"{ADMIN}/<int:budget_id>/projects/<int:project_id>/valuators/remove",
          methods=["POST"])
def admin_unassign_valuator(budget_id: int, project_id: int) -> Any:
    """Form field `user_id`: the valuator to take off the project."""
    _manager()
    budget = admin_queries.budget(g.space, budget_id)
    project = admin_queries.project(g.space, project_id, budget.id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    user_id = parse_id(request.form.get("user_id"), required=True)
    admin_services.unassign_valuator(current_user, project, user_id)
    flash(_("Valuator removed from “%(title)s”.", title=project.title), "success")
    return _back_to_projects(budget.id)


@bp.route(f"{ADMIN}/<int:budget_id>/projects/<int:project_id>/decision", methods=["POST"])
def admin_project_decision(budget_id: int, project_id: int) -> Any:
    _manager()
    budget = admin_queries.budget(g.space, budget_id)
    project = admin_queries.project(g.space, project_id, budget.id)
    form = DecisionForm()
    if not form.validate_on_submit() or form.value.data not in ("yes", "no") or \
            form.decision.data not in ("selected", "incompatible"):
        abort(400)
    try:
        admin_services.set_decision(current_user, project, form.decision.data,
                                    form.value.data == "yes")
    except DomainError as error:
        flash(error.message, "error")
        return _projects_page(budget, error.status)
    flash(_("“%(title)s” saved.", title=project.title), "success")
    return _back_to_projects(budget.id)


# Valuation ----------------------------------------------------------------------------------

@bp.route(f"{VALUATION}/")
def valuation_index() -> Any:
    _require("budgets.see_valuation_notes")
    everyone = is_admin(current_user, g.space)
    page = admin_queries.valuation_projects(g.space, current_user, everyone=everyone,
                                            page=page_number())
    return render("budgets/valuation/index.html", page=page, everyone=everyone)


def _project_to_valuate(project_id: int) -> Project:
    """The project, for an administrator or a valuator assigned to it (else 403)."""
    _require("budgets.see_valuation_notes")
    project = admin_queries.project(g.space, project_id)
    admin_queries.attach_valuators([project])
    if not (is_admin(current_user, g.space) or current_user.id in project.valuator_ids):
        abort(403)
    return project


def _valuation_form(project: Project) -> ValuationForm:
    return ValuationForm(data={
        "feasibility": project.feasibility,
        "unfeasibility_explanation": project.unfeasibility_explanation or "",
        "price": "" if project.price is None else str(project.price),
        "price_explanation": project.price_explanation or "",
        "price_first_year": "" if project.price_first_year is None
        else str(project.price_first_year),
        "duration": project.duration or "",
        "finished": project.valuation_finished_at is not None})


def _render_valuate(project: Project, form: ValuationForm, note_form: NoteForm,
                    status: int = 200) -> tuple[str, int]:
    editable = can(current_user, "budgets.valuate", g.space, project) and (
        project.valuation_finished_at is None or is_admin(current_user, g.space))
    return render("budgets/valuation/valuate.html", status, project=project,
                  budget=project.budget, form=form, note_form=note_form,
                  notes=admin_queries.notes(project), editable=editable)


@bp.route(f"{VALUATION}/projects/<int:project_id>", methods=["GET", "POST"])
def valuate(project_id: int) -> Any:
    project = _project_to_valuate(project_id)
    form = _valuation_form(project)
    if not form.is_submitted():
        return _render_valuate(project, form, NoteForm(formdata=None))
    if not can(current_user, "budgets.valuate", g.space, project):
        abort(403)
    if not form.validate():
        return _render_valuate(project, form, NoteForm(formdata=None), 400)
    try:
        admin_services.valuate(
            current_user, project, feasibility=form.feasibility.data,
            unfeasibility_explanation=form.unfeasibility_explanation.data or "",
            price=parsed(form.price), price_explanation=form.price_explanation.data or "",
            price_first_year=parsed(form.price_first_year), duration=form.duration.data or "",
            finished=bool(form.finished.data))
    except DomainError as error:
        attach_error(form, error)
        return _render_valuate(project, form, NoteForm(formdata=None), error.status)
    flash(_("Valuation saved."), "success")
    return redirect(url_for("budgets.valuate", project_id=project.id))


@bp.route(f"{VALUATION}/projects/<int:project_id>/notes", methods=["POST"])
def valuation_note(project_id: int) -> Any:
    project = _project_to_valuate(project_id)
    note_form = NoteForm()
    if not note_form.validate_on_submit():
        return _render_valuate(project, _valuation_form(project), note_form, 400)
    try:
        admin_services.add_note(current_user, project, note_form.body.data)
    except DomainError as error:
        attach_error(note_form, error)
        return _render_valuate(project, _valuation_form(project), note_form, error.status)
    flash(_("Note added."), "success")
    return redirect(url_for("budgets.valuate", project_id=project.id) + "#notes")
