"""Allocation rules for participatory budgets: which projects a budget funds.

Pure functions over plain data, no web or database code:

- ``costs``: project id (str) -> cost (int or Decimal, not negative);
- ``budget``: the money available (int or Decimal);
- ballots: approval ballots are collections of project ids; cumulative ballots map project ids
  to points; ordinal ballots are sequences of project ids, most preferred first.

Every rule returns the funded project ids in the order the rule chose them.

Rules (names as in PaBuLib's META ``rule``):

- ``greedy``: projects by decreasing score (votes for approval ballots, points for cumulative
  and ordinal ones), each funded if it fits in what is left, skipped otherwise (CONSUL's rule);
- ``greedy-no-skip``: the same, but the first project that does not fit ends the selection;
- ``greedy-threshold``: ``greedy`` among the projects whose score reaches a threshold (PaBuLib's
  META ``min_project_score_threshold``; Warszawa funds only projects with at least that many
  votes);
- ``equalshares``: the Method of Equal Shares with cost utilities (equalshares.net, PaBuLib):
  every voter starts with budget/n; a project is affordable when its supporters still hold its
  cost; the affordable project with the lowest price per unit of utility rho is funded
  (supporters pay equal shares rho * cost, capped by what each has left, so rho * cost is the
  largest payment of any supporter); repeat until no project is affordable;
- ``equalshares/add1``: Equal Shares, then the "Add1" completion: raise every voter's initial
  share by one currency unit at a time and rerun, until the outcome would cost more than the
  budget; the last outcome within the budget is kept (PaBuLib's definition: it does not stop at
  the first exhaustive outcome);
- ``equalshares/add1-comparison``: the ``equalshares/add1`` outcome is compared with ``greedy``:
  every voter prefers the outcome that funds more of the projects they approved; the greedy
  outcome wins only if strictly more voters prefer it, otherwise Equal Shares is kept
  (Wieliczka's rule, as pabutools' ``popularity_comparison`` with cardinality satisfaction).

Points of ordinal ballots follow PaBuLib's convention for ranked files (Kraków): with at most L
ranked projects (META ``max_length``; the ballot's length when absent), the project in position
i (0-based) gets L - i points, so 3, 2, 1 for the first, second and third choice.

Projects that nobody supports (score 0) are never funded by the greedy rules, and Equal Shares
funds only supported projects; a supported project that costs nothing is always funded.

Ties are broken deterministically, the same way in every rule: more score first (greedy) or
lower rho first (Equal Shares), then more supporters, then lower cost, then the project id
compared as a string.

Money is exact: Equal Shares counts in integer units (the currency's smallest decimal place
divided by the number of voters). For speed each run is first made in floating point, where
every comparison must win by a relative margin of 1e-9 (rounding errors are about 1e-16);
if any comparison is closer, including every tie not between two projects whose supporters
all pay equal shares, the run is redone with exact fractions. Voters who approved the same
funded projects hold the same money, so a float run works on those classes (counted once per
set of funded projects and reused by later runs), not on voters. Add1 skips a stretch of
shares when two runs at its ends prove that nothing changes in between (see ``covers``).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from operator import itemgetter
from typing import Any

# numpy, imported on first use by `_load_numpy`: it adds about 14 MB to every web worker,
# and only computing Equal Shares needs it (most requests never do).
np: Any = None


def _load_numpy() -> None:
    global np  # noqa: PLW0603 - the lazily imported module, shared by the classes below
    if np is None:
        import numpy

        np = numpy

Money = int | Decimal
ProjectId = str

# Every floating-point comparison must win by this relative margin, else exact fractions decide.
_TOLERANCE = 1e-9

RULES = (
    "greedy",
    "greedy-no-skip",
    "greedy-threshold",
    "equalshares",
    "equalshares/add1",
    "equalshares/add1-comparison",
)


# ---------------------------------------------------------------------------------------------
# Scores


def approval_votes(costs: Mapping[ProjectId, Money],
                   ballots: Iterable[Collection[ProjectId]]) -> dict[ProjectId, int]:
    """Number of supporters of every project (0 for projects nobody approved)."""
    votes = dict.fromkeys(costs, 0)
    for ballot in ballots:
        for project in ballot:
            if project not in votes:
                raise ValueError(f"ballot names an unknown project: {project!r}")
            votes[project] += 1
    return votes


def cumulative_points(costs: Mapping[ProjectId, Money],
                      ballots: Iterable[Mapping[ProjectId, int]]) -> dict[ProjectId, int]:
    """Sum of the points every project received."""
    points = dict.fromkeys(costs, 0)
    for ballot in ballots:
        for project, given in ballot.items():
            if project not in points:
                raise ValueError(f"ballot names an unknown project: {project!r}")
            points[project] += given
    return points


def ordinal_points(costs: Mapping[ProjectId, Money], ballots: Iterable[Sequence[ProjectId]],
                   max_length: int | None = None) -> dict[ProjectId, int]:
    """PaBuLib's points for ranked ballots: L - position; L is max_length or the ballot's length."""
    points = dict.fromkeys(costs, 0)
    for ballot in ballots:
        length = max_length if max_length is not None else len(ballot)
        for position, project in enumerate(ballot):
            if project not in points:
                raise ValueError(f"ballot names an unknown project: {project!r}")
            points[project] += max(length - position, 0)
    return points


def _supporters(ballots: Iterable[Collection[ProjectId]]) -> dict[ProjectId, int]:
    counts: dict[ProjectId, int] = {}
    for ballot in ballots:
        for project in ballot:
            counts[project] = counts.get(project, 0) + 1
    return counts


# ---------------------------------------------------------------------------------------------
# Greedy rules


def greedy(costs: Mapping[ProjectId, Money], budget: Money, scores: Mapping[ProjectId, Money],
           *, supporters: Mapping[ProjectId, int] | None = None, skip: bool = True,
           threshold: Money | None = None) -> list[ProjectId]:
    """Fund projects by decreasing score while money lasts.

    ``skip``: a project that does not fit is passed over (True) or ends the selection (False).
    ``threshold``: projects whose score is below it are not eligible.
    ``supporters``: number of supporters, the first tie-break (defaults to the score).
    """
    supporters = supporters if supporters is not None else scores
    eligible = [p for p in costs
                if scores.get(p, 0) > 0 and (threshold is None or scores.get(p, 0) >= threshold)]
    eligible.sort(key=lambda p: (-scores[p], -supporters.get(p, 0), costs[p], str(p)))
    funded: list[ProjectId] = []
    left = budget
    for project in eligible:
        if costs[project] <= left:
            funded.append(project)
            left -= costs[project]
        elif not skip:
            break
    return funded


def greedy_by_votes(costs: Mapping[ProjectId, Money], budget: Money,
                    ballots: Iterable[Collection[ProjectId]]) -> list[ProjectId]:
    """CONSUL's rule: by number of supporters, skipping projects that do not fit."""
    return greedy(costs, budget, approval_votes(costs, ballots))


