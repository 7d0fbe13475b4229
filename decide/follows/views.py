"""Follow and unfollow routes, shared by every followable target type."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from decide.core.errors import DomainError
from decide.core.fragments import wants_fragment
from decide.core.targets import get_target, target_url
from decide.core.urls import safe_next
from decide.follows import queries, services
from decide.follows.queries import FollowState

bp = Blueprint("follows", __name__)


def follow_state(target: Any) -> FollowState:
    """For the `follow_button` macro: whether the reader follows `target` and how many do."""
    return queries.follow_state(current_user, target.target_name, target.id)


bp.add_app_template_global(follow_state, "follow_state")


def _answer(target_type: str, target_id: int, change: Any, done: str) -> Any:
    try:
        change(current_user, g.space, target_type, target_id)
    except DomainError as error:
        abort(error.status)
    target = get_target(target_type, target_id, g.space)
    page = target_url(target)
    if wants_fragment():
        return render_template("follows/_fragment.html", target=target, next=page)
    flash(done, "success")
    # Back where the button was (a same-site path only), else the target's page.
    return redirect(safe_next() if request.values.get("next") else page, 303)


@bp.route("/<space:space>/follows/<target_type>/<int:target_id>", methods=["POST"])
@login_required
def follow(target_type: str, target_id: int) -> Any:
    return _answer(target_type, target_id, services.follow,
                   _("You follow this now: we will let you know of new comments."))


@bp.route("/<space:space>/follows/<target_type>/<int:target_id>/unfollow", methods=["POST"])
@login_required
def unfollow(target_type: str, target_id: int) -> Any:
    return _answer(target_type, target_id, services.unfollow, _("You no longer follow this."))
