"""Writes for spaces: loading the city and alliance files into the database."""

from __future__ import annotations

import re
import tomllib
import zoneinfo
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.numbers import get_currency_name
from sqlalchemy import func, select

from decide.cities.models import (
    Alliance,
    AllianceMembership,
    City,
    Geozone,
    Space,
    SpaceCreation,
)
from decide.cities.settings import validate_settings
from decide.cities.themes import ALLIANCE_KINDS, MEMBER_ROLES, THEMES
from decide.core.i18n import LOCALES
from decide.core.modules import registry
from decide.extensions import db

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
# First path segments the app itself uses: a city cannot take them as its slug.
RESERVED_SLUGS = {
    "alliances", "accounts", "users", "static", "dev", "api", "admin", "locale", "health",
    "search", "about", "terms", "privacy", "favicon.ico", "robots.txt",
}


class ConfigError(ValueError):
    """A configuration file is malformed; the message names the file, the key and the problem."""

    def __init__(self, path: Path, key: str, problem: str) -> None:
        self.path, self.key, self.problem = path, key, problem
        super().__init__(f"{path}: {key}: {problem}")


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Spaces in the database whose file is gone, as "madrid" or "alliances/pact".
    without_file: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    # Files ignored because their slug belongs to a space created in the browser.
    browser_managed: list[str] = field(default_factory=list)


# What each kind of file may hold; anything else is refused so that typos never pass.
COMMON_REQUIRED = ("name", "default_locale", "locales", "timezone", "currency", "modules")
COMMON_OPTIONAL = ("description", "position", "theme", "settings")
CITY_KEYS = (*COMMON_REQUIRED, "country", *COMMON_OPTIONAL, "geozones")
CITY_REQUIRED = (*COMMON_REQUIRED, "country")
ALLIANCE_KEYS = (*COMMON_REQUIRED, "kind", "themes", "members", *COMMON_OPTIONAL, "sdgs",
                 "founded")
ALLIANCE_REQUIRED = (*COMMON_REQUIRED, "kind", "themes", "members")
THEME_KEYS = ("primary", "secondary", "logo")
GEOZONE_KEYS = ("slug", "name")
MEMBER_KEYS = ("city", "role", "since")
# Tables whose rows belong to the space's configuration, not to its participation.
CONFIGURATION_TABLES = {"geozones", "alliance_memberships"}


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, "(file)", f"not valid TOML: {exc}") from exc


def _translations(path: Path, key: str, value: Any, required: bool) -> dict[str, str]:
    if value is None:
        if required:
            raise ConfigError(path, key, "is required")
        return {}
    if isinstance(value, str):
        return {"es": value, "en": value, "pt_BR": value}
    if isinstance(value, dict) and value and all(
        k in LOCALES and isinstance(v, str) and v for k, v in value.items()
    ):
        return dict(value)
    raise ConfigError(path, key,
                      f"must be a text or a table of texts keyed by {', '.join(LOCALES)}")


def _choice(path: Path, key: str, value: Any, allowed: Any) -> Any:
    if value not in allowed:
        raise ConfigError(path, key, f"{value!r} is not one of {', '.join(map(str, allowed))}")
    return value


def _check_keys(path: Path, prefix: str, table: dict[str, Any], allowed: tuple[str, ...],
                required: tuple[str, ...] = (), top_level: tuple[str, ...] = ()) -> None:
    """Refuse missing required keys and unknown keys, naming the first one."""
    for key in required:
        if key not in table:
            raise ConfigError(path, f"{prefix}{key}", "is required")
    for key in table:
        if key not in allowed:
            hint = ""
            if key in top_level:
                # TOML puts every key after a [table] header into that table.
                hint = "; top-level keys must come before the first [table] or [[table]]"
            raise ConfigError(path, f"{prefix}{key}",
                              f"unknown key (allowed: {', '.join(allowed)}){hint}")