def greedy_no_skip(costs: Mapping[ProjectId, Money], budget: Money,
                   ballots: Iterable[Collection[ProjectId]]) -> list[ProjectId]:
    """By number of supporters; stops at the first project that does not fit."""
    return greedy(costs, budget, approval_votes(costs, ballots), skip=False)


def greedy_threshold(costs: Mapping[ProjectId, Money], budget: Money,
                     ballots: Iterable[Collection[ProjectId]], threshold: Money) -> list[ProjectId]:
    """By number of supporters, among projects with at least ``threshold`` supporters."""
    return greedy(costs, budget, approval_votes(costs, ballots), threshold=threshold)


def greedy_by_cumulative_points(costs: Mapping[ProjectId, Money], budget: Money,
                                ballots: Sequence[Mapping[ProjectId, int]]) -> list[ProjectId]:
    """By sum of points of cumulative ballots (Częstochowa)."""
    return greedy(costs, budget, cumulative_points(costs, ballots),
                  supporters=_supporters(ballots))


def greedy_by_ordinal_points(costs: Mapping[ProjectId, Money], budget: Money,
                             ballots: Sequence[Sequence[ProjectId]],
                             max_length: int | None = None) -> list[ProjectId]:
    """By PaBuLib's rank points of ordinal ballots (Kraków: 3-2-1)."""
    return greedy(costs, budget, ordinal_points(costs, ballots, max_length),
                  supporters=_supporters(ballots))


# ---------------------------------------------------------------------------------------------
# Method of Equal Shares


def _decimal_places(value: Money) -> int:
    if isinstance(value, int):
        return 0
    exponent = value.normalize().as_tuple().exponent
    return max(-exponent, 0) if isinstance(exponent, int) else 0


