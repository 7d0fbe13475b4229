"""Space administration: settings in force and who holds which role."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from decide.accounts import services as account_services
from decide.accounts.forms import EmptyForm, GrantRoleForm
from decide.accounts.models import RoleAssignment
from decide.admin import queries
from decide.core.db import get_in_space
from decide.core.errors import DomainError
from decide.core.modules import AdminEntry, enabled_in, registry
from decide.core.permissions import can, requires
from decide.core.settings import SPACE_SETTINGS

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
        admin_menu=admin_menu(space),
    ), status


def admin_menu(space: Any) -> list[AdminEntry]:
    """Entries modules add to this space's admin menu (the shared ones, and those of the
    space modules the space enables), for the person's permissions here."""
    enabled = {m.name for m in enabled_in(space)}
    return [entry for module in registry
            if not module.space_module or module.name in enabled
            for entry in module.admin_menu
            if entry.kind in (None, space.kind) and can(current_user, entry.action, space)]


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


def _removes_own_admin_access(assignment: RoleAssignment) -> bool:
    """Removing this would lock the remover out of this page: it is their own administrator
    role here and nothing else (deployment administration) would let them back in."""
    return (assignment.user_id == current_user.id and assignment.role == "administrator"
            and not current_user.is_deployment_admin)


def _render_revoke(assignment: RoleAssignment, status: int = 200) -> tuple[str, int]:
    return render_template("admin/revoke_role.html", assignment=assignment, form=EmptyForm(),
                           refused=_removes_own_admin_access(assignment)), status


@bp.route("/<space:space>/admin/roles/<int:assignment_id>/revoke", methods=["GET", "POST"])
@requires("space.manage_roles")
def revoke_role(assignment_id: int) -> Any:
    """A confirmation page first (works without JavaScript); the removal needs its POST."""
    assignment = get_in_space(RoleAssignment, assignment_id, g.space)
    if request.method == "GET":
        return _render_revoke(assignment)
    if _removes_own_admin_access(assignment):
        return _render_revoke(assignment, 409)
    form = EmptyForm()
    if not form.validate_on_submit():
        return _render_revoke(assignment, 400)
    if request.form.get("confirm") != "yes":
        # An older page or a hand-made request: ask first.
        return redirect(url_for("admin.revoke_role", assignment_id=assignment_id), 303)
    account_services.revoke_role(assignment)
    flash(_("The role has been removed."), "success")
    return redirect(url_for("admin.index"))
