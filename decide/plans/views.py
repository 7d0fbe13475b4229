"""Pages of an alliance's action plan and declarations. Every change is a POST form with CSRF;
a refused change shows the same page again with the message and what was typed."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from decide.core.converters import id_or_none
from decide.core.errors import DomainError
from decide.core.forms import attach_error
from decide.core.i18n import current_locale
from decide.core.permissions import can
from decide.core.targets import TARGETS
from decide.plans import queries, services
from decide.plans.forms import (
    STATUS_LABELS,
    AdhesionForm,
    AdoptForm,
    CommitmentForm,
    DeclarationForm,
    MilestoneForm,
    StatusForm,
)
from decide.plans.models import Declaration, PlanItem
from decide.plans.permissions import administered_member_ids
from decide.translations.queries import language_name, localized, prefetch_translations

bp = Blueprint("plans", __name__)


@bp.before_request
def require_module() -> None:
    # An alliance's module: cities have no plan of their own.
    if g.get("space") is None or not g.space.is_alliance or not g.space.has_module("plans"):
        abort(404)


@bp.app_template_global()
def joint_action_url(proposal: Any) -> str | None:
    """The joint action's page when the proposals module is there to show it."""
    target = TARGETS.get("proposal")
    return target.url(proposal) if target is not None else None


@bp.app_template_global()
def plan_status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


@bp.app_template_global()
def city_commitments(city: Any) -> list[PlanItem]:
    """For a city's home page: the joint actions it committed to (templates/cities/home.html
    includes plans/_city_commitments.html when this helper exists and returns any)."""
    return queries.commitments_of_city(city) if getattr(city, "is_city", False) else []


@bp.app_template_global()
def adhering_cities_total() -> int:
    """For the landing page: cities adhering to at least one alliance declaration."""
    return queries.adhering_city_total()


def declaration_url(declaration: Declaration) -> str:
    return url_for("plans.declaration", space=declaration.space,
                   declaration_id=declaration.id)



def _may_manage() -> bool:
    return can(current_user, "plans.manage", g.space)


def _require_manager() -> None:
    if not _may_manage():
        abort(403)


# --- The plan --------------------------------------------------------------------------

def _adopt_form(form: AdoptForm | None = None) -> AdoptForm | None:
    if not _may_manage():
        return None
    form = form or AdoptForm(formdata=None)
    candidates = queries.adoptable_proposals(g.space)
    prefetch_translations(candidates)
    form.proposal_id.choices = [("", _("Choose a joint action"))] + [
        (str(p.id), localized(p).title) for p in candidates]
    return form


def render_plan(adopt_form: AdoptForm | None = None, status: int = 200) -> tuple[str, int]:
    items = queries.plan_items(g.space)
    declarations = queries.declarations_of(g.space, limit=5)
    prefetch_translations([item.proposal for item in items])
    prefetch_translations([declaration for declaration, _count in declarations])
    return render_template("plans/index.html", items=items, adopt_form=_adopt_form(adopt_form),
                           declarations=declarations, can_manage=_may_manage()), status


@bp.route("/<space:space>/plan")
def index() -> Any:
    return render_plan()


@bp.route("/<space:space>/plan/adopt", methods=["POST"])
@login_required
def adopt() -> Any:
    _require_manager()
    form = AdoptForm()
    if not form.validate_on_submit():
        return render_plan(form, 400)
    try:
        item = services.adopt(current_user, g.space, id_or_none(form.proposal_id.data) or 0)
    except DomainError as error:
        attach_error(form, error)
        return render_plan(form, error.status)
    flash(_("The joint action is in the action plan."), "success")
    return redirect(url_for("plans.item", item_id=item.id), 303)


def _item_or_404(item_id: int) -> PlanItem:
    item = queries.item_for_page(g.space, item_id)
    if item is None:
        abort(404)
    return item


