"""Administration of spaces themselves: an alliance's members and invitations, the invitations
a city received, the city's organisation accounts, and the deployment's spaces. Views are thin:
`admin_services` writes and audits, `admin_queries` reads."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from decide.accounts.forms import EmptyForm
from decide.cities import admin_queries, admin_services
from decide.cities.forms import InviteCityForm, SpaceForm
from decide.cities.themes import ALLIANCE_KINDS, THEMES
from decide.core.errors import DomainError
from decide.core.forms import attach_error
from decide.core.i18n import LOCALE_NAMES, LOCALES
from decide.core.modules import registry
from decide.core.pagination import page_number
from decide.core.permissions import requires
from decide.extensions import db

bp = Blueprint("space_admin", __name__)


def _alliance() -> Any:
    if not g.space.is_alliance:
        abort(404)  # cities have no members
    return g.space


def _city() -> Any:
    if not g.space.is_city:
        abort(404)  # alliances receive no invitations and have no home organisations
    return g.space


# -- an alliance's members -------------------------------------------------------------------

def _render_members(form: InviteCityForm | None = None, status: int = 200) -> tuple[str, int]:
    alliance = _alliance()
    form = form or InviteCityForm()
    form.city.choices = [("", _("Choose a city"))] + [
        (str(city.id), city.name) for city in admin_queries.invitable_cities(alliance)]
    return render_template(
        "cities/admin/members.html", form=form, action_form=EmptyForm(),
        members=admin_queries.members(alliance), pending=admin_queries.pending_sent(alliance),
        answered=admin_queries.answered_sent(alliance, page_number())), status


@bp.route("/<space:space>/admin/members", methods=["GET", "POST"])
@requires("alliance.coordinate")
def members() -> Any:
    alliance = _alliance()
    if request.method == "GET":
        return _render_members()
    form = InviteCityForm()
    if not form.validate_on_submit():
        return _render_members(form, 400)
    try:
        invitation = admin_services.invite(alliance, current_user, form.city.data)
    except DomainError as error:
        db.session.rollback()
        attach_error(form, error)
        return _render_members(form, error.status)
    flash(_("%(city)s has been invited; its administrators can now accept or decline.",
            city=invitation.city.name), "success")
    return redirect(url_for("space_admin.members"), 303)


@bp.route("/<space:space>/admin/members/invitations/<int:invitation_id>/withdraw",
          methods=["POST"])
@requires("alliance.coordinate")
def withdraw_invitation(invitation_id: int) -> Any:
    alliance = _alliance()
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        invitation = admin_services.withdraw(alliance, current_user, invitation_id)
    except DomainError as error:
        db.session.rollback()
        if error.status == 404:
            raise
        flash(error.message, "error")
        return _render_members(status=error.status)
    flash(_("The invitation to %(city)s has been withdrawn.", city=invitation.city.name),
          "success")
    return redirect(url_for("space_admin.members"), 303)


# -- invitations a city received -------------------------------------------------------------

def _render_invitations(status: int = 200) -> tuple[str, int]:
    pending, answered = admin_queries.received(_city(), page_number())
    return render_template("cities/admin/invitations.html", pending=pending,
                           answered=answered, action_form=EmptyForm()), status


@bp.route("/<space:space>/admin/invitations")
@requires("space.admin")
def invitations() -> Any:
    return _render_invitations()


def _answer(received_invitation_id: int, accepting: bool) -> Any:
    city = _city()
    if not EmptyForm().validate_on_submit():
        abort(400)
    answer = admin_services.accept if accepting else admin_services.decline
    try:
        invitation = answer(city, current_user, received_invitation_id)
    except DomainError as error:
        db.session.rollback()
        if error.status == 404:
            raise
        flash(error.message, "error")
        return _render_invitations(error.status)
    if accepting:
        flash(_("%(city)s is now a member of %(alliance)s.", city=city.name,
                alliance=invitation.alliance.name), "success")
    else:
        flash(_("You declined the invitation of %(alliance)s.",
                alliance=invitation.alliance.name), "success")
    return redirect(url_for("space_admin.invitations"), 303)


@bp.route("/<space:space>/admin/invitations/<int:received_invitation_id>/accept",
          methods=["POST"])
@requires("space.admin")
def accept_invitation(received_invitation_id: int) -> Any:
    return _answer(received_invitation_id, True)


@bp.route("/<space:space>/admin/invitations/<int:received_invitation_id>/decline",
          methods=["POST"])
@requires("space.admin")
def decline_invitation(received_invitation_id: int) -> Any:
    return _answer(received_invitation_id, False)


# -- organisations of a city -----------------------------------------------------------------

def _organisation_filter() -> str:
    wanted = request.args.get("status", "pending")
    if wanted not in admin_queries.ORGANISATION_FILTERS:
        abort(400)
    return wanted


@bp.route("/<space:space>/admin/organisations")
@requires("space.admin")
def organisations() -> Any:
    city = _city()
    wanted = _organisation_filter()
    return render_template(
        "cities/admin/organisations.html", wanted=wanted, action_form=EmptyForm(),
        page=admin_queries.organisations(city, wanted, page_number()))


def _set_verified(organisation_id: int, verified: bool) -> Any:
    city = _city()
    if not EmptyForm().validate_on_submit():
        abort(400)
    changed = admin_services.set_organisation_verified(city, current_user, organisation_id,
                                                       verified)
    if not changed:
        flash(_("Nothing changed."), "info")
    elif verified:
        flash(_("The organisation is verified: its name now shows the badge."), "success")
    else:
        flash(_("The organisation is no longer verified."), "success")
    back = request.form.get("status", "pending")
    if back not in admin_queries.ORGANISATION_FILTERS:
        back = "pending"
    return redirect(url_for("space_admin.organisations", status=back), 303)


@bp.route("/<space:space>/admin/organisations/<int:organisation_id>/verify", methods=["POST"])
@requires("space.admin")
def verify_organisation(organisation_id: int) -> Any:
    return _set_verified(organisation_id, True)


@bp.route("/<space:space>/admin/organisations/<int:organisation_id>/unverify",
          methods=["POST"])
@requires("space.admin")
def unverify_organisation(organisation_id: int) -> Any:
    return _set_verified(organisation_id, False)


# -- the deployment's spaces -----------------------------------------------------------------

@bp.route("/admin/spaces")
@requires("deployment.admin")
def spaces() -> Any:
    return render_template("cities/admin/spaces.html",
                           page=admin_queries.all_spaces(page_number()))


def _space_form(kind: str, form: SpaceForm | None = None) -> SpaceForm:
    if form is None:
        form = SpaceForm(formdata=None, locales=list(LOCALES), default_locale=LOCALES[0],
                         modules=[m.name for m in registry.space_modules()])
    names = [(code, LOCALE_NAMES[code]) for code in LOCALES]
    form.locales.choices = names
    form.default_locale.choices = names
    form.modules.choices = [(m.name, str(m.label or m.name)) for m in registry.space_modules()]
    form.alliance_kind.choices = [("", _("Choose a kind"))] + [
        (key, str(label)) for key, label in ALLIANCE_KINDS.items()]
    form.themes.choices = [(key, str(label)) for key, label in THEMES.items()]
    return form


def _form_values(form: SpaceForm) -> dict[str, Any]:
    return {
        "slug": form.slug.data, "names": {code: form[f"name_{code}"].data for code in LOCALES},
        "default_locale": form.default_locale.data, "locales": form.locales.data,
        "timezone": form.timezone.data, "currency": form.currency.data,
        "country": form.country.data, "alliance_kind": form.alliance_kind.data,
        "themes": form.themes.data, "modules": form.modules.data,
        "primary": form.primary.data, "secondary": form.secondary.data,
        "administrator": form.administrator.data,
    }


@bp.route("/admin/spaces/new/<any(city, alliance):kind>", methods=["GET", "POST"])
@requires("deployment.admin")
def new_space(kind: str) -> Any:
    if request.method == "GET":
        return render_template("cities/admin/new_space.html", kind=kind,
                               form=_space_form(kind))
    form = _space_form(kind, SpaceForm())
    status = 400
    if form.validate_on_submit():
        try:
            space = admin_services.create_space(current_user, kind, _form_values(form))
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
            status = error.status
        else:
            flash(_("%(space)s has been created; its administrator can now set it up.",
                    space=space.name), "success")
            return redirect(url_for("spaces.home", space=space), 303)
    return render_template("cities/admin/new_space.html", kind=kind, form=form), status
