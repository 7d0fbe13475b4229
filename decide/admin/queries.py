"""Reads for the admin pages."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from decide.accounts.models import Residence, RoleAssignment, User
from decide.admin.models import SpaceLogo
from decide.cities.models import AllianceMembership, Geozone, Space
from decide.core.db import in_space
from decide.core.modules import registry
from decide.core.settings import SETTING_OWNERS, SPACE_SETTINGS, SettingSpec
from decide.extensions import db

GENERAL = _l("General")


def role_assignments(space: Space) -> Sequence[RoleAssignment]:
    return db.session.scalars(
        in_space(RoleAssignment, space)
        .options(joinedload(RoleAssignment.user))
        .order_by(RoleAssignment.role, RoleAssignment.id)
    ).all()


def resident_count(space: Space) -> int:
    if space.is_city:
        condition = Residence.city_id == space.id
    else:
        members = select(AllianceMembership.city_id).where(
            AllianceMembership.alliance_id == space.id)
        condition = Residence.city_id.in_(members)
    return db.session.scalar(select(func.count(Residence.id)).where(condition)) or 0


@dataclass
class Origin:
    """Where a value in force comes from: "override" (with who and when), "file" or
    "default"."""

    source: str
    by: User | None = None
    at: datetime | None = None


def override_authors(space: Space) -> dict[int, User]:
    """The accounts that changed this space's overrides (one query)."""
    ids = {entry.get("by") for entry in (space.overrides or {}).values()
           if isinstance(entry, dict) and isinstance(entry.get("by"), int)}
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}


def origin(space: Space, key: str, in_file: bool, authors: dict[int, User]) -> Origin:
    entry = space.override(key)
    if entry is None:
        return Origin("file" if in_file else "default")
    at = None
    with contextlib.suppress(TypeError, ValueError):
        at = datetime.fromisoformat(entry.get("at", ""))
    return Origin("override", authors.get(entry.get("by")), at)


@dataclass
class SettingRow:
    spec: SettingSpec
    value: Any
    file_value: Any
    origin: Origin
    typed: str  # what the input shows: the value in force, or what was typed
    error: str | None = None


@dataclass
class SettingGroup:
    label: Any
    enabled: bool
    rows: list[SettingRow] = field(default_factory=list)


def as_input(spec: SettingSpec, value: Any) -> str:
    if spec.type is bool:
        return "true" if value else "false"
    return "" if value is None else str(value)


def setting_groups(space: Space, typed: dict[str, str] | None = None,
                   errors: dict[str, str] | None = None) -> list[SettingGroup]:
    """Every declared setting, grouped by the module that declares it (modules with a label
    by their label, the others together under "General"), those of modules the space does not
    enable last."""
    typed, errors = typed or {}, errors or {}
    authors = override_authors(space)
    groups: dict[str, SettingGroup] = {}
    for key, spec in SPACE_SETTINGS.items():
        module = registry.get(SETTING_OWNERS.get(key, ""))
        labelled = module is not None and bool(module.label)
        group_key = module.name if labelled and module is not None else ""
        if group_key not in groups:
            enabled = not (module is not None and module.space_module
                           and not space.has_module(module.name))
            groups[group_key] = SettingGroup(module.label if labelled and module else GENERAL,
                                             enabled)
        value = space.setting(key)
        groups[group_key].rows.append(SettingRow(
            spec=spec, value=value, file_value=space.settings.get(key, spec.default),
            origin=origin(space, f"settings.{key}", key in (space.settings or {}), authors),
            typed=typed.get(key, as_input(spec, value)), error=errors.get(key)))
    general = groups.pop("", None)
    ordered = ([general] if general else []) + list(groups.values())
    return sorted(ordered, key=lambda g: not g.enabled)


def current_logo(space: Space) -> SpaceLogo | None:
    entry = space.override("theme.logo")
    if entry is None:
        return None
    return db.session.scalar(in_space(SpaceLogo, space).where(SpaceLogo.id == entry["value"]))


def geozones(space: Space) -> list[tuple[Geozone, int]]:
    """The city's geozones in order, each with how many rows use it (one query per table that
    points at geozones, whatever the number of geozones)."""
    zones = list(db.session.scalars(in_space(Geozone, space)
                                    .order_by(Geozone.position, Geozone.id)))
    uses: dict[int, int] = {}
    if zones:
        ids = [z.id for z in zones]
        for table in db.metadata.sorted_tables:
            for foreign_key in table.foreign_keys:
                if foreign_key.column.table.name != Geozone.__tablename__:
                    continue
                rows = db.session.execute(
                    select(foreign_key.parent, func.count()).where(foreign_key.parent.in_(ids))
                    .group_by(foreign_key.parent))
                for geozone_id, count in rows:
                    uses[geozone_id] = uses.get(geozone_id, 0) + count
    return [(zone, uses.get(zone.id, 0)) for zone in zones]


# -- links from the audit trail to what its events name ------------------------------------

def user_links(ids: list[int], space: Space | None) -> dict[int, str]:
    users = db.session.execute(select(User.id, User.username).where(
        User.id.in_(ids), User.deleted_at.is_(None)))
    return {uid: url_for("accounts.profile", username=name) for uid, name in users}


def geozone_links(ids: list[int], space: Space | None) -> dict[int, str]:
    statement = select(Geozone.id, Space).join(Space, Space.id == Geozone.space_id).where(
        Geozone.id.in_(ids))
    if space is not None:
        statement = statement.where(Geozone.space_id == space.id)
    return {gid: url_for("admin.geozones", space=owner) + f"#geozone-{gid}"
            for gid, owner in db.session.execute(statement)}


def space_links(ids: list[int], space: Space | None) -> dict[int, str]:
    spaces = [space] if space is not None and space.id in ids else list(
        db.session.scalars(select(Space).where(Space.id.in_(ids))))
    return {s.id: url_for("admin.index", space=s) for s in spaces}
