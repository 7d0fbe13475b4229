"""Helpers every template can use."""

from __future__ import annotations

from typing import Any

from flask import Flask, g, request, url_for
from flask_babel import format_date, format_datetime, format_decimal, format_time
from flask_login import current_user

from decide.core.i18n import LOCALE_NAMES, available_locales, current_locale, format_money
from decide.core.permissions import can, is_eligible
from decide.core.text import render_markdown


def switch_locale_url(locale: str) -> str:
    return url_for("pages.switch_locale", locale=locale, next=request.full_path.rstrip("?"))


def url_with(anchor: str = "", **changes: Any) -> str:
    """This page's URL with some query arguments changed (pagination, orderings)."""
    args = request.args.to_dict()
    args.update({k: v for k, v in changes.items() if v is not None})
    for key in [k for k, v in changes.items() if v is None]:
        args.pop(key, None)
    return url_for(request.endpoint, **(request.view_args or {}), **args) + anchor


def template_helpers() -> dict[str, Any]:
    return {
        "space": g.get("space"),
        "locale_names": LOCALE_NAMES,
        "ui_locales": available_locales(),
        "current_locale": current_locale(),
        "html_lang": current_locale().replace("_", "-"),
        "switch_locale_url": switch_locale_url,
        "url_with": url_with,
        "can": lambda action, space=None: can(current_user, action, space or g.get("space")),
        "is_eligible": lambda space=None: is_eligible(current_user, space or g.get("space")),
        "format_money": format_money,
        "format_date": format_date,
        "format_datetime": format_datetime,
        "format_time": format_time,
        "format_number": format_decimal,
    }


def init_app(app: Flask) -> None:
    app.context_processor(template_helpers)
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
