"""The notification centre (all of a person's spaces), e-mail preferences and unsubscribe."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_timedelta, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import NotFound

from decide.core.db import utcnow
from decide.core.errors import DomainError
from decide.core.pagination import page_number
from decide.core.targets import target_for
from decide.extensions import csrf, db
from decide.notifications import queries, services
from decide.notifications.forms import ButtonForm, preferences_form
from decide.notifications.models import Notification
from decide.notifications.texts import describe, kind_label, notification_kinds
from decide.notifications.tokens import ExpiredToken, InvalidToken

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


def when(moment: datetime) -> str:
    """"3 hours ago", in the reader's language."""
    return format_timedelta(min(moment - utcnow(), timedelta(0)), add_direction=True)


@bp.route("/")
@login_required
def index() -> Any:
    page = queries.notifications_page(current_user.id, page_number())
    return render_template("notifications/index.html", page=page, form=ButtonForm(),
                           describe=describe, when=when)


def _page_of(target_type: str | None, target_id: int | None, visible_only: bool) -> str | None:
    """The page of a target by type name and id, or None when it is gone (or, with
    `visible_only`, deleted or hidden)."""
    declared = target_for(target_type) if target_type else None
    if declared is None or target_id is None:
        return None
    obj = db.session.get(declared.model, target_id)
    if obj is None:
        return None
    if visible_only and (getattr(obj, "is_deleted", False) or getattr(obj, "is_hidden", False)):
        return None
    try:
        return declared.url(obj)
    except (NotFound, DomainError):  # e.g. a comment whose debate is gone
        return None


def item_url(notification: Notification) -> str | None:
    """Where the notification leads: its newest event's object (the comment) while it is
    visible, else its item (the debate, or your comment); None when both are gone."""
    return (_page_of(notification.link_target_type, notification.link_target_id, True)
            or _page_of(notification.target_type, notification.target_id, False))


@bp.route("/<int:notification_id>", endpoint="open")
@login_required
def open_notification(notification_id: int) -> Any:
    """Mark the notification read and go to its item (404 for someone else's)."""
    notification = queries.get_for_user(current_user.id, notification_id)
    if notification is None:
        abort(404)
    services.mark_read(notification)
    declared = notification_kinds().get(notification.kind)
    url = (declared.link(notification) if declared and declared.link else None) \
        or item_url(notification)
    if url is None:
        flash(_("What this notification was about is no longer available."), "info")
        return redirect(url_for("notifications.index"))
    return redirect(url)


@bp.route("/read-all", methods=["POST"])
@login_required
def read_all() -> Any:
    count = services.mark_all_read(current_user)
    if count:
        flash(ngettext("%(num)d notification marked as read.",
                       "%(num)d notifications marked as read.", count), "success")
    return redirect(url_for("notifications.index"))


@bp.route("/preferences", methods=["GET", "POST"])
@login_required
def preferences() -> Any:
    form = preferences_form()
    if request.method == "GET":
        form.fill(current_user.email_opt_outs or [])
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("notifications/preferences.html", form=form), status
    services.set_email_opt_outs(current_user, form.opt_outs())
    flash(_("Your e-mail preferences have been saved."), "success")
    return redirect(url_for("notifications.preferences"))


# --- unsubscribe links --------------------------------------------------------------------
# GET only shows what the link would do: mail scanners and link previews follow links, and
# must not unsubscribe anyone. The change is a POST: the page's button, or the mail client's
# RFC 8058 one-click POST ("List-Unsubscribe=One-Click" in the body).


def _bad_link(error: InvalidToken) -> tuple[str, int]:
    """A translated page that says what went wrong and offers the preferences page (after
    signing in): an expired or damaged link is the visitor's problem to solve, not a 500."""
    return render_template("notifications/unsubscribe_invalid.html",
                           expired=isinstance(error, ExpiredToken)), 400


def _subscription_page(token: str, kind: str, state: str) -> str:
    return render_template("notifications/unsubscribe.html", state=state, token=token,
                           kind_label=kind_label(kind), form=ButtonForm())


@bp.route("/unsubscribe/<token>", methods=["GET"])
def confirm_unsubscribe(token: str) -> Any:
    """The unsubscribe link of an e-mail: a page with a button, changing nothing yet."""
    try:
        user, kind = services.check_unsubscribe_token(token)
    except InvalidToken as error:
        return _bad_link(error)
    state = "already" if kind in (user.email_opt_outs or []) else "confirm"
    return _subscription_page(token, kind, state)


@bp.route("/unsubscribe/<token>", methods=["POST"])
# No CSRF token: mail clients send the RFC 8058 one-click POST without a page or a cookie. The
# signed token stands in for it: only the e-mail's recipient has it (a forged request cannot
# build one without the secret key), it is bound to that account's current address and kind,
# expires, and can only turn that kind of e-mail off.
@csrf.exempt
def unsubscribe(token: str) -> Any:
    """The page's button, or a mail client's one-click POST: that kind of e-mail off."""
    try:
        _user, kind = services.unsubscribe(token)
    except InvalidToken as error:
        return _bad_link(error)
    return _subscription_page(token, kind, "unsubscribed")


@bp.route("/resubscribe/<token>", methods=["POST"])
def resubscribe(token: str) -> Any:
    """The button on the unsubscribe page: that kind of e-mail again (CSRF-protected: only
    the page offers it)."""
    try:
        _user, kind = services.resubscribe(token)
    except InvalidToken as error:
        return _bad_link(error)
    return _subscription_page(token, kind, "subscribed")
