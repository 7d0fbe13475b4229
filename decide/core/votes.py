"""One person, one choice, on one item: the vote and support core every module uses.

A module describes its rule once (`VoteRule`: its vote table, the item it counts on, the
choices and the counter each one moves) and calls `cast()` / `withdraw()`. The core:

- locks the item (PostgreSQL: SELECT ... FOR UPDATE; SQLite: the database's write lock), so
  that checks that read counters (caps, limits) see every committed vote;
- keeps one vote per person in the schema (a unique constraint on the vote table) and turns a
  concurrent duplicate into a refusal, not an error;
- changes counters in SQL (`n = n + 1`) in the same transaction as the vote row;
- keeps counts per voter's city when the item belongs to an alliance (`vote_city_counts`);
- calls the module's rescore hook with the fresh counters, then commits.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Integer, PrimaryKeyConstraint, String, select, update
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.orm.attributes import set_committed_value

from decide.core.db import commit_unique, locked, upsert_insert
from decide.core.errors import DomainError
from decide.extensions import db


class VoteCityCount(db.Model):
    """Votes or supports on one item from the residents of one city, per choice (alliances)."""

    __tablename__ = "vote_city_counts"
    __table_args__ = (PrimaryKeyConstraint("target_type", "target_id", "city_id", "choice"),)

    target_type: Mapped[str] = mapped_column(String(16), nullable=False)
    target_id: Mapped[int] = mapped_column(Integer, nullable=False)
    city_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"),
                                         nullable=False)
    choice: Mapped[str] = mapped_column(String(16), nullable=False)
    count: Mapped[int] = mapped_column(default=0, nullable=False)


@dataclass(frozen=True)
class VoteRule:
    """How one kind of vote is stored and counted."""

    target_type: str               # the item's target name ("debate")
    vote_model: type               # one row per (item, person)
    item_model: type               # the item, with its counter columns
    item_key: str                  # the vote model's column holding the item's id
    value_column: str              # the vote model's column holding the choice
    choices: Mapping[str, Any]     # choice -> stored value
    counters: Mapping[str, str]    # choice -> the item's counter column
    changeable: bool = True        # a person may switch to another choice
    # Counts per voter's city in alliances; the vote model then has `voter_city_id`.
    per_city: bool = False
    # Extra columns of the vote row from the voter, e.g. {"verified": fn(user)}.
    voter_columns: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)
    # Called on the locked item before a new vote: raise DomainError to refuse it.
    check_new: Callable[[Any, Any], None] | None = None
    # Extra counters a new vote moves, e.g. {"votes_unverified": fn(user) -> 0 or 1}.
    new_vote_counters: Mapping[str, Callable[[Any], int]] = field(default_factory=dict)
    # Called with (voter, item) after a new vote's row, inside the transaction (e.g. follow).
    after_new: Callable[[Any, Any], None] | None = None
    # Recomputes rankings from the fresh counters (inside the transaction).
    rescore: Callable[[Any], None] | None = None
    duplicate_message: Any = _l("Your vote was already counted.")

    def choice_of(self, stored: Any) -> str:
        return next(choice for choice, value in self.choices.items() if value == stored)


def _counter_update(model: type, item_id: int, deltas: Mapping[str, int]) -> Any:
    """UPDATE adding `deltas` to counter columns in SQL (never read-modify-write in Python),
    or None when nothing moves."""
    changes = {column: getattr(model, column) + delta
               for column, delta in deltas.items() if delta}
    if not changes:
        return None
    return (update(model).where(model.id == item_id).values(changes)
            .execution_options(synchronize_session=False))


def _bump(model: type, item_id: int, deltas: Mapping[str, int]) -> None:
    statement = _counter_update(model, item_id, deltas)
    if statement is not None:
        db.session.execute(statement)


def _bump_city(rule: VoteRule, item_id: int, city_id: int | None, choice: str,
               delta: int) -> None:
    if city_id is None or not delta:
        return
    table = VoteCityCount.__table__
    statement = upsert_insert(table).values(target_type=rule.target_type, target_id=item_id,
                                     city_id=city_id, choice=choice, count=delta)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=["target_type", "target_id", "city_id", "choice"],
        set_={"count": table.c.count + delta}))


def _voter_city(user: Any, item: Any) -> int | None:
    """The voter's city of residence when the item belongs to an alliance."""
    space = getattr(item, "space", None)
    if space is None or not space.is_alliance or user.residence is None:
        return None
    return int(user.residence.city_id)


def _bump_and_read(rule: VoteRule, item: Any, deltas: Mapping[str, int]) -> None:
    """`_bump` and the item's fresh counters in one statement (UPDATE ... RETURNING), set on
    the item as loaded values: the rescore hook and the page then read them without a query."""
    names = sorted(set(rule.counters.values()) | set(rule.new_vote_counters))
    model = rule.item_model
    statement = _counter_update(model, item.id, deltas)
    if statement is None:
        db.session.refresh(item, attribute_names=names)
        return
    row = db.session.execute(
        statement.returning(*(getattr(model, name) for name in names))).one()
    for name, value in zip(names, row, strict=True):
        set_committed_value(item, name, value)


