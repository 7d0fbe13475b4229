"""Allocation rules on tiny instances whose outcomes were computed by hand."""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction

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


# ---------------------------------------------------------------------------------------------
# Equal Shares against a straightforward exact implementation, on random instances


def reference_equal_shares(costs: dict[str, int | Decimal], ballots: list[set[str]],
                           share: Fraction) -> list[str]:
    """Equal Shares as its definition reads: every voter on their own, exact fractions."""
    money = [share] * len(ballots)
    supporters = {p: [v for v, ballot in enumerate(ballots) if p in ballot] for p in costs}
    funded = [p for p in costs if supporters[p] and costs[p] == 0]
    left_over = [p for p in costs if supporters[p] and costs[p] > 0]

    def rank(p: str) -> tuple:
        return (-len(supporters[p]), costs[p], str(p))

    while True:
        best: tuple | None = None
        for p in left_over:
            cost = Fraction(costs[p])
            held = sorted(money[v] for v in supporters[p])
            if sum(held) < cost:
                continue
            # The least x with sum(min(money, x)) = cost: the poorest pay all they have.
            rest, payers = cost, len(held)
            for amount in held:
                if amount * payers >= rest:
                    break
                rest -= amount
                payers -= 1
            payment = rest / payers
            key = (payment / cost, rank(p))
            if best is None or key < best[0]:
                best = (key, p, payment)
        if best is None:
            return funded
        _key, p, payment = best
        for v in supporters[p]:
            money[v] -= min(money[v], payment)
        funded.append(p)
        left_over.remove(p)


def reference_add1(costs: dict[str, int | Decimal], budget: int | Decimal,
                   ballots: list[set[str]]) -> list[str]:
    """Add1 as PaBuLib defines it: one currency unit more per voter at every step."""
    supported = [p for p in costs if any(p in ballot for ballot in ballots)]
    if sum(costs[p] for p in supported) <= budget:
        return sorted(supported)  # (compared as a set: every supported project)
    share = Fraction(budget) / len(ballots)
    previous: list[str] = []
    while True:
        outcome = reference_equal_shares(costs, ballots, share)
        if sum(costs[p] for p in outcome) > budget:
            return previous
        previous = outcome
        share += 1


def random_instance(seed: int) -> tuple[dict[str, int | Decimal], int | Decimal, list[set[str]]]:
    """Small elections, many with ties (few distinct costs) and identical ballots."""
    generator = random.Random(seed)
    count = generator.randint(2, 7)
    prices: list[int | Decimal] = [5, 10, 15, 20, 30, 45, 60, 100]
    if seed % 5 == 0:
        prices = [Decimal("2.50"), Decimal("7.25"), 12, 20]
    costs = {f"p{i}": generator.choice(prices) for i in range(count)}
    if seed % 7 == 0:
        costs["free"] = 0
    names = sorted(costs)
    patterns = [set(generator.sample(names, generator.randint(1, min(3, len(names)))))
                for _ in range(generator.randint(1, 6))]
    ballots = [set(generator.choice(patterns)) if generator.random() < 0.5 else
               set(generator.sample(names, generator.randint(1, min(3, len(names)))))
               for _ in range(generator.randint(2, 25))]
    budget = generator.choice([30, 50, 100, 120, 200])
    return costs, budget, ballots


@pytest.mark.parametrize("chunk", range(10))
def test_equal_shares_and_add1_equal_the_reference_on_random_instances(chunk: int) -> None:
    """300 random instances: Equal Shares (float runs with the exact fallback, voters counted
    in classes) and Add1 (with its step skipping) fund what the plain definition funds."""
    for seed in range(chunk * 30, chunk * 30 + 30):
        costs, budget, ballots = random_instance(seed)
        start = Fraction(budget) / len(ballots)
        assert rules.equal_shares(costs, budget, ballots) == reference_equal_shares(
            costs, ballots, start), seed
        add1 = rules.equal_shares_add1(costs, budget, ballots)
        expected = reference_add1(costs, budget, ballots)
        if sum(costs[p] for p in expected) <= budget and len(expected) == len(
                {p for ballot in ballots for p in ballot}):
            assert sorted(add1) == sorted(expected), seed
        else:
            assert add1 == expected, seed


