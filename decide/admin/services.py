"""Writes for a space's administration: overrides of the config file's values (settings,
modules, languages, theme, logo), geozones and roles. Every change is audited in the same
transaction as the change itself.

Overrides live in `Space.overrides` (key -> {value, by, at}); the config loader writes the
file's values to their own columns and never touches overrides, so a reload undoes nothing an
administrator did here. Resetting an override puts the file's value back in force.
"""

from __future__ import annotations

import hashlib
import math
import re
from typing import Any

from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import func, select

from decide.accounts.models import RoleAssignment, User
from decide.admin.models import SpaceLogo
from decide.audit.services import record
from decide.cities.models import City, Geozone, Space
from decide.core.db import utcnow
from decide.core.errors import DomainError
from decide.core.i18n import LOCALES
from decide.core.modules import registry
from decide.core.settings import SPACE_SETTINGS, SettingSpec
from decide.core.uploads import image_type
from decide.extensions import db

COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
WHITE = "#ffffff"
# WCAG 2.x AA for normal text: buttons and the space bar print white text on these colours.
MIN_CONTRAST = 4.5
MAX_LOGO_BYTES = 1024 * 1024
INT_RE = re.compile(r"^[+-]?[0-9]{1,18}$")


# -- overrides -------------------------------------------------------------------------------

def _set_override(space: Space, actor: User, key: str, value: Any) -> None:
    # A new dict: SQLAlchemy sees an assignment, not an in-place change of the JSON.
    overrides = dict(space.overrides or {})
    overrides[key] = {"value": value, "by": actor.id, "at": utcnow().isoformat()}
    space.overrides = overrides


def _drop_override(space: Space, key: str) -> bool:
    overrides = dict(space.overrides or {})
    if key not in overrides:
        return False
    del overrides[key]
    space.overrides = overrides
    return True


# -- settings --------------------------------------------------------------------------------

def parse_setting(spec: SettingSpec, raw: str) -> Any:
    """The typed value of what was typed for `spec`; DomainError (translated) otherwise."""
    text = (raw or "").strip()
    if spec.type is bool:
        if text not in ("true", "false"):
            raise DomainError(_("Choose yes or no."))
        value: Any = text == "true"
    elif spec.type is int:
        if not INT_RE.match(text):
            raise DomainError(_("Enter a whole number, like 12."))
        value = int(text)
    elif spec.type is float:
        try:
            value = float(text.replace(",", ".")) if len(text) <= 32 else math.nan
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise DomainError(_("Enter a number, like 2.5."))
    else:
        value = text
    if spec.minimum is not None and value < spec.minimum:
        raise DomainError(_("Enter %(minimum)s or more.", minimum=_number(spec.minimum)))
    if spec.maximum is not None and value > spec.maximum:
        raise DomainError(_("Enter %(maximum)s or less.", maximum=_number(spec.maximum)))
    return spec.validate(value)


def _number(value: float) -> str:
    return format_decimal(int(value) if float(value).is_integer() else value)


def update_settings(space: Space, actor: User, raw_values: dict[str, str]) -> list[str]:
    """Validate every typed value first; store (and audit) those that change what is in force.

    Raises `SettingsError` with a message per key and stores nothing when any value is wrong.
    Returns the keys changed.
    """
    errors: dict[str, str] = {}
    parsed: dict[str, Any] = {}
    for key, raw in raw_values.items():
        spec = SPACE_SETTINGS.get(key)
        if spec is None:
            errors[key] = _("This setting does not exist.")
            continue
        try:
            parsed[key] = parse_setting(spec, raw)
        except DomainError as error:
            errors[key] = error.message
    if errors:
        raise SettingsError(errors)
    changed = []
    for key, value in parsed.items():
        before = space.setting(key)
        if value == before:
            continue
        _set_override(space, actor, f"settings.{key}", value)
        record(actor, space.id, "admin.setting", object_type="setting", key=key,
               before=before, after=value)
        changed.append(key)
    db.session.commit()
    return changed


def reset_setting(space: Space, actor: User, key: str) -> None:
    """Put the file's value (or the default) back in force."""
    if key not in SPACE_SETTINGS:
        raise DomainError(_("This setting does not exist."))
    before = space.setting(key)
    if not _drop_override(space, f"settings.{key}"):
        return
    record(actor, space.id, "admin.setting_reset", object_type="setting", key=key,
           before=before, after=space.setting(key))
    db.session.commit()