def _common(path: Path, data: dict[str, Any], top_level: tuple[str, ...]) -> dict[str, Any]:
    """Fields every space has, validated."""
    locales = data["locales"]
    if not isinstance(locales, list) or not locales:
        raise ConfigError(path, "locales", "must be a non-empty list")
    for loc in locales:
        _choice(path, "locales", loc, LOCALES)
    default_locale = _choice(path, "default_locale", data["default_locale"], locales)
    timezone = data["timezone"]
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise ConfigError(path, "timezone", f"unknown time zone {timezone!r}") from exc
    currency = data["currency"]
    if not isinstance(currency, str) or get_currency_name(currency, locale="en") == currency:
        raise ConfigError(path, "currency", f"unknown ISO 4217 currency {currency!r}")
    modules = data["modules"]
    if not isinstance(modules, list):
        raise ConfigError(path, "modules", "must be a list")
    if len(set(modules)) != len(modules):
        raise ConfigError(path, "modules", "names a module twice")
    # Modules a space may enable are the space modules this deployment declares.
    space_modules = {m.name: m.label for m in registry.space_modules()}
    for module in modules:
        _choice(path, "modules", module, space_modules)
    theme = data.get("theme", {})
    if not isinstance(theme, dict):
        raise ConfigError(path, "theme", "must be a table")
    _check_keys(path, "theme.", theme, THEME_KEYS, top_level=top_level)
    for colour_key in ("primary", "secondary"):
        colour = theme.get(colour_key)
        if colour is not None and not (isinstance(colour, str) and COLOUR_RE.match(colour)):
            raise ConfigError(path, f"theme.{colour_key}",
                              f"{colour!r} is not a colour like #1a2b3c")
    logo = theme.get("logo")
    if logo is not None and (not isinstance(logo, str) or ".." in logo or logo.startswith("/")):
        raise ConfigError(path, "theme.logo", "must be a path inside static/, like img/madrid.svg")
    settings = data.get("settings", {})
    if not isinstance(settings, dict):
        raise ConfigError(path, "settings", "must be a table")
    try:
        settings = validate_settings(settings)
    except KeyError as exc:
        key = exc.args[0]
        hint = ("; top-level keys must come before the first [table] or [[table]]"
                if key in top_level else "")
        raise ConfigError(path, f"settings.{key}", f"is not a known setting{hint}") from exc
    except ValueError as exc:
        key, _, problem = str(exc).partition(": ")
        raise ConfigError(path, f"settings.{key}", problem) from exc
    position = data.get("position", 0)
    if not isinstance(position, int) or isinstance(position, bool):
        raise ConfigError(path, "position", "must be a whole number")
    return {
        "names": _translations(path, "name", data.get("name"), required=True),
        "descriptions": _translations(path, "description", data.get("description"), False),
        "default_locale": default_locale,
        "locales": locales,
        "timezone": timezone,
        "currency": currency,
        "modules": modules,
        "theme": dict(theme),
        "settings": settings,
        "position": position,
    }


def slug_problem(slug: str, kind: str) -> str | None:
    """Why `slug` cannot name a space of `kind` ("format", "reserved"), or None. Cities sit
    at the first path segment, so they cannot take one the application uses."""
    if len(slug) > 64 or not SLUG_RE.match(slug):
        return "format"
    if kind == "city" and slug in RESERVED_SLUGS:
        return "reserved"
    return None


def _slug(path: Path, kind: str) -> str:
    slug = path.stem
    problem = slug_problem(slug, kind)
    if problem == "format":
        raise ConfigError(path, "(file name)", "slug must be lowercase letters, digits and hyphens")
    if problem == "reserved":
        raise ConfigError(path, "(file name)", f"{slug!r} is reserved by the application")
    return slug


def check_country(path: Path, country: Any) -> str:
    """An ISO 3166-1 alpha-2 code Babel knows, like ES."""
    if not isinstance(country, str) or len(country) != 2 or not country.isupper():
        raise ConfigError(path, "country", "must be an ISO 3166 code like ES or BR")
    try:
        # Babel names "ZZ" ("Unknown Region"): no city is there.
        if country not in Locale("en").territories or country == "ZZ":
            raise ConfigError(path, "country", f"unknown country code {country!r}")
    except UnknownLocaleError as exc:  # pragma: no cover - Babel always has English
        raise ConfigError(path, "country", str(exc)) from exc
    return country


def check_common(path: Path, data: dict[str, Any]) -> dict[str, Any]:
    """The fields every space has (name, languages, time zone, currency, modules, theme...),
    validated as a configuration file's are; the browser's space creation uses it too."""
    return _common(path, data, ())


