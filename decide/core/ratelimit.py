"""Rate limits on sensitive forms (sign-in, sign-up, password reset, later posting).

Views declare their limit with `@rate_limited("RATELIMIT_LOGIN")` (a config key such as
"10 per minute;50 per hour"). Each application gets its own Flask-Limiter instance, built in
`init_app`: a module-level Limiter keeps its storage and on/off switch on the instance, so two
apps in one process (tests, several factories) would otherwise share them. Storage is memory by
default and Redis when DECIDE_REDIS_URL is set, so that every worker counts together.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

F = TypeVar("F", bound=Callable[..., Any])
_MARK = "_decide_rate_limit"


def rate_limited(config_key: str) -> Callable[[F], F]:
    """Mark a view: its POST requests are limited by the setting `config_key`."""

    def mark(view: F) -> F:
        setattr(view, _MARK, config_key)
        return view

    return mark


def init_app(app: Flask) -> None:
    """Wrap every marked view of `app`; call after the blueprints are registered."""
    limiter = Limiter(key_func=get_remote_address, default_limits=[])
    limiter.init_app(app)
    app.extensions["decide.limiter"] = limiter
    for endpoint, view in list(app.view_functions.items()):
        config_key = getattr(view, _MARK, None)
        if config_key is None:
            continue
        limit = limiter.limit(lambda key=config_key: app.config[key], methods=["POST"],
                              scope=endpoint)
        app.view_functions[endpoint] = limit(view)
