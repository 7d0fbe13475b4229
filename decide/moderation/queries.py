"""Reads for the moderation queues: which targets can be moderated in a space, and one page of
a queue with what the page shows, in a fixed number of queries whatever the queue's size."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, exists, false, func, select

from decide.accounts.models import User
from decide.core.content import Hideable
from decide.core.modules import Module, Target, registry
from decide.core.pagination import Page, paginate
from decide.extensions import db
from decide.moderation.models import AccountBlock, Flag, Hiding

PER_PAGE = 20

# Queue filters: flags waiting for a decision, everything ever flagged, flags a moderator
# dismissed (resolved without hiding), hidden items.
STATUSES = {
    "pending": _l("Pending"),
    "all": _l("All flagged"),
    "ignored": _l("Ignored"),
    "hidden": _l("Hidden"),
}
ORDERS = {"flags": _l("Most flags"), "date": _l("Latest flag")}
# Modules that serve every space but have no tab label of their own name their targets here.
_SHARED_LABELS = {"comments": _l("Comments")}


@dataclass(frozen=True)
class QueueTarget:
    """A target type whose items moderators hide: its declaration and its tab's label."""

    target: Target
    module: Module
    label: Any

    @property
    def name(self) -> str:
        return self.target.name

    @property
    def model(self) -> Any:
        return self.target.model

    @property
    def has_author(self) -> bool:
        return hasattr(self.target.model, "author_id")


def _label(target: Target, module: Module) -> Any:
    # A label on the target itself wins (a module declaring several targets may give one).
    return (getattr(target, "label", None) or module.label or _SHARED_LABELS.get(module.name)
            or target.name.replace("_", " ").capitalize())


def all_hideable() -> list[QueueTarget]:
    """Every declared target whose model is Hideable: the space modules' content first (in
    the factory's order, as in the space bar), then what shared modules add (comments)."""
    found = [QueueTarget(target, module, _label(target, module))
             for module in registry for target in module.targets
             if isinstance(target.model, type) and issubclass(target.model, Hideable)]
    return sorted(found, key=lambda queue: not queue.module.space_module)


def queue_targets(space: Any) -> list[QueueTarget]:
    """The hideable targets of the modules `space` uses (shared modules serve every space)."""
    return [t for t in all_hideable()
            if not t.module.space_module or space.has_module(t.module.name)]


def queue_target(space: Any, name: str) -> QueueTarget | None:
    return next((t for t in queue_targets(space) if t.name == name), None)


def _flag_totals(space: Any, target_type: str) -> Any:
    """Per flagged item of the space: all flags, unresolved flags, the latest flag's date."""
    return (select(Flag.target_id.label("item_id"),
                   func.count(Flag.id).label("flags"),
                   func.count(Flag.id).filter(Flag.resolved_at.is_(None)).label("pending"),
                   func.max(Flag.created_at).label("latest"))
            .where(Flag.space_id == space.id, Flag.target_type == target_type)
            .group_by(Flag.target_id)
            .subquery("flag_totals"))


def queue_statement(space: Any, queue: QueueTarget, status: str, order: str) -> Select:
    """Rows (item, flags, pending, latest flag) of one queue, ordered."""
    model = queue.model
    totals = _flag_totals(space, queue.name)
    flags = func.coalesce(totals.c.flags, 0)
    pending = func.coalesce(totals.c.pending, 0)
    statement = (select(model, flags.label("flags"), pending.label("pending"),
                        totals.c.latest.label("latest"))
                 .where(model.space_id == space.id))
    if status == "hidden":
        statement = statement.outerjoin(totals, totals.c.item_id == model.id).where(
            model.hidden_at.is_not(None))
        moment = func.coalesce(totals.c.latest, model.hidden_at)
    else:
        statement = statement.join(totals, totals.c.item_id == model.id)
        moment = totals.c.latest
        if status == "pending":
            statement = statement.where(totals.c.pending > 0, model.hidden_at.is_(None))
        elif status == "ignored":
            statement = statement.where(totals.c.pending == 0, model.hidden_at.is_(None))
    if status == "hidden" and order == "date":
        moment = model.hidden_at
    if order == "flags":
        return statement.order_by(flags.desc(), moment.desc(), model.id.desc())
    return statement.order_by(moment.desc(), model.id.desc())


@dataclass
class QueueRow:
    item: Any
    flags: int
    pending: int
    latest: datetime | None
    author: User | None = None
    reasons: list[tuple[str, int]] = field(default_factory=list)
    hiding: Hiding | None = None
    author_blocked: bool = False


def queue_page(space: Any, queue: QueueTarget, status: str, order: str, page: int,
               per_page: int = PER_PAGE) -> Page:
    """One page of a queue (items as QueueRow): a COUNT, the page, then one query each for the
    flag reasons, the authors, their blocks and the hide decisions of the page's items."""
    result = paginate(queue_statement(space, queue, status, order), page, per_page,
                      scalars=False)
    rows = [QueueRow(item=r[0], flags=r.flags, pending=r.pending, latest=r.latest)
            for r in result.items]
    ids = [row.item.id for row in rows]
    if ids:
        reasons = _reasons(queue.name, ids)
        hidings = _latest_hidings(queue.name, ids)
        authors, blocked = _authors(rows) if queue.has_author else ({}, set())
        for row in rows:
            row.reasons = reasons.get(row.item.id, [])
            row.hiding = hidings.get(row.item.id)
            author_id = getattr(row.item, "author_id", None)
            row.author = authors.get(author_id)
            row.author_blocked = author_id in blocked
    return Page(items=rows, total=result.total, page=result.page, per_page=result.per_page)