def render_item(item: PlanItem, status: int = 200, **forms: Any) -> tuple[str, int]:
    """The plan item's page; a form in error replaces the blank one of the same name."""
    manage = _may_manage()
    if manage:
        status_form = forms.get("status_form") or StatusForm(formdata=None, status=item.status)
        commitment_form = forms.get("commitment_form") or CommitmentForm(formdata=None)
        committed = {c.city_id for c in item.commitments}
        commitment_form.city_id.choices = [("", _("Choose a member city"))] + [
            (str(city.id), city.name) for city in queries.member_cities(g.space)
            if city.id not in committed]
        milestone_form = forms.get("milestone_form") or MilestoneForm(formdata=None)
    else:
        status_form = commitment_form = milestone_form = None
    return render_template(
        "plans/item.html", item=item, can_manage=manage, status_form=status_form,
        commitment_form=commitment_form, milestone_form=milestone_form,
        statuses=list(STATUS_LABELS.items())), status


@bp.route("/<space:space>/plan/<int:item_id>")
def item(item_id: int) -> Any:
    return render_item(_item_or_404(item_id))


def _managed_item(item_id: int) -> PlanItem:
    item = _item_or_404(item_id)
    _require_manager()
    return item


def _back_to(item: PlanItem, anchor: str = "") -> Any:
    return redirect(url_for("plans.item", item_id=item.id) + anchor, 303)


@bp.route("/<space:space>/plan/<int:item_id>/status", methods=["POST"])
@login_required
def change_status(item_id: int) -> Any:
    item = _managed_item(item_id)
    form = StatusForm()
    if not form.validate_on_submit():
        return render_item(item, 400, status_form=form)
    try:
        services.set_status(current_user, item, form.status.data)
    except DomainError as error:
        attach_error(form, error)
        return render_item(item, error.status, status_form=form)
    flash(_("The status is saved."), "success")
    return _back_to(item)


@bp.route("/<space:space>/plan/<int:item_id>/commitments", methods=["POST"])
@login_required
def add_commitment(item_id: int) -> Any:
    item = _managed_item(item_id)
    form = CommitmentForm()
    if not form.validate_on_submit():
        return render_item(item, 400, commitment_form=form)
    try:
        services.add_commitment(current_user, item, id_or_none(form.city_id.data))
    except DomainError as error:
        attach_error(form, error)
        return render_item(item, error.status, commitment_form=form)
    flash(_("The city's commitment is recorded."), "success")
    return _back_to(item, "#cities")


@bp.route("/<space:space>/plan/<int:item_id>/commitments/<int:city_id>/remove",
          methods=["POST"])
@login_required
def remove_commitment(item_id: int, city_id: int) -> Any:
    item = _managed_item(item_id)
    # A refusal (unknown city) becomes its error page in the reader's language.
    services.remove_commitment(current_user, item, city_id)
    flash(_("The city's commitment is removed."), "success")
    return _back_to(item, "#cities")


@bp.route("/<space:space>/plan/<int:item_id>/milestones", methods=["POST"])
@login_required
def add_milestone(item_id: int) -> Any:
    item = _managed_item(item_id)
    form = MilestoneForm()
    if not form.validate_on_submit():
        return render_item(item, 400, milestone_form=form)
    try:
        services.add_milestone(current_user, item, title=form.title.data,
                               due_on=form.due_on.parsed, progress=form.progress.parsed)
    except DomainError as error:
        attach_error(form, error)
        return render_item(item, error.status, milestone_form=form)
    flash(_("The milestone is added."), "success")
    return _back_to(item, "#milestones")


@bp.route("/<space:space>/plan/<int:item_id>/milestones/<int:milestone_id>/edit",
          methods=["GET", "POST"])
@login_required
def edit_milestone(item_id: int, milestone_id: int) -> Any:
    item = _managed_item(item_id)
    try:
        milestone = services.milestone_of(item, milestone_id)
    except DomainError:
        abort(404)
    form = MilestoneForm()
    if request.method == "GET":
        form.title.data, form.due_on.data = milestone.title, milestone.due_on.isoformat()
        form.progress.data = str(milestone.progress)
    if form.validate_on_submit():
        try:
            services.edit_milestone(current_user, item, milestone.id, title=form.title.data,
                                    due_on=form.due_on.parsed, progress=form.progress.parsed)
        except DomainError as error:
            attach_error(form, error)
            return render_template("plans/milestone_form.html", form=form, item=item,
                                   milestone=milestone), error.status
        flash(_("The milestone is saved."), "success")
        return _back_to(item, "#milestones")
    status = 400 if request.method == "POST" else 200
    return render_template("plans/milestone_form.html", form=form, item=item,
                           milestone=milestone), status


