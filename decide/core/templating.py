"""Helpers every template can use."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel import dates as babel_dates
from flask import Flask, g, request, url_for
from flask_babel import (
    format_date,
    format_datetime,
    format_decimal,
    format_time,
    get_timezone,
    get_translations,
)
from flask_login import current_user
from markupsafe import Markup, escape

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
        return _day_text(moment, locale)
    return _local_text(local_moment(moment, space, timezone), locale, date_only)


def when(moment: datetime | date | None, space: Any = None, timezone: str | None = None,
         *, date_only: bool = False) -> Markup:
    """`when_text` inside a <time> element whose datetime attribute machines can read."""
    if moment is None:
        return Markup("")
    if isinstance(moment, datetime):
        local = local_moment(moment, space, timezone)
        machine = local.date().isoformat() if date_only else local.isoformat(timespec="minutes")
        text = _local_text(local, current_locale(), date_only)
    else:
        machine = moment.isoformat()
        text = _day_text(moment, current_locale())
    return Markup(f'<time datetime="{escape(machine)}">{escape(text)}</time>')


# A list page shows dozens of dates, and Babel parses the locale again for every call and part
# of one: the parsed locale, a day's text and the date-and-time pattern are kept per process
# (Babel's data does not change while it runs).
@lru_cache(maxsize=16)
def _babel_locale(locale: str) -> Locale:
    return Locale.parse(locale)


@lru_cache(maxsize=4096)
def _day_text(day: date, locale: str) -> str:
    return babel_dates.format_date(day, "medium", locale=_babel_locale(locale))


@lru_cache(maxsize=16)
def _datetime_pattern(locale: str) -> str:
    return str(babel_dates.get_datetime_format("medium", locale=_babel_locale(locale)))


def _local_text(local: datetime, locale: str, date_only: bool) -> str:
    """`local` (already in the wanted time zone) in the site's date style."""
    day = _day_text(local.date(), locale)
    if date_only:
        return day
    time = babel_dates.format_time(local, "short", tzinfo=local.tzinfo,
                                   locale=_babel_locale(locale))
    return _datetime_pattern(locale).format(time, day)


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


def request_translations() -> Any:
    """Flask-Babel's `get_translations()`, remembered for the request.

    Templates call `_()` dozens of times a page, and each of Flask-Babel's calls looks the
    context, the domain and the locale up again (about 8 µs, against 0.2 µs to translate).
    The catalogue is kept beside the locale and domain Flask-Babel keeps on `g`, and used
    while both are the very same objects: `force_locale()` and `refresh()` replace the locale,
    so the next call looks the catalogue up afresh.
    """
    context = g.get("_flask_babel")
    if context is None:
        return get_translations()
    locale = getattr(context, "babel_locale", None)
    domain = getattr(context, "babel_domain", None)
    kept = getattr(context, "decide_translations", None)
    if kept is not None and locale is not None and kept[0] is locale and kept[1] is domain:
        return kept[2]
    translations = get_translations()
    # get_translations() settled the locale and the domain if they were not yet.
    context.decide_translations = (getattr(context, "babel_locale", None),
                                   getattr(context, "babel_domain", None), translations)
    return translations


def init_app(app: Flask) -> None:
    # Flask-Babel installed its callables (decide.core.i18n_setup runs first); the same ones,
    # with the catalogue looked up once per request.
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
    )
    app.context_processor(template_helpers)
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
