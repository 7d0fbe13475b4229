"""Pure helpers about a budget's phases: their order, the next and previous enabled phase, and
the checks an administrator's change must pass. No web or database code: the services and the
pages call these with plain values (phase kinds, dates, flags)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from decide.budgets.models import PHASES

# The allocation rule, the voting style and the money shown decide how ballots are counted:
# once balloting starts they stay as they are (changing them would change what people voted
# under).
BALLOTING = "balloting"


def position(kind: str) -> int:
    """Where `kind` comes in the order of phases; ValueError for an unknown kind."""
    return PHASES.index(kind)


def is_phase(kind: str) -> bool:
    return kind in PHASES


def ordered(kinds: Iterable[str]) -> list[str]:
    """`kinds` in the order phases happen (unknown kinds are dropped)."""
    wanted = set(kinds)
    return [kind for kind in PHASES if kind in wanted]


def next_enabled(current: str, enabled: Iterable[str]) -> str | None:
    """The first enabled phase after `current`, or None when it is the last one."""
    allowed = set(enabled)
    return next((kind for kind in PHASES[position(current) + 1:] if kind in allowed), None)


def previous_enabled(current: str, enabled: Iterable[str]) -> str | None:
    """The last enabled phase before `current`, or None when it is the first one."""
    allowed = set(enabled)
    return next((kind for kind in reversed(PHASES[:position(current)]) if kind in allowed), None)


def before_balloting(kind: str) -> bool:
    """True while ballots cannot exist yet: the rule and voting style may still change."""
    return position(kind) < position(BALLOTING)


def dates_problem(starts_on: date | None, ends_on: date | None) -> str | None:
    """"end_before_start" when the phase would end before it starts, else None (either date
    may be missing: a phase may be open-ended)."""
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        return "end_before_start"
    return None


def move_problem(current: str, target: str, enabled: Iterable[str]) -> str | None:
    """Why the budget cannot move from `current` to `target`: "unknown", "same" or
    "disabled"; None when the move is allowed. Administrators may move forwards or back (to
    correct a mistake), but only into an enabled phase."""
    if not is_phase(target):
        return "unknown"
    if target == current:
        return "same"
    if target not in set(enabled):
        return "disabled"
    return None


def disable_problem(kind: str, current: str, enabled_after: Iterable[str]) -> str | None:
    """Why phase `kind` cannot be switched off: "current" (the budget is in it) or "last"
    (a budget needs at least one enabled phase); None when it can."""
    if kind == current:
        return "current"
    if not set(enabled_after):
        return "last"
    return None
