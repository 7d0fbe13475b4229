"""What the dashboard counts, found through the module registry: it names no content module.

A figure is a list of sources; each source is a SELECT of two columns, `at` (when something
happened, aware UTC) and `grp` (the geozone in a city, the member city in an alliance, or
NULL). The dashboard counts a figure's sources together in one GROUP BY query.

- accounts: people whose home city is the city (or a member city of the alliance);
- verified residents: residences verified in that city (or a member city);
- one figure per declared content target whose model has `space_id` and `created_at`
  (debates, proposals, comments, budget projects... whatever modules declare), hidden items
  left out; grouped by the item's geozone, or in an alliance by its author's home city;
- supports and votes: every per-city vote table (the vote core's convention: a `voter_city_id`
  column beside `user_id` and `created_at`) on items of the space; grouped by the item's
  geozone, or in an alliance by the voter's city of residence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, null, select
from sqlalchemy.orm import Mapper

from decide.accounts.models import Residence, User
from decide.cities.models import AllianceMembership
from decide.core.modules import registry
from decide.extensions import db

# Labels of the figures the dashboard defines itself; content figures take their module's.
ACCOUNTS_LABEL = _l("Accounts")
RESIDENTS_LABEL = _l("Verified residents")
VOTES_LABEL = _l("Supports and votes")
# Shared modules have no tab label: the few whose targets are participation get one here.
SHARED_TARGET_LABELS = {"comment": _l("Comments")}


@dataclass(frozen=True)
class Figure:
    key: str
    label: Any
    # (space) -> the SELECTs of (at, grp) that make the figure.
    sources: Callable[[Any], list[Select[Any]]]
    # What `grp` means, to name the breakdown: "geozone", "city" or None (no breakdown).
    grouped_by: Callable[[Any], str | None]


def _member_cities(space: Any) -> Select[Any]:
    return select(AllianceMembership.city_id).where(AllianceMembership.alliance_id == space.id)


def _accounts(space: Any) -> list[Select[Any]]:
    query = select(User.created_at.label("at"),
                   (User.home_city_id if space.is_alliance else null()).label("grp"))
    query = query.where(User.deleted_at.is_(None))
    if space.is_city:
        return [query.where(User.home_city_id == space.id)]
    return [query.where(User.home_city_id.in_(_member_cities(space)))]


def _residents(space: Any) -> list[Select[Any]]:
    query = select(Residence.verified_at.label("at"),
                   (Residence.city_id if space.is_alliance else null()).label("grp"))
    if space.is_city:
        return [query.where(Residence.city_id == space.id)]
    return [query.where(Residence.city_id.in_(_member_cities(space)))]


def _columns(model: type) -> set[str]:
    return set(model.__table__.columns.keys())  # type: ignore[attr-defined]


def _content_sources(model: type) -> Callable[[Any], list[Select[Any]]]:
    columns = _columns(model)

    def sources(space: Any) -> list[Select[Any]]:
        table: Any = model
        if space.is_alliance and "author_id" in columns:
            # Alliances: by the author's home city (their residence is not kept per item).
            query = select(table.created_at.label("at"), User.home_city_id.label("grp")) \
                .join(User, User.id == table.author_id)
        elif space.is_city and "geozone_id" in columns:
            query = select(table.created_at.label("at"), table.geozone_id.label("grp"))
        else:
            query = select(table.created_at.label("at"), null().label("grp"))
        query = query.where(table.space_id == space.id)
        if "hidden_at" in columns:
            query = query.where(table.hidden_at.is_(None))
        return [query]

    return sources


def _content_grouping(model: type) -> Callable[[Any], str | None]:
    columns = _columns(model)

    def grouped_by(space: Any) -> str | None:
        if space.is_alliance:
            return "city" if "author_id" in columns else None
        return "geozone" if "geozone_id" in columns else None

    return grouped_by


@dataclass(frozen=True)
class VoteTable:
    vote: type
    item: type
    item_key: Any  # the vote's column referring to the item


def vote_tables() -> list[VoteTable]:
    """Per-city vote tables of items that belong to a space, from the mapped models."""
    by_table = {mapper.local_table.name: mapper.class_
                for mapper in db.Model.registry.mappers if isinstance(mapper, Mapper)}
    found = []
    for mapper in sorted(db.Model.registry.mappers, key=lambda m: m.class_.__name__):
        table = mapper.local_table
        if not {"voter_city_id", "user_id", "created_at"} <= set(table.columns.keys()):
            continue
        for column in table.columns:
            if column.name == "voter_city_id":
                continue
            for key in column.foreign_keys:
                item = by_table.get(key.column.table.name)
                if item is not None and "space_id" in _columns(item):
                    found.append(VoteTable(mapper.class_, item, getattr(mapper.class_,
                                                                        column.key)))
    return found


def _vote_sources(space: Any) -> list[Select[Any]]:
    sources = []
    for table in vote_tables():
        vote: Any = table.vote
        item: Any = table.item
        if space.is_alliance:
            grp = vote.voter_city_id
        elif "geozone_id" in _columns(item):
            grp = item.geozone_id
        else:
            grp = null()
        sources.append(select(vote.created_at.label("at"), grp.label("grp"))
                       .join(item, item.id == table.item_key)
                       .where(item.space_id == space.id))
    return sources


def _vote_grouping(space: Any) -> str | None:
    return "city" if space.is_alliance else "geozone"


def figures_for(space: Any) -> list[Figure]:
    """The figures of `space`'s dashboard, in a stable order."""
    found = [
        Figure("accounts", ACCOUNTS_LABEL, _accounts,
               lambda space: "city" if space.is_alliance else None),
        Figure("residents", RESIDENTS_LABEL, _residents,
               lambda space: "city" if space.is_alliance else None),
    ]
    for module in registry:
        if module.space_module and not space.has_module(module.name):
            continue
        for target in module.targets:
            columns = _columns(target.model)
            if not {"space_id", "created_at"} <= columns:
                continue
            label = module.label or SHARED_TARGET_LABELS.get(target.name)
            if not label:
                continue
            found.append(Figure(target.name, label, _content_sources(target.model),
                                _content_grouping(target.model)))
    if vote_tables():
        found.append(Figure("votes", VOTES_LABEL, _vote_sources, _vote_grouping))
    return found


def figure_for(space: Any, key: str) -> Figure | None:
    return next((figure for figure in figures_for(space) if figure.key == key), None)

