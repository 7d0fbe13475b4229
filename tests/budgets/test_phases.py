"""The pure phase helpers: order, next and previous enabled phase, and the checks on dates,
moves and switching a phase off."""

from __future__ import annotations

from datetime import date

import pytest

from decide.budgets import phases
from decide.budgets.models import PHASES

ALL = list(PHASES)


def test_phases_keep_their_order():
    assert phases.ordered(["finished", "informing", "balloting", "nonsense"]) == [
        "informing", "balloting", "finished"]
    assert phases.position("informing") == 0 and phases.position("finished") == len(PHASES) - 1
    with pytest.raises(ValueError):
        phases.position("lottery")


def test_next_and_previous_enabled_phase_skip_disabled_ones():
    enabled = ["informing", "accepting", "valuating", "balloting", "finished"]
    assert phases.next_enabled("accepting", enabled) == "valuating"
    assert phases.next_enabled("reviewing", enabled) == "valuating"  # from a disabled one
    assert phases.next_enabled("finished", enabled) is None
    assert phases.previous_enabled("balloting", enabled) == "valuating"
    assert phases.previous_enabled("informing", enabled) is None
    assert phases.next_enabled("informing", ALL) == "accepting"
    assert phases.previous_enabled("finished", ALL) == "reviewing_ballots"


def test_the_rule_is_open_before_balloting_only():
    assert [p for p in PHASES if phases.before_balloting(p)] == ALL[:ALL.index("balloting")]


def test_dates():
    assert phases.dates_problem(date(2027, 3, 1), date(2027, 3, 31)) is None
    assert phases.dates_problem(date(2027, 3, 1), date(2027, 3, 1)) is None  # one day
    assert phases.dates_problem(date(2027, 3, 31), date(2027, 3, 1)) == "end_before_start"
    assert phases.dates_problem(None, date(2027, 3, 1)) is None
    assert phases.dates_problem(date(2027, 3, 1), None) is None


def test_moves():
    enabled = ["informing", "accepting", "balloting"]
    assert phases.move_problem("accepting", "balloting", enabled) is None
    assert phases.move_problem("balloting", "informing", enabled) is None  # back, to correct
    assert phases.move_problem("accepting", "accepting", enabled) == "same"
    assert phases.move_problem("accepting", "selecting", enabled) == "disabled"
    assert phases.move_problem("accepting", "lottery", enabled) == "unknown"


def test_switching_a_phase_off():
    assert phases.disable_problem("selecting", "accepting", ["accepting"]) is None
    assert phases.disable_problem("accepting", "accepting", ["selecting"]) == "current"
    assert phases.disable_problem("selecting", "accepting", []) == "last"
