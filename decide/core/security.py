"""Security headers on every response; requests carrying control characters refused."""

from __future__ import annotations

import re

from flask import Flask, Response, request
from flask_babel import lazy_gettext as _l

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "object-src 'none'",
])


def set_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if response.mimetype == "text/html":
        # Pages may show personal data; shared caches must not keep them.
        headers.setdefault("Cache-Control", "no-store")
    return response


# Nothing typed in a browser puts a C0 control character in a path; in a query string or a form
# only tab, newline and carriage return are text (a pasted paragraph). NUL in particular cannot
# be stored by PostgreSQL, so it is refused here once instead of failing deep in a query.
_PATH_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_VALUE_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
CONTROL_CHARACTERS_MESSAGE = _l("The address or the form contains invisible control characters "
                                "that we cannot accept. Please check what you entered or "
                                "pasted and try again.")


def has_control_characters() -> bool:
    """True when the request's path, query string or form carries a forbidden control char."""
    if _PATH_CONTROL.search(request.path):
        return True
    pairs = list(request.args.items(multi=True))
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        pairs += request.form.items(multi=True)
    return any(_VALUE_CONTROL.search(key) or _VALUE_CONTROL.search(value)
               for key, value in pairs)


def refuse_control_characters() -> Response | None:
    if has_control_characters():
        from decide.core.errors import render_error

        return render_error(400, str(CONTROL_CHARACTERS_MESSAGE))
    return None


def init_app(app: Flask) -> None:
    app.before_request(refuse_control_characters)
    app.after_request(set_security_headers)
