"""The one place that decides the reader's locale and time zone, plus formatting helpers."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from babel import Locale
from flask import current_app, g, has_request_context, request
from flask_babel import format_currency, get_locale
from flask_login import current_user

# Interface languages; Brazilian Portuguese is shown as "Português".
LOCALES = ("es", "en", "pt_BR")
LOCALE_NAMES = {"es": "Español", "en": "English", "pt_BR": "Português"}
LOCALE_COOKIE = "decide_locale"


def normalise_locale(value: str | None) -> str | None:
    """Map 'pt-br', 'pt', 'es-MX', 'en_GB' ... onto one of LOCALES, or None."""
    if not value:
        return None
    value = value.replace("-", "_")
    if value in LOCALES:
        return value
    language = value.split("_")[0].lower()
    if language == "pt":
        return "pt_BR"
    return language if language in LOCALES else None


def available_locales() -> tuple[str, ...]:
    """Locales the current space enables (all of them outside a space)."""
    space = g.get("space")
    if space is None:
        return LOCALES
    return tuple(loc for loc in LOCALES if loc in space.locales) or LOCALES


def select_locale() -> str:
    """Explicit choice (account, then cookie) > Accept-Language > space default > deployment."""
    if not has_request_context():
        # Command line and job worker: texts for a person use force_locale(their locale).
        return current_app.config.get("DEFAULT_LOCALE", "es")
    allowed = available_locales()
    explicit = None
    if current_user and current_user.is_authenticated:
        explicit = current_user.locale
    explicit = explicit or request.cookies.get(LOCALE_COOKIE)
    explicit = normalise_locale(explicit)
    if explicit in allowed:
        return explicit
    accepted = request.accept_languages.best_match(
        list(allowed) + [loc.replace("_", "-") for loc in allowed] + ["pt"]
    )
    accepted = normalise_locale(accepted)
    if accepted in allowed:
        return accepted
    space = g.get("space")
    if space is not None and space.default_locale in allowed:
        return space.default_locale
    default = current_app.config.get("DEFAULT_LOCALE", "es")
    return default if default in allowed else allowed[0]


def select_timezone() -> str:
    """The space's time zone; outside a space, the reader's home city's, else the default."""
    space = g.get("space")
    if space is not None:
        return space.timezone
    user = current_user if has_request_context() else None
    if user and user.is_authenticated and user.home_city is not None:
        return user.home_city.timezone
    return current_app.config.get("DEFAULT_TIMEZONE", "UTC")


def current_locale() -> str:
    loc = get_locale()
    return str(loc) if loc else "es"


def format_money(amount: int | float | Decimal, currency: str | None = None) -> str:
    """Money in the reader's locale and the space's currency."""
    if currency is None:
        space = g.get("space")
        currency = space.currency if space is not None else "EUR"
    if isinstance(amount, int):
        # Whole units (budgets, prices): "€250,000", not "€250,000.00".
        return format_currency(amount, currency, format=_whole_pattern(current_locale()),
                               currency_digits=False)
    return format_currency(amount, currency)


@lru_cache(maxsize=16)
def _whole_pattern(locale: str) -> str:
    """The locale's currency pattern without its decimals."""
    pattern = Locale.parse(locale).currency_formats["standard"].pattern
    return pattern.replace(".00", "").replace(",00", "")
