"""Progressive enhancement: the same routes answer a page or, for our script, a fragment."""

from __future__ import annotations

from flask import request


def wants_fragment() -> bool:
    """True when decide.js sent the form and will put the returned HTML in place."""
    return request.headers.get("X-Requested-With") == "decide-fetch"