@bp.route("/<space:space>/plan/<int:item_id>/milestones/<int:milestone_id>/remove",
          methods=["POST"])
@login_required
def remove_milestone(item_id: int, milestone_id: int) -> Any:
    item = _managed_item(item_id)
    services.remove_milestone(current_user, item, milestone_id)
    flash(_("The milestone is removed."), "success")
    return _back_to(item, "#milestones")


# --- Declarations ----------------------------------------------------------------------

@bp.route("/<space:space>/declarations/")
def declarations() -> Any:
    declarations = queries.declarations_of(g.space)
    prefetch_translations([declaration for declaration, _count in declarations])
    return render_template("plans/declarations.html", declarations=declarations,
                           can_manage=_may_manage())


def _declaration_form(form: DeclarationForm) -> DeclarationForm:
    form.locale.choices = [(loc, language_name(loc)) for loc in g.space.locales]
    return form


@bp.route("/<space:space>/declarations/new", methods=["GET", "POST"])
@login_required
def new_declaration() -> Any:
    _require_manager()
    form = _declaration_form(DeclarationForm())
    if request.method == "GET":
        form.locale.data = current_locale() if current_locale() in g.space.locales \
            else g.space.default_locale
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("plans/declaration_form.html", form=form), status
    try:
        declaration = services.publish_declaration(
            current_user, g.space, title=form.title.data, body=form.body.data,
            locale=form.locale.data, signed_on=form.signed_on.parsed, place=form.place.data)
    except DomainError as error:
        attach_error(form, error)
        return render_template("plans/declaration_form.html", form=form), error.status
    flash(_("The declaration is published."), "success")
    return redirect(declaration_url(declaration), 303)


def _declaration_or_404(declaration_id: int) -> Declaration:
    declaration = queries.declaration_for_page(g.space, declaration_id)
    if declaration is None:
        abort(404)
    return declaration


def render_declaration(declaration: Declaration, form: AdhesionForm | None = None,
                       status: int = 200) -> tuple[str, int]:
    adhering = {a.city_id for a in declaration.adhesions}
    mine = administered_member_ids(current_user, g.space) if current_user.is_authenticated \
        else set()
    may_adhere = can(current_user, "plans.adhere", g.space, declaration)
    cities = {c.id: c for c in queries.member_cities(g.space)}
    if may_adhere:
        form = form or AdhesionForm(formdata=None)
        form.city_id.choices = [(str(cid), cities[cid].name) for cid in sorted(
            mine - adhering, key=lambda cid: cities[cid].name)]
    return render_template(
        "plans/declaration.html", declaration=declaration, adhesion_form=form,
        may_adhere=may_adhere and bool(mine - adhering),
        withdrawable={cid for cid in adhering if cid in mine} if may_adhere else set()), status


@bp.route("/<space:space>/declarations/<int:declaration_id>")
def declaration(declaration_id: int) -> Any:
    return render_declaration(_declaration_or_404(declaration_id))


@bp.route("/<space:space>/declarations/<int:declaration_id>/adhere", methods=["POST"])
@login_required
def adhere(declaration_id: int) -> Any:
    declaration = _declaration_or_404(declaration_id)
    if not can(current_user, "plans.adhere", g.space, declaration):
        abort(403)
    form = AdhesionForm()
    if not form.validate_on_submit():
        return render_declaration(declaration, form, 400)
    try:
        services.adhere(current_user, declaration, id_or_none(form.city_id.data))
    except DomainError as error:
        attach_error(form, error)
        return render_declaration(declaration, form, error.status)
    flash(_("Your city now adheres to this declaration."), "success")
    return redirect(declaration_url(declaration) + "#adhesions", 303)


@bp.route("/<space:space>/declarations/<int:declaration_id>/withdraw", methods=["POST"])
@login_required
def withdraw(declaration_id: int) -> Any:
    declaration = _declaration_or_404(declaration_id)
    city_id = id_or_none(request.form.get("city_id"))
    if city_id is None:
        abort(400)
    services.withdraw_adhesion(current_user, declaration, city_id)
    flash(_("Your city's adhesion is withdrawn."), "success")
    return redirect(declaration_url(declaration) + "#adhesions", 303)