def _reasons(target_type: str, ids: list[int]) -> dict[int, list[tuple[str, int]]]:
    """Flag reasons with their counts per item, most frequent first."""
    found: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for item_id, reason, count in db.session.execute(
            select(Flag.target_id, Flag.reason, func.count(Flag.id))
            .where(Flag.target_type == target_type, Flag.target_id.in_(ids))
            .group_by(Flag.target_id, Flag.reason)
            .order_by(Flag.target_id, func.count(Flag.id).desc(), Flag.reason)):
        found[item_id].append((reason, count))
    return found


def _latest_hidings(target_type: str, ids: list[int]) -> dict[int, Hiding]:
    """The hide decision in force for each hidden item (the newest one not undone)."""
    found: dict[int, Hiding] = {}
    for hiding in db.session.scalars(
            select(Hiding).where(Hiding.target_type == target_type, Hiding.target_id.in_(ids),
                                 Hiding.restored_at.is_(None))
            .order_by(Hiding.id)):
        found[hiding.target_id] = hiding
    return found


def _authors(rows: list[QueueRow]) -> tuple[dict[int, User], set[int]]:
    author_ids = {row.item.author_id for row in rows if row.item.author_id is not None}
    if not author_ids:
        return {}, set()
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(author_ids)))}
    blocked = set(db.session.scalars(
        select(AccountBlock.user_id).where(AccountBlock.user_id.in_(author_ids))))
    return users, blocked


def pending_counts(space: Any, queues: list[QueueTarget]) -> dict[str, int]:
    """Items waiting for a decision per target type: one query per type (a handful)."""
    counts = {}
    for queue in queues:
        totals = _flag_totals(space, queue.name)
        counts[queue.name] = db.session.scalar(
            select(func.count()).select_from(queue.model)
            .join(totals, totals.c.item_id == queue.model.id)
            .where(queue.model.space_id == space.id, totals.c.pending > 0,
                   queue.model.hidden_at.is_(None))) or 0
    return counts


def items_in_space(space: Any, queue: QueueTarget, ids: list[int]) -> list[Any]:
    """The items with these ids, all of this space, or None when any is missing or of
    another space (the caller refuses the whole request)."""
    unique = sorted(set(ids))
    items = list(db.session.scalars(
        select(queue.model).where(queue.model.space_id == space.id,
                                  queue.model.id.in_(unique)).order_by(queue.model.id)))
    return items if len(items) == len(unique) else []


def unresolved_reasons(target_type: str, ids: list[int]) -> dict[int, dict[str, int]]:
    """Per item, the reasons of its unresolved flags with their counts (why it is hidden)."""
    found: dict[int, dict[str, int]] = defaultdict(dict)
    for item_id, reason, count in db.session.execute(
            select(Flag.target_id, Flag.reason, func.count(Flag.id))
            .where(Flag.target_type == target_type, Flag.target_id.in_(ids),
                   Flag.resolved_at.is_(None))
            .group_by(Flag.target_id, Flag.reason)):
        found[item_id][reason] = count
    return found


def is_blocked(user_id: int) -> bool:
    return db.session.scalar(
        select(AccountBlock.id).where(AccountBlock.user_id == user_id)) is not None


def authored_in_space(space: Any, user_ids: set[int]) -> set[int]:
    """Which of `user_ids` wrote something (of a hideable kind) in `space`."""
    found: set[int] = set()
    for queue in all_hideable():
        if not queue.has_author or not user_ids - found:
            continue
        model = queue.model
        found |= set(db.session.scalars(
            select(model.author_id).distinct()
            .where(model.space_id == space.id, model.author_id.in_(user_ids - found))))
    return found


def content_counts(user_id: int) -> dict[str, int]:
    """How many visible items of each kind an author has, in every space (what blocking
    would hide)."""
    counts = {}
    for queue in all_hideable():
        if not queue.has_author:
            continue
        model = queue.model
        count = db.session.scalar(select(func.count()).select_from(model).where(
            model.author_id == user_id, model.hidden_at.is_(None))) or 0
        if count:
            counts[queue.name] = count
    return counts


def users_by_id(user_ids: list[int]) -> list[User]:
    return list(db.session.scalars(select(User).where(User.id.in_(set(user_ids)))
                                   .order_by(User.username_lower)))


def hidden_for_author(space: Any, user_id: int, page: int, per_page: int = PER_PAGE) -> Page:
    """An author's content hidden in `space` (still hidden), newest first, each Hiding with
    its item loaded (`hiding.item`): a COUNT, the page, one query per kind on the page."""
    result = paginate(select(Hiding).where(Hiding.space_id == space.id,
                                           Hiding.author_id == user_id,
                                           Hiding.restored_at.is_(None))
                      .order_by(Hiding.created_at.desc(), Hiding.id.desc()), page, per_page)
    by_type: dict[str, list[int]] = defaultdict(list)
    for hiding in result.items:
        by_type[hiding.target_type].append(hiding.target_id)
    models = {q.name: q.model for q in all_hideable()}
    items: dict[tuple[str, int], Any] = {}
    for target_type, ids in by_type.items():
        model = models.get(target_type)
        if model is None:
            continue
        for item in db.session.scalars(select(model).where(model.space_id == space.id,
                                                           model.id.in_(ids))):
            items[(target_type, item.id)] = item
    for hiding in result.items:
        hiding.item = items.get((hiding.target_type, hiding.target_id))
    result.items = [h for h in result.items if h.item is not None and h.item.is_hidden]
    return result


def flagged_by_column(user: Any, target_type: str, target_id: Any) -> ColumnElement[bool]:
    """Whether `user` flagged the item, as a column of another module's query over it (whose
    id column is `target_id`): the page reads it with the item, in one statement."""
    if user is None or not user.is_authenticated:
        return false()
    return exists().where(Flag.target_type == target_type, Flag.target_id == target_id,
                          Flag.user_id == user.id)
