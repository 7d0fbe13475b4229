"""Safe redirects after forms."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import request, url_for


def safe_next(default_endpoint: str = "pages.index") -> str:
    """The `next` parameter when it is a path on this site, else the default page."""
    target = request.values.get("next", "")
    # Control characters (a newline, NUL, DEL) cannot go into a Location header: Werkzeug
    # would fail on them, and browsers may read them as a way to another host.
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in target):
        return url_for(default_endpoint)
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc \
            and "\\" not in target:
        return target
    return url_for(default_endpoint)


def site_base_url() -> str:
    """The absolute address links in e-mails start with: BASE_URL, else SERVER_NAME, else the
    development default. Never the request's Host header, which a client chooses."""
    from flask import current_app

    config = current_app.config
    base = (config.get("BASE_URL") or "").rstrip("/")
    if base:
        return base
    scheme = config.get("PREFERRED_URL_SCHEME") or "http"
    server = config.get("SERVER_NAME")
    if server:
        return f"{scheme}://{server}"
    return "http://localhost:5000"


def absolute_url(endpoint: str, **values: object) -> str:
    """An absolute URL for e-mails and other messages read outside the site; works with or
    without a request (a worker) and ignores the Host header of the current request."""
    from flask import current_app, has_request_context

    base = site_base_url()
    if has_request_context():
        path = url_for(endpoint, _external=False, **values)
        # url_for may add a host when SERVER_NAME-style subdomains are in use; keep the path.
        parts = urlsplit(path)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        return base + path
    with current_app.test_request_context("/", base_url=base):
        return base + url_for(endpoint, **values)