class SettingsError(DomainError):
    """Several settings refused at once: key -> translated message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(_("Some values could not be saved; nothing was changed."))
        self.errors = errors


# -- modules and languages -------------------------------------------------------------------

def update_modules(space: Space, actor: User, names: list[str]) -> None:
    declared = [m.name for m in registry.space_modules()]
    unknown = [n for n in names if n not in declared]
    if unknown:
        raise DomainError(_("Unknown module."), field="modules")
    # Keep the deployment's order (the space bar shows tabs in that order).
    wanted = [n for n in declared if n in names]
    before = space.modules
    if set(wanted) == set(before):
        return  # the same modules (in whatever order the file lists them): nothing to store
    _set_override(space, actor, "modules", wanted)
    record(actor, space.id, "admin.modules", object_type="space", object_id=space.id,
           before=before, after=wanted)
    db.session.commit()


def update_languages(space: Space, actor: User, locales: list[str], default: str) -> None:
    if any(loc not in LOCALES for loc in locales):
        raise DomainError(_("Unknown language."), field="locales")
    if not locales:
        raise DomainError(_("Choose at least one language."), field="locales")
    if default not in locales:
        raise DomainError(_("The main language must be one of the chosen languages."),
                          field="default_locale")
    wanted = [loc for loc in LOCALES if loc in locales]
    before = {"locales": space.locales, "default_locale": space.default_locale}
    after = {"locales": wanted, "default_locale": default}
    if before == after:
        return
    if wanted != space.locales:
        _set_override(space, actor, "locales", wanted)
    if default != space.default_locale:
        _set_override(space, actor, "default_locale", default)
    record(actor, space.id, "admin.languages", object_type="space", object_id=space.id,
           before=before, after=after)
    db.session.commit()


def reset_override(space: Space, actor: User, key: str) -> None:
    """Back to the file's value for modules, languages or a theme value."""
    if key not in RESETTABLE:
        raise DomainError(_("This value cannot be reset."))
    before = _current(space, key)
    dropped = False
    for stored in RESETTABLE[key]:
        dropped = _drop_override(space, stored) or dropped
    if not dropped:
        return
    record(actor, space.id, "admin.reset", object_type="space", object_id=space.id, key=key,
           before=before, after=_current(space, key))
    db.session.commit()


# What the reset buttons name -> the overrides they remove.
RESETTABLE = {
    "modules": ("modules",),
    "languages": ("locales", "default_locale"),
    "theme.primary": ("theme.primary",),
    "theme.secondary": ("theme.secondary",),
    "theme.logo": ("theme.logo",),
}


def _current(space: Space, key: str) -> Any:
    if key == "modules":
        return space.modules
    if key == "languages":
        return {"locales": space.locales, "default_locale": space.default_locale}
    if key == "theme.logo":
        entry = space.override("theme.logo")
        return f"upload #{entry['value']}" if entry else space.theme.get("logo")
    return space.theme.get(key.removeprefix("theme."))


# -- theme -----------------------------------------------------------------------------------

def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2.x contrast ratio of two #rrggbb colours, from 1 to 21."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def check_colour(value: str, field: str) -> str:
    colour = (value or "").strip().lower()
    if not COLOUR_RE.match(colour):
        raise DomainError(_("Enter a colour like #1a2b3c."), field=field)
    ratio = contrast_ratio(colour, WHITE)
    if ratio < MIN_CONTRAST:
        raise DomainError(_("White text on this colour has a contrast of %(ratio)s:1; it needs "
                            "at least 4.5:1 to be readable (WCAG AA). Choose a darker colour.",
                            ratio=format_decimal(math.floor(ratio * 100) / 100,
                                                 format="0.00")), field=field)
    return colour


def update_colours(space: Space, actor: User, primary: str, secondary: str) -> None:
    wanted = {"primary": check_colour(primary, "primary"),
              "secondary": check_colour(secondary, "secondary")}
    theme = space.theme
    before = {key: theme.get(key) for key in wanted}
    changed = {key: value for key, value in wanted.items() if value != before[key]}
    if not changed:
        return
    for key, value in changed.items():
        _set_override(space, actor, f"theme.{key}", value)
    record(actor, space.id, "admin.theme", object_type="space", object_id=space.id,
           before={k: before[k] for k in changed}, after=changed)
    db.session.commit()


def upload_logo(space: Space, actor: User, data: bytes) -> SpaceLogo:
    if not data:
        raise DomainError(_("Choose an image file."), field="logo")
    if len(data) > MAX_LOGO_BYTES:
        raise DomainError(_("The logo must be 1 MB or smaller."), field="logo")
    content_type = image_type(data)
    if content_type is None:
        head = data[:512].lstrip().lower()
        if head.startswith((b"<?xml", b"<svg")) or b"<svg" in head:
            raise DomainError(_("SVG files are not accepted, as they can contain scripts. "
                                "Upload a PNG, JPEG or WebP image."), field="logo")
        raise DomainError(_("This file is not a PNG, JPEG or WebP image."), field="logo")
    before = _current(space, "theme.logo")
    # Only the logo in force is kept: earlier uploads go.
    db.session.execute(SpaceLogo.__table__.delete().where(SpaceLogo.space_id == space.id))
    logo = SpaceLogo(space_id=space.id, content_type=content_type, size=len(data),
                     sha256=hashlib.sha256(data).hexdigest(), data=data,
                     uploaded_by_id=actor.id)
    db.session.add(logo)
    db.session.flush()
    _set_override(space, actor, "theme.logo", logo.id)
    record(actor, space.id, "admin.logo", object_type="space", object_id=space.id,
           before=before, after=f"upload #{logo.id}", content_type=content_type,
           size=len(data))
    db.session.commit()
    return logo


def reset_logo(space: Space, actor: User) -> None:
    db.session.execute(SpaceLogo.__table__.delete().where(SpaceLogo.space_id == space.id))
    reset_override(space, actor, "theme.logo")
    db.session.commit()