def _tuple_getter(indices: list[int]) -> Callable[[list[int]], tuple[int, ...]]:
    if len(indices) == 1:
        only = indices[0]
        return lambda values: (values[only],)
    if not indices:
        return lambda values: ()
    return itemgetter(*indices)


class _EqualSharesInstance:
    """Integer form of an approval election: money in units of 1/(10^d * n) currency."""

    def __init__(self, costs: Mapping[ProjectId, Money], budget: Money,
                 ballots: Sequence[Collection[ProjectId]]) -> None:
        _load_numpy()
        for project, cost in costs.items():
            if cost < 0:
                raise ValueError(f"project {project!r} has a negative cost")
        self.ids = list(costs)
        self.costs = costs
        self.budget = budget
        self.n_voters = len(ballots)
        index = {project: number for number, project in enumerate(self.ids)}
        self.supporters: list[list[int]] = [[] for _ in self.ids]
        for voter, ballot in enumerate(ballots):
            for project in set(ballot):
                if project not in index:
                    raise ValueError(f"ballot names an unknown project: {project!r}")
                self.supporters[index[project]].append(voter)
        places = max([_decimal_places(budget), *(_decimal_places(c) for c in costs.values())])
        self.scale = 10 ** places  # smallest currency fraction used by the data
        n = max(self.n_voters, 1)
        # Per-voter budget budget/n currency == budget * scale units.
        self.start_share = int(Decimal(budget) * self.scale)
        self.cost_units = [int(Decimal(costs[p]) * self.scale) * n for p in self.ids]
        self.one_currency_unit = self.scale * n
        # Tie rank: more supporters, lower cost, id as a string.
        order = sorted(range(len(self.ids)), key=lambda p: (
            -len(self.supporters[p]), self.cost_units[p], str(self.ids[p])))
        self.tie_rank = [0] * len(self.ids)
        for rank, project in enumerate(order):
            self.tie_rank[project] = rank
        self.supported = [p for p in range(len(self.ids)) if self.supporters[p]]
        # read_classes[p](voter_class) -> the classes of p's supporters, as a tuple.
        self.read_classes = [_tuple_getter(s) for s in self.supporters]
        # For the floating-point runs (see run_float).
        self.supporter_arrays = [np.array(s, dtype=np.int64) for s in self.supporters]
        self.cost_floats = [float(c) for c in self.cost_units]
        self.payer_counts = [len(s) for s in self.supporters]
        self.free = [p for p in self.supported if self.cost_units[p] == 0]
        self.by_tie_rank = sorted((p for p in self.supported if self.cost_units[p] > 0),
                                  key=self.tie_rank.__getitem__)
        self._class_number: dict[int, int] = {0: 0}  # funded projects approved -> class
        self._class_masks: list[int] = [0]
        # funded mask -> per project: its supporters' classes (ids) and class sizes
        self._group_cache: dict[int, list[tuple[np.ndarray, np.ndarray] | None]] = {}
        self._child_cache: dict[tuple[int, int], np.ndarray] = {}
        self._last_payment: dict[tuple[int, int], float] = {}  # (funded mask, project)
        self._kept_classes: dict[int, np.ndarray] = {}  # funded mask -> class of every voter
        self._moved_to = np.zeros(0, dtype=np.int32)  # scratch: class -> class after funding

    def total_cost(self, outcome: Iterable[int]) -> Money:
        return sum((self.costs[self.ids[p]] for p in outcome), 0)

    def run(self, share: int) -> list[int]:
        """One run of Equal Shares with every voter starting with ``share`` units.

        Voters who supported the same funded projects hold the same money, so voters are kept
        in classes (class id -> money) and a project's supporters are counted per class: the
        counting runs in C and the exact arithmetic touches a few classes, not every voter.
        """
        voter_class = [0] * self.n_voters
        class_money: list[int | Fraction] = [share]
        class_of_money: dict[int | Fraction, int] = {share: 0}
        # Sort key of a class: the float first (fast), the exact value only if floats tie.
        class_order: list[tuple[float, int | Fraction]] = [(float(share), share)]
        supporters, cost_units, tie_rank = self.supporters, self.cost_units, self.tie_rank
        read_classes = self.read_classes
        funded = [p for p in self.supported if cost_units[p] == 0]
        active = [p for p in self.supported if cost_units[p] > 0]
        # rho only grows as voters spend, so the last value computed is a lower bound.
        lower_bound: dict[int, Fraction] = {
            p: Fraction(1, len(supporters[p])) for p in active}
        while active:
            active.sort(key=lambda p: (float(lower_bound[p]), lower_bound[p], tie_rank[p]))
            best = -1
            best_rho = Fraction(0)
            best_payment: int | Fraction = 0
            dropped: set[int] = set()
            for project in active:
                if best >= 0 and lower_bound[project] > best_rho:
                    break
                cost = cost_units[project]
                groups = sorted(Counter(read_classes[project](voter_class)).items(),
                                key=lambda group: class_order[group[0]])
                left, payers = cost, len(supporters[project])
                for group_class, count in groups:
                    money = class_money[group_class]
                    if money * payers >= left:
                        break
                    left -= money * count  # these supporters pay all they have
                    payers -= count
                else:  # everyone would pay all they have and it is not enough
                    dropped.add(project)
                    continue
                rho = Fraction(left) / (payers * cost)
                lower_bound[project] = rho
                if best < 0 or rho < best_rho or (
                        rho == best_rho and tie_rank[project] < tie_rank[best]):
                    best, best_rho = project, rho
                    payment = Fraction(left) / payers
                    best_payment = (payment.numerator if payment.denominator == 1
                                    else payment)
            if best < 0:
                break
            after_payment: dict[int, int] = {}
            for voter in supporters[best]:
                old = voter_class[voter]
                new = after_payment.get(old)
                if new is None:
                    money = class_money[old]
                    money = money - best_payment if money > best_payment else 0
                    new = class_of_money.get(money)
                    if new is None:
                        new = class_of_money[money] = len(class_money)
                        class_money.append(money)
                        class_order.append((float(money), money))
                    after_payment[old] = new
                voter_class[voter] = new
            funded.append(best)
            dropped.add(best)
            active = [p for p in active if p not in dropped]
        return funded

    # -- floating-point runs -------------------------------------------------------------------
    #
    # Voters whose ballots meet the funded projects in the same set hold the same money at
    # every share (they paid the same payments), so a run needs, per project, only how many
    # of its supporters are in each such class. That depends on the funded set alone, not on
    # the share or the order: it is computed once per (funded set, project) and reused by every
    # later run of Add1 (Warszawa 2026: 278 funded sets over 186 runs). A run then costs a few
    # vector operations over a project's classes (a few hundred) per look, whatever the number
    # of voters. A class is the set of funded projects its voters approved (a bit mask),
    # numbered once for all runs.

    def _groups_at(self, funded_mask: int) -> list[tuple[np.ndarray, np.ndarray] | None]:
        """Per project, the cached classes of its supporters when ``funded_mask`` is funded."""
        node = self._group_cache.get(funded_mask)
        if node is None:
            node = self._group_cache[funded_mask] = [None] * len(self.ids)
        return node

    def _groups(self, node: list[tuple[np.ndarray, np.ndarray] | None], project: int,
                path: _ClassPath) -> tuple[np.ndarray, np.ndarray]:
        """Classes of ``project``'s supporters (sorted ids, sizes) at ``path``'s funded set."""
        cached = node[project]
        if cached is None:
            classes = path.voter_classes()[self.supporter_arrays[project]]
            ids, counts = np.unique(classes, return_counts=True)
            cached = node[project] = (ids, counts.astype(np.float64))
        return cached

    def _children(self, funded_mask: int, project: int, ids: np.ndarray) -> np.ndarray:
        """The class each class of ``ids`` (``project``'s supporters) moves to once it is funded."""
        key = (funded_mask, project)
        cached = self._child_cache.get(key)
        if cached is None:
            bit, masks, numbers = 1 << project, self._class_masks, self._class_number
            children = []
            for parent in ids.tolist():
                mask = masks[parent] | bit
                number = numbers.get(mask)
                if number is None:
                    number = numbers[mask] = len(masks)
                    masks.append(mask)
                children.append(number)
            cached = self._child_cache[key] = np.array(children, dtype=np.int64)
        return cached

    def _move(self, classes: np.ndarray, funded_mask: int, project: int) -> None:
        """Moves ``project``'s supporters in ``classes`` to their classes once it is funded."""
        ids, _counts = self._group_cache[funded_mask][project]  # type: ignore[misc]
        if len(self._class_masks) > len(self._moved_to):
            self._moved_to = np.zeros(2 * len(self._class_masks), dtype=np.int32)
        self._moved_to[ids] = self._child_cache[(funded_mask, project)]
        voters = self.supporter_arrays[project]
        classes[voters] = self._moved_to[classes[voters]]

    def run_float(self, share: int) -> _FloatRun | None:
        """A floating-point run of Equal Shares at ``share``, or None when a comparison is too
        close to call in floating point (then the exact `run` must decide).

        Every comparison must win by a relative margin of ``_TOLERANCE`` (rounding errors are
        about 1e-16 relative); exact ties are allowed only between projects whose supporters
        all pay equal shares (rho exactly 1/supporters, the same float for equal counts, broken
        by the tie rank at every share).
        """
        tolerance = _TOLERANCE
        # m is within the tolerance of x when x * near_low <= m <= x * near_high.
        near_low, near_high = (1 - tolerance) / (1 + tolerance), (1 + tolerance) / (1 - tolerance)
        tie_rank, costs, payer_counts = self.tie_rank, self.cost_floats, self.payer_counts
        groups, groups_at = self._groups, self._groups_at
        last_payment = self._last_payment
        path = _ClassPath(self)
        money = np.empty(max(2 * len(self._class_masks), 64))
        money[0] = float(share)
        funded = list(self.free)
        active = list(self.by_tie_rank)
        # rho never falls within a run (money is only spent), so the last value computed is a
        # lower bound; 1/supporters is the least it can ever be.
        lower_bound = [1.0 / count if count else math.inf for count in payer_counts]
        funded_mask = 0
        best_rhos: list[float] = []
        best_wholes: list[bool] = []
        rivals: list[float] = []
        while active:
            active.sort(key=lower_bound.__getitem__)  # (the best goes by rho, then tie rank)
            node = groups_at(funded_mask)
            best, best_rho, best_whole = -1, 0.0, False
            best_payment = 0.0
            best_money: np.ndarray | None = None
            evaluated: list[tuple[int, float, bool]] = []
            dropped: set[int] = set()
            rival = math.inf  # lowest rho (or bound) of any other project still affordable
            for project in active:
                if best >= 0 and lower_bound[project] > best_rho * (1 + 4 * tolerance):
                    # Neither this project nor the following ones (sorted by bound) can beat
                    # the best; the first is the rival.
                    rival = lower_bound[project]
                    break
                cost = costs[project]
                ids, counts = groups(node, project, path)
                held_by = money.take(ids)
                held = float(held_by @ counts)
                if abs(held - cost) <= tolerance * cost:
                    return None
                if held < cost:
                    dropped.add(project)
                    continue
                # Water-filling: the payment x with sum(min(money, x)) = cost. From
                # cost/supporters up: the supporters below x pay all they have, which raises x
                # for the others; the set below x only grows, and settles in a few rounds.
                payers = payer_counts[project]
                payment = cost / payers
                poorest = float(held_by.min())
                if poorest > payment * near_high:
                    whole, rho = True, 1.0 / payers  # nobody capped: exactly 1/supporters
                else:
                    # Newton's steps on f(x) = sum(min(money, x)) (concave, piecewise linear):
                    # x += (cost - f(x)) / (supporters holding x or more). From the left of
                    # the solution they stay left of it and land on it once x's piece is the
                    # solution's; from the right the first step lands left of it. They start
                    # from the payment of the last look at this funded set (often the run at
                    # the previous share), else from cost/supporters.
                    payment = last_payment.get((funded_mask, project), payment)
                    for _ in range(len(held_by) + 2):
                        uncapped = float(counts @ (held_by >= payment))
                        if uncapped == 0:  # beyond everybody's money: start again below
                            payment = cost / payers
                            continue
                        capped = payers - uncapped
                        level = payment + (
                            cost - float(np.minimum(held_by, payment) @ counts)) / uncapped
                        # The classes below the new level are those below the old one, and
                        # none is within the tolerance of it: it is the water level.
                        if (float(counts @ (held_by < level * near_low)) == capped
                                == float(counts @ (held_by <= level * near_high))):
                            payment = level
                            break
                        if float(counts @ (held_by < level)) == capped:
                            return None  # some class holds about the payment: capped or not?
                        payment = level
                    else:
                        return None
                    last_payment[(funded_mask, project)] = payment
                    whole, rho = capped == 0, payment / cost
                    if whole:
                        rho = 1.0 / payers
                lower_bound[project] = rho
                evaluated.append((project, rho, whole))
                if best < 0 or rho < best_rho or (
                        rho == best_rho and tie_rank[project] < tie_rank[best]):
                    best, best_rho, best_whole = project, rho, whole
                    best_payment, best_money = payment, held_by
            if best < 0:
                break
            for project, rho, whole in evaluated:
                if project == best:
                    continue
                rival = min(rival, rho)
                if whole and best_whole and rho == best_rho:
                    continue  # a true tie (same supporter count), broken the same way always
                if rho - best_rho <= tolerance * (rho + best_rho):
                    return None  # includes other exact ties: the exact run breaks them
            ids, _counts = groups(node, best, path)
            children = self._children(funded_mask, best, ids)
            if len(self._class_masks) > len(money):
                money = np.concatenate([money, np.empty(len(self._class_masks))])
            assert best_money is not None
            money[children] = np.maximum(best_money - best_payment, 0.0)
            path.fund(funded_mask, best)
            funded_mask |= 1 << best
            funded.append(best)
            best_rhos.append(best_rho)
            best_wholes.append(best_whole)
            rivals.append(rival)
            dropped.add(best)
            active = [p for p in active if p not in dropped]
        return _FloatRun(share, funded, best_rhos, best_wholes, rivals)

    def covers(self, low: _FloatRun, high: _FloatRun) -> bool:
        """Whether every share between ``low.share`` and ``high.share`` funds the same projects.

        With the projects funded so far fixed, every voter's money only grows with the share
        (a payment is the water level x with sum(min(money, x)) = cost: more money, a lower
        level, more left after paying), so every project's rho only falls and a project
        affordable at a share stays affordable at larger ones. If both runs fund the same
        projects in the same order, and in every round the winner's rho at the low share is
        below every other project's rho at the high share (affordable or not at lower shares),
        then at every share in between the winner's rho is at most its value at the low share,
        and each other project's rho at least its value at the high share: the same winner,
        round after round; and nothing affordable at the high share's end is affordable below.
        An exact tie is fine when the winner's supporters all pay equal shares at the low share:
        its rho is then 1/supporters, the least it can be, at every share in between; the rival
        tied with it at the high share lost that tie there, and loses it at every share.
        """
        if low.funded != high.funded:
            return False
        return all(rival == math.inf or rival - rho > _TOLERANCE * (rival + rho)
                   or (whole and rival == rho)
                   for rho, whole, rival in zip(low.best_rhos, low.best_wholes, high.rivals,
                                                strict=True))

    def add1(self, skip_steps: bool = True) -> list[int]:
        """Add1 completion: +1 currency unit per voter while the outcome stays within budget.

        ``skip_steps``: jump over shares where `covers` proves the outcome unchanged, probing
        1, 2, 4, ... steps ahead (False reruns at every step, the plain definition; the tests
        compare both).
        """
        all_supported = set(self.supported)
        if self.total_cost(all_supported) <= self.budget:
            # Raising the shares far enough funds every supported project, within budget:
            # once every voter alone holds the cost of all projects, none runs out of money.
            share = sum(self.cost_units) + self.start_share
            fast = self.run_float(share)
            return fast.funded if fast is not None else self.run(share)
        unit = self.one_currency_unit
        runs: dict[int, tuple[list[int], _FloatRun | None]] = {}

        def outcome_at(share: int) -> tuple[list[int], _FloatRun | None]:
            if share not in runs:
                fast = self.run_float(share)
                runs[share] = (fast.funded if fast else self.run(share), fast)
            return runs[share]

        share = self.start_share
        previous, previous_run = outcome_at(share)
        if self.total_cost(previous) > self.budget:
            return []
        ahead = 1
        # Ends: once every share covers the cost of all projects, every supported project is
        # funded, which is over budget.
        while True:
            target = share + ahead * unit
            outcome, fast = outcome_at(target)
            if (skip_steps and ahead > 1 and previous_run is not None and fast is not None
                    and self.covers(previous_run, fast)):
                share, previous_run = target, fast
                ahead *= 2
                continue
            if ahead > 1:
                ahead = 1  # something changes in between: go step by step again
                continue
            if self.total_cost(outcome) > self.budget:
                return previous
            if skip_steps and previous_run is not None and fast is not None and (
                    self.covers(previous_run, fast)):
                ahead = 2
            share, previous, previous_run = target, outcome, fast


