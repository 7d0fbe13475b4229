"""Helpers every template can use."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from flask import Flask, g, request, url_for
from flask_babel import format_date, format_datetime, format_decimal, format_time, get_timezone
from flask_login import current_user
from markupsafe import Markup

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


def local_moment(moment: datetime, space: Any = None, timezone: str | None = None) -> datetime:
    """`moment` in the time zone of `timezone`, else of `space`, else of the current space,
    else the reader's (naive values are UTC, as stored)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    space = space if space is not None else g.get("space")
    zone = timezone or (space.timezone if space is not None else None)
    return moment.astimezone(ZoneInfo(zone) if zone else get_timezone())


def when_text(moment: datetime | date, space: Any = None, timezone: str | None = None,
              *, date_only: bool = False) -> str:
    """The site's one date style: medium date and short time, in the reader's language and the
    space's time zone ("30 nov 2026, 0:18" in Spanish, "Nov 30, 2026, 12:18 AM" in English)."""
    locale = current_locale()
    if not isinstance(moment, datetime):
        return babel_dates.format_date(moment, "medium", locale=locale)
    local = local_moment(moment, space, timezone)
    day = babel_dates.format_date(local.date(), "medium", locale=locale)
    if date_only:
        return day
    time = babel_dates.format_time(local, "short", tzinfo=local.tzinfo, locale=locale)
    return babel_dates.get_datetime_format("medium", locale=locale).format(time, day)


def when(moment: datetime | date | None, space: Any = None, timezone: str | None = None,
         *, date_only: bool = False) -> Markup:
    """`when_text` inside a <time> element whose datetime attribute machines can read."""
    if moment is None:
        return Markup("")
    if isinstance(moment, datetime):
        local = local_moment(moment, space, timezone)
        machine = local.date().isoformat() if date_only else local.isoformat(timespec="minutes")
    else:
        machine = moment.isoformat()
    text = when_text(moment, space, timezone, date_only=date_only)
    return Markup('<time datetime="{}">{}</time>').format(machine, text)


def can_here(action: str, obj: Any = None) -> bool:
    """`can()` for templates: `can('moderate')`, `can('debates.edit', debate)`, or with
    another space: `can('space.view_admin', space)`."""
    from decide.core.spaces import Space

    if isinstance(obj, Space):
        return can(current_user, action, obj)
    space = getattr(obj, "space", None) or g.get("space")
    return can(current_user, action, space, obj)


def template_helpers() -> dict[str, Any]:
    return {
        "space": g.get("space"),
        "locale_names": LOCALE_NAMES,
        "ui_locales": available_locales(),
        "current_locale": current_locale(),
        "html_lang": current_locale().replace("_", "-"),
        "switch_locale_url": switch_locale_url,
        "url_with": url_with,
        "can": can_here,
        "is_eligible": lambda space=None: is_eligible(current_user, space or g.get("space")),
        "format_money": format_money,
        "format_date": format_date,
        "format_datetime": format_datetime,
        "format_time": format_time,
        "when": when,
        "when_text": when_text,
        "format_number": format_decimal,
    }


def init_app(app: Flask) -> None:
    app.context_processor(template_helpers)
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
