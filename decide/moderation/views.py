"""Flagging content as inappropriate."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from decide.core.errors import DomainError
from decide.core.permissions import can
from decide.core.ratelimit import rate_limited
from decide.core.targets import get_target, target_url
from decide.moderation import services
from decide.moderation.forms import FlagForm

bp = Blueprint("moderation", __name__)


@bp.route("/<space:space>/flag/<target_type>/<int:target_id>", methods=["GET", "POST"])
@login_required
@rate_limited("RATELIMIT_COMMENT", per_user=True)
def flag(target_type: str, target_id: int) -> Any:
    target = get_target(target_type, target_id, g.space)
    if target.is_hidden or getattr(target, "is_deleted", False):
        abort(404)
    back = target_url(target)
    if not can(current_user, "moderation.flag", g.space, target):
        abort(403)
    if services.already_flagged(current_user, target_type, target_id):
        flash(_("You have already flagged this. Moderators will review it."), "info")
        return redirect(back, 303)
    form = FlagForm()
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("moderation/flag.html", form=form, target=target,
                               back=back), status
    try:
        services.flag(current_user, g.space, target_type, target_id, form.reason.data,
                      form.note.data)
    except DomainError as error:
        form.reason.errors = [error.message]
        return render_template("moderation/flag.html", form=form, target=target,
                               back=back), error.status
    flash(_("Thank you. Moderators will review it."), "success")
    return redirect(back, 303)


@bp.route("/<space:space>/moderation/<target_type>/<int:target_id>/hide", methods=["POST"])
@login_required
def hide(target_type: str, target_id: int) -> Any:
    target = services.hide(current_user, g.space, target_type, target_id)
    flash(_("Hidden. Moderators can still see it and restore it."), "success")
    return redirect(_back(target), 303)


@bp.route("/<space:space>/moderation/<target_type>/<int:target_id>/restore", methods=["POST"])
@login_required
def restore(target_type: str, target_id: int) -> Any:
    target = services.restore(current_user, g.space, target_type, target_id)
    flash(_("Restored: everyone can see it again."), "success")
    return redirect(_back(target), 303)


def _back(target: Any) -> str:
    """The hidden or restored item's place (moderators still see hidden items there)."""
    return target_url(target)