class _ClassPath:
    """The class of every voter along one run's funded projects, brought up to date only when
    a class count is not cached yet (most runs of Add1 never need it). The classes of a funded
    set are kept for a few sets, so that the next run starts from the deepest one it reaches."""

    KEPT = 16  # sets whose voter classes are kept (an int32 per voter each)

    def __init__(self, instance: _EqualSharesInstance) -> None:
        _load_numpy()
        self.instance = instance
        self.steps: list[tuple[int, int]] = []  # (funded mask before, project)
        self.applied = -1  # steps applied to self.classes (-1: none yet)
        self.classes = np.zeros(0, dtype=np.int32)

    def fund(self, funded_mask: int, project: int) -> None:
        self.steps.append((funded_mask, project))

    def voter_classes(self) -> np.ndarray:
        instance, steps = self.instance, self.steps
        kept = instance._kept_classes
        if self.applied < 0:
            start = 0
            for depth in range(len(steps), 0, -1):
                mask, project = steps[depth - 1]
                if mask | 1 << project in kept:
                    start = depth
                    break
            if start:
                mask, project = steps[start - 1]
                self.classes = kept[mask | 1 << project].copy()
            else:
                self.classes = np.zeros(instance.n_voters, dtype=np.int32)
            self.applied = start
        for funded_mask, project in steps[self.applied:]:
            instance._move(self.classes, funded_mask, project)
        if self.applied < len(steps):
            self.applied = len(steps)
            mask, project = steps[-1]
            kept[mask | 1 << project] = self.classes.copy()
            if len(kept) > self.KEPT:
                del kept[next(iter(kept))]
        return self.classes


