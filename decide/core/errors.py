"""Translated error pages (HTML) for 400, 403, 404, 405, 413, 429, 500 and 503.

An error page must never fail itself: the session is rolled back first (on PostgreSQL a failed
statement leaves the transaction unusable, and the page loads the signed-in person), and when
the full page still cannot be rendered a small static page in the visitor's language is sent.
"""

from __future__ import annotations

from html import escape

from flask import Flask, Response, current_app, make_response, render_template, request
from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

ERROR_TEXTS = {
    400: (_l("Bad request"), _l("We could not understand that request. Please check what you "
                                "entered and try again.")),
    403: (_l("Not allowed"), _l("You do not have permission to do this here.")),
    404: (_l("Page not found"), _l("The page you are looking for does not exist or has moved.")),
    405: (_l("Not allowed"), _l("This address does not accept that kind of request.")),
    413: (_l("Too large"), _l("What you sent is larger than we accept.")),
    429: (_l("Too many attempts"), _l("You have tried this too many times. Please wait a few "
                                      "minutes and try again.")),
    500: (_l("Something went wrong"), _l("An unexpected error happened on our side. It has been "
                                         "logged; please try again later.")),
    503: (_l("Busy right now"), _l("Many people are doing the same thing at this moment. "
                                   "Nothing was changed; please try again in a few seconds.")),
}
# Seconds a client should wait before retrying after a 503 (SQLite's write lock was busy).
RETRY_AFTER_SECONDS = 2


def _rollback_session() -> None:
    """Leave the database session usable for the error page (and for later hooks)."""
    from decide.extensions import db

    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - a dead connection must not stop the error page
        current_app.logger.warning("rollback before the error page failed", exc_info=True)


def _locale_without_database() -> str:
    """The visitor's locale when the normal selector (which may load the account) fails."""
    from decide.core.i18n import LOCALE_COOKIE, LOCALES, normalise_locale

    chosen = normalise_locale(request.cookies.get(LOCALE_COOKIE))
    if chosen:
        return chosen
    accepted = request.accept_languages.best_match(
        [*LOCALES, *(loc.replace("_", "-") for loc in LOCALES), "pt"])
    return normalise_locale(accepted) or current_app.config.get("DEFAULT_LOCALE", "es")


def static_error_page(status: int, title: object, text: object) -> str:
    """A minimal page built without templates or database, in the visitor's language."""
    try:
        locale = str(get_locale() or "")
    except Exception:  # noqa: BLE001 - the locale selector may need the database
        locale = ""
    locale = locale or _locale_without_database()
    with force_locale(locale):
        title_text, body_text = escape(str(title)), escape(str(text))
        home = escape(str(_l("Go to the home page")))
    return (f'<!doctype html>\n<html lang="{escape(locale.replace("_", "-"))}">\n<head>'
            f'<meta charset="utf-8"><meta name="viewport" content="width=device-width, '
            f'initial-scale=1"><title>{title_text}</title></head>\n<body><main>'
            f'<p>{status}</p><h1>{title_text}</h1><p>{body_text}</p>'
            f'<p><a href="/">{home}</a></p></main></body>\n</html>\n')


def render_error(status: int, message: str | None = None) -> Response:
    """The translated error page for `status`, with `message` instead of the default text."""
    from decide.core.security import set_security_headers

    title, text = ERROR_TEXTS.get(status, ERROR_TEXTS[400] if status < 500 else ERROR_TEXTS[500])
    try:
        body = render_template("errors/error.html", status=status, title=title,
                               text=message or text)
    except Exception:  # noqa: BLE001 - the error page must not become a second error
        current_app.logger.exception("the %s page could not be rendered", status)
        _rollback_session()
        body = static_error_page(status, title, message or text)
    response = make_response(body, status)
    # Set here too: an after_request hook that fails on an error response skips the others.
    return set_security_headers(response)


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(error: DomainError) -> Response:
        # A refusal no view turned into a form error: its page, in the reader's language.
        return render_error(error.status, error.message)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Response:
        return render_error(400, str(_l("Your form expired or was sent from another site. "
                                       "Go back, reload the page and send it again.")))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> object:
        if error.code is None or error.code < 400:
            return error
        response = render_error(error.code)
        # Keep what Werkzeug adds (Allow on a 405, Retry-After on a 429 or 503).
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers.setdefault(name, value)
        return response

    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError) -> Response:
        _rollback_session()
        return render_error(500)

    @app.errorhandler(OperationalError)
    def database_busy(error: OperationalError) -> Response:
        """SQLite's write lock stayed busy past the busy timeout: ask to retry (503), the
        database is intact. Any other operational error stays a server error."""
        if "database is locked" not in str(error.orig):
            raise error
        _rollback_session()
        current_app.logger.warning("SQLite write lock busy: %s %s", request.method, request.path)
        response = render_error(503)
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


class DomainError(Exception):
    """A service refused a use case; `message` is translated, `field` names the form field."""

    def __init__(self, message: str, field: str | None = None, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status


class NotFoundError(DomainError):
    """What a service was asked about does not exist here (another space, hidden, deleted)."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or str(ERROR_TEXTS[404][1]), status=404)
