"""Labels for spaces in the reader's language, for templates."""

from __future__ import annotations

from functools import lru_cache

from babel import Locale
from babel.dates import get_timezone_location
from babel.numbers import get_currency_name
from flask import Flask

from decide.cities.sections import module_links
from decide.cities.themes import ALLIANCE_KINDS, MEMBER_ROLES, SDG_NAMES, THEMES
from decide.core.i18n import current_locale


def country_name(code: str | None) -> str:
    if not code:
        return ""
    return _country_name(code, current_locale())


def currency_name(code: str) -> str:
    return _currency_name(code, current_locale())


def timezone_name(zone: str) -> str:
    return _timezone_name(zone, current_locale())


# Babel's data never changes while the process runs, and reading it (parsing the locale, its
# territories, a time zone's exemplar city) costs more than the rest of a space card: one
# answer per code and language, kept for the process.
@lru_cache(maxsize=1024)
def _country_name(code: str, locale: str) -> str:
    return Locale.parse(locale).territories.get(code, code)


@lru_cache(maxsize=256)
def _currency_name(code: str, locale: str) -> str:
    return get_currency_name(code, locale=locale)


@lru_cache(maxsize=256)
def _timezone_name(zone: str, locale: str) -> str:
    return get_timezone_location(zone, locale=locale)


def init_app(app: Flask) -> None:
    app.add_template_global(module_links, "module_links")
    app.add_template_filter(country_name, "country_name")
    app.add_template_filter(currency_name, "currency_name")
    app.add_template_filter(timezone_name, "timezone_name")
    app.add_template_global(lambda key: str(THEMES.get(key, key)), "theme_label")
    app.add_template_global(lambda key: str(ALLIANCE_KINDS.get(key, key)), "alliance_kind_label")
    app.add_template_global(lambda key: str(MEMBER_ROLES.get(key, key)), "member_role_label")
    app.add_template_global(lambda n: str(SDG_NAMES.get(n, n)), "sdg_label")
