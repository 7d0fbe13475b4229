"""Allocation rules on tiny instances whose outcomes were computed by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from decide.budgets import rules

# Budget 10. Votes: a 4, b 3, c 2, d 1.
COSTS = {"a": 6, "b": 5, "c": 4, "d": 1}
BALLOTS = [{"a", "b", "c", "d"}, {"a", "b"}, {"a", "b", "c"}, {"a"}]


def test_greedy_skips_projects_that_do_not_fit() -> None:
    # a (6, 4 left), b (5) skipped, c (4, 0 left), d skipped.
    assert rules.greedy_by_votes(COSTS, 10, BALLOTS) == ["a", "c"]


def test_greedy_no_skip_stops_at_the_first_project_that_does_not_fit() -> None:
    assert rules.greedy_no_skip(COSTS, 10, BALLOTS) == ["a"]


def test_greedy_threshold_leaves_out_projects_below_it() -> None:
    assert rules.greedy_threshold(COSTS, 10, BALLOTS, threshold=3) == ["a"]
    assert rules.greedy_threshold(COSTS, 10, BALLOTS, threshold=2) == ["a", "c"]
    assert rules.greedy_threshold(COSTS, 10, BALLOTS, threshold=5) == []


def test_greedy_never_funds_a_project_without_votes() -> None:
    assert rules.greedy_by_votes({"x": 1, "y": 1}, 10, [{"x"}]) == ["x"]


def test_greedy_ties_more_supporters_then_lower_cost_then_id_as_string() -> None:
    # Same votes: the cheaper project first; it leaves too little for the other.
    assert rules.greedy_by_votes({"x": 5, "y": 3}, 5, [{"x", "y"}]) == ["y"]
    # Same votes and cost: ids compared as strings, so "10" before "9".
    assert rules.greedy_by_votes({"9": 5, "10": 5}, 5, [{"9", "10"}]) == ["10"]
    # Same points: more supporters first.
    scores = {"x": 6, "y": 6}
    assert rules.greedy({"x": 5, "y": 5}, 5, scores, supporters={"x": 1, "y": 2}) == ["y"]


def test_greedy_by_points_cumulative_differs_from_by_votes() -> None:
    costs = {"p1": Decimal("20.50"), "p2": Decimal("10.25"), "p3": Decimal("10.25")}
    ballots = [{"p1": 4, "p3": 6}, {"p1": 4, "p3": 5}, {"p1": 4}, {"p2": 10}, {"p2": 3}]
    assert rules.cumulative_points(costs, ballots) == {"p1": 12, "p2": 13, "p3": 11}
    assert rules.greedy_by_cumulative_points(costs, Decimal("30.50"), ballots) == ["p2", "p3"]
    assert rules.greedy_by_votes(costs, Decimal("30.50"), [set(b) for b in ballots]) == ["p1"]


def test_ordinal_points_are_max_length_minus_position() -> None:
    costs = {"r1": 6, "r2": 6, "r3": 4}
    ballots = [["r2", "r3", "r1"], ["r2", "r3", "r1"], ["r1"]]
    assert rules.ordinal_points(costs, ballots, max_length=3) == {"r1": 5, "r2": 6, "r3": 4}
    # Without max_length each ballot's own length is L: the lone r1 gets 1 point.
    assert rules.ordinal_points(costs, ballots) == {"r1": 3, "r2": 6, "r3": 4}
    assert rules.greedy_by_ordinal_points(costs, 10, ballots, max_length=3) == ["r2", "r3"]


def test_unknown_project_in_a_ballot_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown project"):
        rules.greedy_by_votes({"a": 1}, 1, [{"b"}])
    with pytest.raises(ValueError, match="unknown project"):
        rules.equal_shares({"a": 1}, 1, [{"b"}])


# Equal Shares. Voters 1-3 approve A and B (60 each), voter 4 approves C (30); budget 100,
# so each voter starts with 25. A: each supporter pays 20 (rho 1/3), tied with B, A wins on
# the id; the three are left with 5 each, too little for B; C costs more than voter 4's 25.
ADD1_COSTS = {"A": 60, "B": 60, "C": 30}
ADD1_BALLOTS = [{"A", "B"}, {"A", "B"}, {"A", "B"}, {"C"}]


def test_equal_shares_without_completion() -> None:
    assert rules.equal_shares(ADD1_COSTS, 100, ADD1_BALLOTS) == ["A"]


def test_add1_completion_raises_shares_until_the_budget_would_be_exceeded() -> None:
    # At 30 each voter 4 can pay C: {A, C} = 90. At 40 the three can pay B too: 150 > 100,
    # so the outcome at 39, {A, C}, is kept.
    assert rules.equal_shares_add1(ADD1_COSTS, 100, ADD1_BALLOTS) == ["A", "C"]


def test_add1_when_everything_fits_funds_every_supported_project() -> None:
    costs = {"a": 10, "b": 20, "unloved": 1}
    assert sorted(rules.equal_shares_add1(costs, 100, [{"a"}, {"a", "b"}])) == ["a", "b"]


def test_equal_shares_payments_that_do_not_divide_evenly_stay_exact() -> None:
    # 3 supporters share 100: 100/3 each. Voter 1 is left with 33 + 2/3 - 100/3 = 1/3 plus
    # its share for Z: Z (20) costs more than that, and Y (voters 4, 5) is funded.
    costs = {"X": 100, "Y": 20, "Z": 20}
    ballots = [{"X", "Z"}, {"X", "Z"}, {"X"}, {"Y"}, {"Y"}]
    # Each starts with 20: X is too dear (60 < 100); Y and Z cost 10 per supporter (rho
    # 1/2), tied: Y wins on the id. Then X is out of reach (10 + 10 + 20 < 100).
    assert rules.equal_shares(costs, 100, ballots) == ["Y", "Z"]
    # Add1: at 34 X is affordable first (rho 1/3, 100/3 each) and Y follows: 120 > 100, so
    # the outcome at 33 is kept.
    assert rules.equal_shares_add1(costs, 100, ballots) == ["Y", "Z"]
    # Comparison: voters 4 and 5 prefer {Y, Z}, voter 3 prefers greedy's {X}; 1 and 2 tie.
    assert rules.greedy_by_votes(costs, 100, ballots) == ["X"]
    assert rules.preferred_by_more_voters(["Y", "Z"], ["X"], ballots) == (2, 1)
    assert rules.equal_shares_add1_comparison(costs, 100, ballots) == ["Y", "Z"]


def test_comparison_takes_greedy_when_strictly_more_voters_prefer_it() -> None:
    # Shares of 20: nobody can pay anything. Add1 at 24: A (70/3 each); at 30 C and D come
    # too (130 > 100), so Add1 keeps {A}. Greedy: A, then C (tied with D; C on the id).
    costs = {"A": 70, "C": 30, "D": 30}
    ballots = [{"A"}, {"A"}, {"A"}, {"C"}, {"D"}]
    assert rules.equal_shares(costs, 100, ballots) == []
    assert rules.equal_shares_add1(costs, 100, ballots) == ["A"]
    assert rules.equal_shares_add1_comparison(costs, 100, ballots) == ["A", "C"]


def test_equal_shares_ties_on_rho_go_to_lower_cost_then_id() -> None:
    # Two supporters each: rho is 1/2 for both (p: 10 each of 20, q: 5 each of 10); the
    # cheaper q goes first, then p is still affordable (10 left each).
    ballots = [{"p", "q"}, {"p", "q"}]
    assert rules.equal_shares({"p": 20, "q": 10}, 30, ballots) == ["q", "p"]
    # Same cost: ids as strings, "10" before "9".
    assert rules.equal_shares({"9": 10, "10": 10}, 20, [{"9", "10"}] * 2) == ["10", "9"]


def test_equal_shares_decimal_costs_and_zero_cost_projects() -> None:
    costs = {"free": 0, "a": Decimal("0.03"), "b": Decimal("0.02")}
    ballots = [{"free", "a"}, {"a"}, {"b"}]
    # Shares of 0.05/3: a's two supporters hold 0.0333 >= 0.03 (0.015 each); b's one holds
    # less than 0.02. The free project is funded first. Add1 adds 1.00 per voter: b fits
    # and everything supported is funded, 0.05 <= 0.05.
    assert rules.equal_shares(costs, Decimal("0.05"), ballots) == ["free", "a"]
    assert rules.equal_shares_add1(costs, Decimal("0.05"), ballots) == ["free", "a", "b"]


def test_negative_cost_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        rules.equal_shares({"a": -1}, 10, [{"a"}])


@pytest.mark.parametrize("seed", range(40))
def test_fast_equal_shares_and_add1_equal_the_exact_step_by_step_computation(seed: int) -> None:
    """Random instances, many with ties: the float run with its guard and the step skipping
    of Add1 give what exact fractions give when Add1 reruns at every single step."""
    import random

    generator = random.Random(seed)
    costs = {f"p{i}": generator.choice([5, 10, 15, 20, 30, 45, 60, 100]) for i in range(6)}
    ballots = [set(generator.sample(sorted(costs), generator.randint(1, 3)))
               for _ in range(generator.randint(3, 25))]
    budget = generator.choice([50, 100, 120, 200])
    instance = rules._EqualSharesInstance(costs, budget, ballots)
    fast = instance.run_with_margin(instance.start_share)
    if fast is not None:
        assert fast[0] == instance.run(instance.start_share)
    assert instance.add1() == instance.add1(skip_steps=False)