def cast(rule: VoteRule, user: Any, space: Any, item_id: int, choice: str,
         check: Callable[[Any], None] | None = None) -> tuple[Any, bool]:
    """Record `user`'s `choice` on the item; returns (item, changed). One transaction.

    `check(item)` runs on the locked item first (may the person vote on it at all?).
    Raises DomainError (refused: the checks, an unchangeable vote, a concurrent duplicate)."""
    if choice not in rule.choices:
        raise DomainError(str(_l("Choose one of the options.")), status=400)
    item = locked(rule.item_model, item_id, space)
    if check is not None:
        check(item)
    vote_model = rule.vote_model
    key = getattr(vote_model, rule.item_key)
    existing = db.session.scalar(select(vote_model).where(key == item.id,
                                                          vote_model.user_id == user.id))
    stored = rule.choices[choice]
    deltas: dict[str, int] = {}
    if existing is None:
        if rule.check_new is not None:
            rule.check_new(user, item)
        city_id = _voter_city(user, item) if rule.per_city else None
        columns = {rule.item_key: item.id, "user_id": user.id, rule.value_column: stored,
                   **{name: build(user) for name, build in rule.voter_columns.items()}}
        if rule.per_city:
            columns["voter_city_id"] = city_id
        db.session.add(vote_model(**columns))
        deltas[rule.counters[choice]] = 1
        for column, count in rule.new_vote_counters.items():
            deltas[column] = deltas.get(column, 0) + count(user)
        _bump_city(rule, item.id, city_id, choice, 1)
        if rule.after_new is not None:
            rule.after_new(user, item)
    elif getattr(existing, rule.value_column) == stored:
        db.session.rollback()
        return item, False
    else:
        if not rule.changeable:
            raise DomainError(str(_l("Your choice cannot be changed.")), status=409)
        previous = rule.choice_of(getattr(existing, rule.value_column))
        setattr(existing, rule.value_column, stored)
        deltas[rule.counters[choice]] = 1
        deltas[rule.counters[previous]] = deltas.get(rule.counters[previous], 0) - 1
        city_id = getattr(existing, "voter_city_id", None) if rule.per_city else None
        _bump_city(rule, item.id, city_id, previous, -1)
        _bump_city(rule, item.id, city_id, choice, 1)
    db.session.flush()
    _bump_and_read(rule, item, deltas)
    if rule.rescore is not None:
        rule.rescore(item)
    commit_unique(rule.duplicate_message)
    return item, True


def withdraw(rule: VoteRule, user: Any, space: Any, item_id: int) -> tuple[Any, bool]:
    """Remove `user`'s vote on the item, if any; returns (item, changed). One transaction."""
    item = locked(rule.item_model, item_id, space)
    vote_model = rule.vote_model
    key = getattr(vote_model, rule.item_key)
    existing = db.session.scalar(select(vote_model).where(key == item.id,
                                                          vote_model.user_id == user.id))
    if existing is None:
        db.session.rollback()
        return item, False
    choice = rule.choice_of(getattr(existing, rule.value_column))
    city_id = getattr(existing, "voter_city_id", None) if rule.per_city else None
    db.session.delete(existing)
    db.session.flush()
    _bump_city(rule, item.id, city_id, choice, -1)
    _bump_and_read(rule, item, {rule.counters[choice]: -1})
    if rule.rescore is not None:
        rule.rescore(item)
    db.session.commit()
    return item, True


def choices_of(rule: VoteRule, user: Any, item_ids: list[int]) -> dict[int, str]:
    """The person's choice on each of `item_ids` (one query), for pages that show them."""
    if user is None or not user.is_authenticated or not item_ids:
        return {}
    vote_model = rule.vote_model
    key = getattr(vote_model, rule.item_key)
    rows = db.session.execute(select(key, getattr(vote_model, rule.value_column)).where(
        key.in_(item_ids), vote_model.user_id == user.id)).all()
    return {item_id: rule.choice_of(value) for item_id, value in rows}


def city_counts(rule: VoteRule, item_id: int) -> dict[int, dict[str, int]]:
    """city id -> choice -> count, for the per-city breakdown of an alliance item."""
    result: dict[int, dict[str, int]] = {}
    for city_id, choice, count in db.session.execute(
            select(VoteCityCount.city_id, VoteCityCount.choice, VoteCityCount.count).where(
                VoteCityCount.target_type == rule.target_type,
                VoteCityCount.target_id == item_id, VoteCityCount.count != 0)):
        result.setdefault(city_id, {})[choice] = count
    return result


def bump_counters(model: type, item_id: int, **deltas: int) -> None:
    """Counters other use cases move (comments, replies, followers): in SQL, in the caller's
    transaction."""
    _bump(model, item_id, deltas)