# -- geozones --------------------------------------------------------------------------------

def _manage_geozones_here(city: City, actor: User) -> None:
    """From the first change on, the city's file no longer rewrites its geozones."""
    if city.override("geozones") is None:
        _set_override(city, actor, "geozones", True)


def create_geozone(city: City, actor: User, slug: str, name: str) -> Geozone:
    slug, name = (slug or "").strip().lower(), (name or "").strip()
    if not SLUG_RE.match(slug) or len(slug) > 64:
        raise DomainError(_("Use lowercase letters, digits and hyphens, like north-district."),
                          field="slug")
    if not name or len(name) > 120:
        raise DomainError(_("Enter a name of up to 120 characters."), field="name")
    if db.session.scalar(select(Geozone.id).where(Geozone.space_id == city.id,
                                                  Geozone.slug == slug)):
        raise DomainError(_("Another geozone of this city has this short name."), field="slug")
    position = db.session.scalar(select(func.coalesce(func.max(Geozone.position), -1))
                                 .where(Geozone.space_id == city.id)) + 1
    geozone = Geozone(space_id=city.id, slug=slug, name=name, position=position)
    db.session.add(geozone)
    db.session.flush()
    _manage_geozones_here(city, actor)
    record(actor, city.id, "admin.geozone_create", object_type="geozone",
           object_id=geozone.id, before=None, after={"slug": slug, "name": name})
    db.session.commit()
    return geozone


def rename_geozone(city: City, actor: User, geozone: Geozone, name: str) -> None:
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise DomainError(_("Enter a name of up to 120 characters."), field="name")
    if name == geozone.name:
        return
    before, geozone.name = geozone.name, name
    _manage_geozones_here(city, actor)
    record(actor, city.id, "admin.geozone_rename", object_type="geozone",
           object_id=geozone.id, before=before, after=name)
    db.session.commit()


def move_geozone(city: City, actor: User, geozone: Geozone, direction: str) -> None:
    """Swap with the neighbour above ("up") or below ("down"); positions renumbered 0..n."""
    zones = list(db.session.scalars(select(Geozone).where(Geozone.space_id == city.id)
                                    .order_by(Geozone.position, Geozone.id)))
    index = zones.index(geozone)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(zones):
        return
    before = [z.slug for z in zones]
    zones[index], zones[other] = zones[other], zones[index]
    for position, zone in enumerate(zones):
        zone.position = position
    _manage_geozones_here(city, actor)
    record(actor, city.id, "admin.geozone_move", object_type="geozone", object_id=geozone.id,
           before=before, after=[z.slug for z in zones])
    db.session.commit()


def geozone_uses(geozone: Geozone) -> int:
    """Rows of any module that point at the geozone (found through the foreign keys, so a new
    module's table counts without being named here)."""
    total = 0
    for table in db.metadata.sorted_tables:
        for foreign_key in table.foreign_keys:
            if foreign_key.column.table.name == Geozone.__tablename__:
                total += db.session.scalar(select(func.count()).select_from(table)
                                           .where(foreign_key.parent == geozone.id)) or 0
    return total


def delete_geozone(city: City, actor: User, geozone: Geozone) -> None:
    uses = geozone_uses(geozone)
    if uses:
        raise DomainError(_("“%(name)s” cannot be deleted: %(count)s published items or "
                            "records use it. Rename it instead, or move them to another "
                            "geozone first.", name=geozone.name, count=uses))
    record(actor, city.id, "admin.geozone_delete", object_type="geozone",
           object_id=geozone.id, before={"slug": geozone.slug, "name": geozone.name},
           after=None)
    db.session.delete(geozone)
    db.session.flush()
    # Close the gap the deleted row leaves in the order.
    remaining = db.session.scalars(select(Geozone).where(Geozone.space_id == city.id)
                                   .order_by(Geozone.position, Geozone.id))
    for position, zone in enumerate(remaining):
        zone.position = position
    _manage_geozones_here(city, actor)
    db.session.commit()


# -- roles -----------------------------------------------------------------------------------

def audit_role_grant(space: Space, actor: User, user: User, role: str, position: str | None,
                     level: int | None) -> None:
    """Add the audit event of a grant to the session; the grant's commit stores both."""
    existing = db.session.scalar(select(RoleAssignment).where(
        RoleAssignment.user_id == user.id, RoleAssignment.space_id == space.id,
        RoleAssignment.role == role))
    before = None if existing is None else {
        "role": role, "position": existing.official_position, "level": existing.official_level}
    record(actor, space.id, "admin.role_grant", object_type="user", object_id=user.id,
           username=user.username, before=before,
           after={"role": role, "position": position if role == "official" else None,
                  "level": level if role == "official" else None})


def audit_role_revoke(assignment: RoleAssignment, actor: User) -> None:
    record(actor, assignment.space_id, "admin.role_revoke", object_type="user",
           object_id=assignment.user_id, username=assignment.user.username,
           before={"role": assignment.role, "position": assignment.official_position,
                   "level": assignment.official_level}, after=None)

