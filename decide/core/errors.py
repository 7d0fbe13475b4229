"""Translated error pages (HTML) for 400, 403, 404, 405, 413, 429 and 500."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
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
}


def render_error(status: int, message: str | None = None) -> tuple[str, int]:
    title, text = ERROR_TEXTS.get(status, ERROR_TEXTS[400] if status < 500 else ERROR_TEXTS[500])
    return render_template("errors/error.html", status=status, title=title,
                           text=message or text), status


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        return render_error(400, str(_l("Your form expired or was sent from another site. "
                                       "Go back, reload the page and send it again.")))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> object:
        if error.code is None or error.code < 400:
            return error
        return render_error(error.code)

    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError) -> tuple[str, int]:
        return render_error(500)


class DomainError(Exception):
    """A service refused a use case; `message` is translated, `field` names the form field."""

    def __init__(self, message: str, field: str | None = None, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status
