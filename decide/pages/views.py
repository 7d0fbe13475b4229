"""The deployment's own pages."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, make_response, redirect, render_template
from flask_login import current_user

from decide.accounts.services import set_locale
from decide.cities.queries import all_alliances, all_cities
from decide.core.i18n import LOCALE_COOKIE, LOCALES
from decide.core.mail import list_dev_mail
from decide.core.urls import safe_next

bp = Blueprint("pages", __name__)


@bp.route("/")
def index() -> str:
    return render_template("pages/index.html", cities=all_cities(), alliances=all_alliances())


@bp.route("/locale/<locale>")
def switch_locale(locale: str) -> Any:
    """Remember the reader's language (account and cookie) and go back where they were."""
    if locale not in LOCALES:
        abort(404)
    response = make_response(redirect(safe_next()))
    response.set_cookie(
        LOCALE_COOKIE, locale, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    if current_user.is_authenticated and current_user.locale != locale:
        set_locale(current_user, locale)
    return response


@bp.route("/terms")
def terms() -> str:
    return render_template("pages/terms.html")


@bp.route("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@bp.route("/dev/mail")
def dev_mail() -> str:
    """The development mailbox: only in debug mode with the file backend."""
    if not current_app.debug or current_app.config["MAIL_BACKEND"] != "file":
        abort(404)
    return render_template("pages/dev_mail.html", messages=list_dev_mail())
