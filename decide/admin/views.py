"""Space administration: settings in force and who holds which role."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from decide.accounts import services as account_services
from decide.accounts.forms import EmptyForm, GrantRoleForm
from decide.accounts.models import RoleAssignment
from decide.admin import queries
from decide.cities.settings import SPACE_SETTINGS
from decide.core.db import get_in_space
from decide.core.errors import DomainError
from decide.core.permissions import requires

bp = Blueprint("admin", __name__)


def _render(form: GrantRoleForm, status: int = 200) -> tuple[str, int]:
    space = g.space
    settings = [
        (spec, space.setting(spec.key), spec.key in space.settings)
        for spec in SPACE_SETTINGS.values()
    ]
    return render_template(
        "admin/space.html",
        form=form,
        revoke_form=EmptyForm(),
        assignments=queries.role_assignments(space),
        residents=queries.resident_count(space),
        settings=settings,
    ), status


@bp.route("/<space:space>/admin/")
@requires("space.view_admin")
def index() -> Any:
    return _render(GrantRoleForm())


@bp.route("/<space:space>/admin/roles", methods=["POST"])
@requires("space.manage_roles")
def grant_role() -> Any:
    form = GrantRoleForm()
    if not form.validate_on_submit():
        return _render(form, 400)
    user = account_services.find_by_username(form.username.data)
    if user is None or user.is_deleted:
        form.username.errors = [_("No account has this username.")]
        return _render(form, 404)
    try:
        account_services.grant_role(user, g.space, form.role.data,
                                    (form.official_position.data or "").strip() or None,
                                    form.official_level.data)
    except DomainError as error:
        field = getattr(form, error.field or "", None)
        if field is not None:
            field.errors = [error.message]
        else:
            form.role.errors = [error.message]
        return _render(form, 400)
    flash(_("%(user)s now holds the role “%(role)s” here.", user=user.username,
            role=account_services.role_label(form.role.data)), "success")
    return redirect(url_for("admin.index"))


@bp.route("/<space:space>/admin/roles/<int:assignment_id>/revoke", methods=["POST"])
@requires("space.manage_roles")
def revoke_role(assignment_id: int) -> Any:
    assignment = get_in_space(RoleAssignment, assignment_id, g.space)
    form = EmptyForm()
    if not form.validate_on_submit():
        return _render(GrantRoleForm(), 400)
    account_services.revoke_role(assignment)
    flash(_("The role has been removed."), "success")
    return redirect(url_for("admin.index"))
