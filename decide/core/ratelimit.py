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
from flask_login import current_user

F = TypeVar("F", bound=Callable[..., Any])
_MARK = "_decide_rate_limit"


def rate_limited(config_key: str, per_user: bool = False) -> Callable[[F], F]:
    """Mark a view: its POST requests are limited by the setting `config_key`, counted per
    client address, or per signed-in account with `per_user` (posting floods)."""

    def mark(view: F) -> F:
        setattr(view, _MARK, (config_key, per_user))
        return view

    return mark


def _account_key() -> str:
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return get_remote_address()


def init_app(app: Flask) -> None:
    """Wrap every marked view of `app`; call after the blueprints are registered."""
    limiter = Limiter(key_func=get_remote_address, default_limits=[])
    limiter.init_app(app)
    app.extensions["decide.limiter"] = limiter
    for endpoint, view in list(app.view_functions.items()):
        marked = getattr(view, _MARK, None)
        if marked is None:
            continue
        config_key, per_user = marked
        limit = limiter.limit(lambda key=config_key: app.config[key], methods=["POST"],
                              scope=endpoint, key_func=_account_key if per_user else None)
        app.view_functions[endpoint] = limit(view)
