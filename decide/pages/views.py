"""The deployment's own pages."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
)
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


def _remember_locale_cookie(response: Response, locale: str) -> None:
    response.set_cookie(
        LOCALE_COOKIE, locale, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )


@bp.route("/locale/<locale>", methods=["POST"])
def switch_locale(locale: str) -> Any:
    """The language switcher (a small form per language, with CSRF): remember the reader's
    choice in a cookie and, when signed in, on the account; then go back where they were."""
    if locale not in LOCALES:
        abort(404)
    response = make_response(redirect(safe_next()))
    _remember_locale_cookie(response, locale)
    if current_user.is_authenticated and current_user.locale != locale:
        set_locale(current_user, locale)
    return response


@bp.route("/locale/<locale>", methods=["GET"])
def switch_locale_link(locale: str) -> Any:
    """Old links to /locale/<x>: a GET changes no stored data (mail scanners and prefetchers
    follow links), so it only sets the cookie. For a signed-in person the account's language
    still wins until they use the switcher, or until they next sign in (see accounts.login)."""
    if locale not in LOCALES:
        abort(404)
    response = make_response(redirect(safe_next()))
    _remember_locale_cookie(response, locale)
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
