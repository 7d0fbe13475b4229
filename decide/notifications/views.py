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

from decide.comments.models import Comment
from decide.core.db import utcnow
from decide.core.errors import render_error
from decide.core.pagination import page_number
from decide.core.targets import TARGET_URLS, TARGETS
from decide.extensions import csrf, db
from decide.notifications import queries, services
from decide.notifications.forms import ButtonForm, NotificationPreferencesForm
from decide.notifications.models import Notification
from decide.notifications.texts import describe, kind_label
from decide.notifications.tokens import InvalidToken

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


def _linked_object(notification: Notification) -> tuple[str, Any] | None:
    """What to show, with its target type: the newest comment of the notification if it is
    still visible, else the item (the debate, or your comment)."""
    if notification.link_comment_id is not None:
        comment = db.session.get(Comment, notification.link_comment_id)
        if comment is not None and not comment.is_deleted and not comment.is_hidden:
            return "comment", comment
    model = TARGETS.get(notification.target_type)
    item = db.session.get(model, notification.target_id) if model is not None else None
    return (notification.target_type, item) if item is not None else None


def item_url(notification: Notification) -> str | None:
    """The page of the notification's item, or None when it is gone."""
    linked = _linked_object(notification)
    build = TARGET_URLS.get(linked[0]) if linked is not None else None
    if linked is None or build is None:
        return None
    try:
        # By the type name the notification knows (a comment, or the item itself).
        return build(linked[1])
    except NotFound:  # a comment whose debate is gone
        return None


@bp.route("/<int:notification_id>", endpoint="open")
@login_required
def open_notification(notification_id: int) -> Any:
    """Mark the notification read and go to its item (404 for someone else's)."""
    notification = queries.get_for_user(current_user.id, notification_id)
    if notification is None:
        abort(404)
    services.mark_read(notification)
    url = item_url(notification)
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
    form = NotificationPreferencesForm()
    if request.method == "GET":
        form.fill(current_user.email_opt_outs or [])
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("notifications/preferences.html", form=form), status
    services.set_email_opt_outs(current_user, form.opt_outs())
    flash(_("Your e-mail preferences have been saved."), "success")
    return redirect(url_for("notifications.preferences"))


def _bad_link() -> tuple[str, int]:
    return render_error(400, _("This unsubscribe link is not valid. It may have been copied "
                               "incompletely. You can change your e-mail preferences in your "
                               "account."))


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # mail clients POST "List-Unsubscribe=One-Click" (RFC 8058) without a form
def unsubscribe(token: str) -> Any:
    """One click from an e-mail turns that kind of e-mail off."""
    return _change_subscription(token, services.unsubscribe, subscribed=False)


@bp.route("/resubscribe/<token>", methods=["POST"])
def resubscribe(token: str) -> Any:
    """The button on the unsubscribe page: that kind of e-mail again."""
    return _change_subscription(token, services.resubscribe, subscribed=True)


def _change_subscription(token: str, change: Any, subscribed: bool) -> Any:
    try:
        _user, kind = change(token)
    except InvalidToken:
        return _bad_link()
    return render_template("notifications/unsubscribe.html", subscribed=subscribed,
                           token=token, kind_label=kind_label(kind), form=ButtonForm())