def _date(path: Path, key: str, value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ConfigError(path, key, f"{value!r} is not a date like 2018-07-16")


# Values administrators may change from the browser: the file's value goes to its own column
# (`Space.file_*`); what the space uses is the administrators' override when there is one
# (`Space.overrides`), which a load never touches.
FILE_COLUMNS = {"modules": "file_modules", "locales": "file_locales",
                "default_locale": "file_default_locale", "theme": "file_theme"}


def _apply(obj: Space, fields: dict[str, Any]) -> bool:
    changed = False
    for key, value in fields.items():
        attribute = FILE_COLUMNS.get(key, key)
        if getattr(obj, attribute) != value:
            setattr(obj, attribute, value)
            changed = True
    return changed


def _upsert(model: type[Space], slug: str, fields: dict[str, Any], report: LoadReport) -> Space:
    obj = db.session.scalar(select(model).where(model.slug == slug))
    if obj is None:
        obj = model(slug=slug, **{FILE_COLUMNS.get(k, k): v for k, v in fields.items()})
        db.session.add(obj)
        report.created += 1
    elif _apply(obj, fields):
        report.updated += 1
    else:
        report.unchanged += 1
    return obj


def _load_city(path: Path, report: LoadReport) -> City:
    data = _read(path)
    slug = _slug(path, "city")
    _check_keys(path, "", data, CITY_KEYS, CITY_REQUIRED)
    fields = _common(path, data, CITY_KEYS)
    fields["country"] = check_country(path, data["country"])
    geozones = data.get("geozones", [])
    if not isinstance(geozones, list):
        raise ConfigError(path, "geozones", "must be a list of tables with slug and name")
    zones: list[tuple[str, str]] = []
    for index, zone in enumerate(geozones):
        key = f"geozones[{index}]"
        if not isinstance(zone, dict):
            raise ConfigError(path, key, "must be a table with slug and name")
        _check_keys(path, f"{key}.", zone, GEOZONE_KEYS, GEOZONE_KEYS, top_level=CITY_KEYS)
        if not isinstance(zone["name"], str) or not zone["name"].strip():
            raise ConfigError(path, f"{key}.name", "must be a non-empty text")
        zslug = zone["slug"]
        if not isinstance(zslug, str) or not SLUG_RE.match(zslug):
            raise ConfigError(path, f"{key}.slug", "must be lowercase letters, digits and hyphens")
        if zslug in {z for z, _ in zones}:
            raise ConfigError(path, f"{key}.slug", f"{zslug!r} appears twice")
        zones.append((zslug, zone["name"]))

    city = _upsert(City, slug, fields, report)
    if city.override("geozones") is not None:
        # The city's administrators manage its geozones in the browser now: the file's list
        # no longer applies (their renames and order would otherwise be undone).
        return city
    existing = {g.slug: g for g in city.geozones}
    for index, (zslug, name) in enumerate(zones):
        if zslug in existing:
            geozone = existing[zslug]
            geozone.name, geozone.position = name, index
        else:
            city.geozones.append(Geozone(slug=zslug, name=name, position=index))
    # Geozones removed from the file stay: content may already point at them.
    return city


def _load_alliance(path: Path, cities: dict[str, City], report: LoadReport) -> Alliance:
    data = _read(path)
    slug = _slug(path, "alliance")
    _check_keys(path, "", data, ALLIANCE_KEYS, ALLIANCE_REQUIRED)
    fields = _common(path, data, ALLIANCE_KEYS)
    fields["alliance_kind"] = _choice(path, "kind", data["kind"], ALLIANCE_KINDS)
    themes = data["themes"]
    if not isinstance(themes, list) or not themes:
        raise ConfigError(path, "themes", "must list at least one theme")
    for theme in themes:
        _choice(path, "themes", theme, THEMES)
    fields["themes"] = themes
    sdgs = data.get("sdgs", [])
    if not isinstance(sdgs, list) or any(
        not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= 17 for n in sdgs
    ):
        raise ConfigError(path, "sdgs", "must be a list of goal numbers from 1 to 17")
    fields["sdgs"] = sdgs
    fields["founded_on"] = _date(path, "founded", data.get("founded"))
    members = data["members"]
    if not isinstance(members, list) or not members:
        raise ConfigError(path, "members", "must list at least one member city")
    wanted: list[tuple[str, str, date | None]] = []
    for index, member in enumerate(members):
        key = f"members[{index}]"
        if isinstance(member, str):
            member = {"city": member}
        if not isinstance(member, dict):
            raise ConfigError(path, key, "must be a city slug or a table with city and role")
        _check_keys(path, f"{key}.", member, MEMBER_KEYS, ("city",))
        city_slug = member["city"]
        if city_slug not in cities:
            raise ConfigError(path, f"{key}.city", f"no city file for {city_slug!r}")
        if city_slug in {c for c, _, _ in wanted}:
            raise ConfigError(path, f"{key}.city", f"{city_slug!r} appears twice")
        role = _choice(path, f"{key}.role", member.get("role", "member"), MEMBER_ROLES)
        wanted.append((city_slug, role, _date(path, f"{key}.since", member.get("since"))))

    alliance = _upsert(Alliance, slug, fields, report)
    current = {m.city.slug: m for m in alliance.memberships if m.city is not None}
    for index, (city_slug, role, joined) in enumerate(wanted):
        membership = current.pop(city_slug, None)
        if membership is None:
            alliance.memberships.append(
                AllianceMembership(city=cities[city_slug], role=role, joined_on=joined,
                                   position=index, source="file")
            )
        else:
            # A city that accepted an invitation and is also in the file keeps its
            # "invitation" source: removing it from the file later must not undo its
            # acceptance.
            membership.role, membership.joined_on, membership.position = role, joined, index
    accepted = []
    for stale in current.values():
        if stale.source == "file":
            alliance.memberships.remove(stale)
        else:
            accepted.append(stale)
    # Cities that accepted in the browser come after the file's members, in their order.
    for index, membership in enumerate(sorted(accepted, key=lambda m: (m.position, m.id)),
                                       start=len(wanted)):
        membership.position = index
    return alliance


def _label(space: Space) -> str:
    return f"alliances/{space.slug}" if space.is_alliance else space.slug


def _participation_rows(space: Space) -> int:
    """Rows of any module that point at the space (its geozones and memberships excluded)."""
    total = 0
    for table in db.metadata.sorted_tables:
        if table.name in CONFIGURATION_TABLES:
            continue
        for foreign_key in table.foreign_keys:
            if foreign_key.column.table.name == "spaces":
                total += db.session.scalar(
                    select(func.count()).select_from(table)
                    .where(foreign_key.parent == space.id)) or 0
    return total


def _retire(space: Space, path: Path) -> None:
    """Remove a space whose file is gone, only while nothing but its configuration uses it."""
    rows = _participation_rows(space)
    if rows:
        raise ConfigError(path, "(file)", (
            f"{_label(space)} has no file but {rows} stored rows (content, residences, roles, "
            "notifications...) point at it; it cannot be retired without losing them. "
            "Restore its file to keep it"))
    db.session.delete(space)


def load_config(cities_dir: Path, alliances_dir: Path, *,
                retire_missing: bool = False) -> LoadReport:
    """Load every city and alliance file, idempotently.

    Spaces stored in the database whose file is gone are listed in the report and kept as they
    are; with `retire_missing` they are removed, which is refused for any space that holds
    participation (nothing stored is ever lost by a load).
    Raises ConfigError and leaves the database as it was when any file is malformed.
    """
    for folder in (cities_dir, alliances_dir):
        if not folder.is_dir():
            raise ConfigError(folder, "(folder)", "does not exist")
    report = LoadReport()
    try:
        # Spaces created in the browser have no file and are never touched by a load; alliance
        # files may still name such a city as a member.
        browser = {(space.kind, space.slug): space for space in db.session.scalars(
            select(Space).join(SpaceCreation, SpaceCreation.space_id == Space.id))}
        cities: dict[str, City] = {}
        for path in sorted(cities_dir.glob("*.toml")):
            if ("city", path.stem) in browser:
                report.browser_managed.append(path.stem)
                continue
            cities[path.stem] = _load_city(path, report)
        db.session.flush()
        alliances = {path.stem for path in sorted(alliances_dir.glob("*.toml"))}
        members = {**cities, **{slug: space for (kind, slug), space in browser.items()
                                if kind == "city"}}
        for path in sorted(alliances_dir.glob("*.toml")):
            if ("alliance", path.stem) in browser:
                report.browser_managed.append(f"alliances/{path.stem}")
                continue
            _load_alliance(path, members, report)  # type: ignore[arg-type]
        db.session.flush()
        stored = db.session.scalars(select(Space).order_by(Space.kind, Space.slug)).all()
        for space in stored:
            has_file = space.slug in (alliances if space.is_alliance else cities)
            if has_file or (space.kind, space.slug) in browser:
                continue
            label = _label(space)
            if retire_missing:
                folder = alliances_dir if space.is_alliance else cities_dir
                _retire(space, folder / f"{space.slug}.toml")
                report.retired.append(label)
            else:
                report.without_file.append(label)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report