@pytest.mark.parametrize("seed", range(60))
def test_float_runs_equal_exact_runs_and_skipping_equals_every_step(seed: int) -> None:
    """The float run with its guard gives what exact fractions give (or declines), and Add1's
    skipping gives what rerunning at every single step gives."""
    costs, budget, ballots = random_instance(1000 + seed)
    instance = rules._EqualSharesInstance(costs, budget, ballots)
    unit = instance.one_currency_unit
    for step in range(0, 40, 3):
        share = instance.start_share + step * unit
        fast = instance.run_float(share)
        if fast is not None:
            assert fast.funded == instance.run(share), (seed, step)
    assert instance.add1() == instance.add1(skip_steps=False)


@pytest.mark.parametrize("seed", range(40))
def test_covering_proves_the_outcome_of_every_share_in_between(seed: int) -> None:
    """Whenever `covers` says two runs bound a stretch of equal outcomes, every share in that
    stretch funds the same projects in the same order (checked with exact runs)."""
    costs, budget, ballots = random_instance(2000 + seed)
    instance = rules._EqualSharesInstance(costs, budget, ballots)
    unit = instance.one_currency_unit
    shares = [instance.start_share + step * unit for step in range(0, 60, 2)]
    runs = [instance.run_float(share) for share in shares]
    exact: dict[int, list[int]] = {}
    checked = 0
    for low_index, low in enumerate(runs):
        for high in runs[low_index + 1:low_index + 6]:
            if low is None or high is None or not instance.covers(low, high):
                continue
            checked += 1
            for share in range(low.share, high.share + 1, unit // 2 or 1):  # halves too
                if share not in exact:
                    exact[share] = instance.run(share)
                assert exact[share] == low.funded, (seed, share)
    assert checked


def test_covering_never_spans_a_change_in_the_outcome() -> None:
    # Below a share of 30 voter 4 cannot pay C; from 30 on C is funded (at exactly 30 the
    # float run declines: voter 4 holds exactly C's cost, which exact fractions decide).
    instance = rules._EqualSharesInstance(ADD1_COSTS, 100, ADD1_BALLOTS)
    unit = instance.one_currency_unit
    at_25, at_29, at_30, at_31 = (instance.run_float(share * unit)
                                  for share in (25, 29, 30, 31))
    assert at_25 and at_29 and at_30 is None and at_31
    assert at_25.funded == at_29.funded == [0] and at_31.funded == [0, 2]
    assert instance.run(30 * unit) == [0, 2]
    # A and B tie (rho 1/3, all pay equal shares): A wins on its id at every share.
    assert instance.covers(at_25, at_29)
    assert not instance.covers(at_25, at_31) and not instance.covers(at_29, at_31)


def test_add1_skips_long_stretches_where_nothing_changes() -> None:
    # One voter wants a project costing 1,000,000, the others share cheap ones: Add1 raises
    # every share by one unit a million times before anything changes. The skipping proves
    # stretches of equal outcomes with a few dozen runs instead of a million.
    costs = {"dear": 1_000_000, "a": 30, "b": 40, "c": 50}
    ballots = [{"dear"}] + [{"a", "b"}] * 5 + [{"b", "c"}] * 4
    instance = rules._EqualSharesInstance(costs, 1_000_100, ballots)
    calls = 0
    run_float = instance.run_float

    def counted(share: int) -> rules._FloatRun | None:
        nonlocal calls
        calls += 1
        return run_float(share)

    instance.run_float = counted  # type: ignore[method-assign]
    funded = instance.add1()
    # Shares reach 1,000,000 (dear alone), 1,000,120 in all with a, b, c: over the budget.
    assert [instance.ids[p] for p in funded] == ["b", "a", "c"]
    assert calls < 200
