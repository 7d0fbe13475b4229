"""Safe redirects after forms."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import request, url_for


def safe_next(default_endpoint: str = "pages.index") -> str:
    """The `next` parameter when it is a path on this site, else the default page."""
    target = request.values.get("next", "")
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc \
            and "\\" not in target:
        return target
    return url_for(default_endpoint)