@dataclass(frozen=True)
class _FloatRun:
    """A run's funded projects, and per round the winner's rho and the lowest other rho (or
    lower bound of it) among the projects still affordable: what `covers` compares."""

    share: int
    funded: list[int]
    best_rhos: list[float]
    best_wholes: list[bool]  # the winner's supporters all paid equal shares
    rivals: list[float]


def equal_shares(costs: Mapping[ProjectId, Money], budget: Money,
                 ballots: Sequence[Collection[ProjectId]]) -> list[ProjectId]:
    """The Method of Equal Shares (cost utilities), without completion."""
    instance = _EqualSharesInstance(costs, budget, ballots)
    fast = instance.run_float(instance.start_share)
    funded = fast.funded if fast is not None else instance.run(instance.start_share)
    return [instance.ids[p] for p in funded]


def equal_shares_add1(costs: Mapping[ProjectId, Money], budget: Money,
                      ballots: Sequence[Collection[ProjectId]]) -> list[ProjectId]:
    """Equal Shares with the Add1 completion (PaBuLib ``equalshares/add1``)."""
    instance = _EqualSharesInstance(costs, budget, ballots)
    return [instance.ids[p] for p in instance.add1()]


def preferred_by_more_voters(first: Collection[ProjectId], second: Collection[ProjectId],
                             ballots: Iterable[Collection[ProjectId]]) -> tuple[int, int]:
    """How many voters approve more projects of ``first`` than of ``second``, and vice versa."""
    first_set, second_set = set(first), set(second)
    prefer_first = prefer_second = 0
    in_first, in_second = first_set.intersection, second_set.intersection
    for ballot in ballots:
        difference = len(in_first(ballot)) - len(in_second(ballot))
        if difference > 0:
            prefer_first += 1
        elif difference < 0:
            prefer_second += 1
    return prefer_first, prefer_second


def equal_shares_add1_comparison(costs: Mapping[ProjectId, Money], budget: Money,
                                 ballots: Sequence[Collection[ProjectId]]) -> list[ProjectId]:
    """Wieliczka's rule: Equal Shares + Add1, unless strictly more voters prefer greedy."""
    shares = equal_shares_add1(costs, budget, ballots)
    by_votes = greedy_by_votes(costs, budget, ballots)
    prefer_shares, prefer_greedy = preferred_by_more_voters(shares, by_votes, ballots)
    return by_votes if prefer_greedy > prefer_shares else shares
