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
all pay equal shares, the run is redone with exact fractions. The float run also tracks how
far the shares may grow before any of its comparisons changes, and Add1 skips those steps.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from operator import itemgetter

Money = int | Decimal
ProjectId = str

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

    def run_with_margin(self, share: int,
                        step: float = float("inf")) -> tuple[list[int], float] | None:
        """A float run of Equal Shares that also says how far every share may grow before
        any decision of the run changes: (funded, margin in units), or None when a decision
        is too close to call in floating point (then the exact `run` must decide).

        With the run's decisions fixed, every voter's money is linear in the share (a value
        and a slope), so is each payment and each rho; every comparison the run makes gives
        a bound on the share increase for which its answer holds. Over the smallest bound
        the run funds the same projects, so Add1 can skip those steps. Once the margin is
        below ``step`` (one Add1 step) it no longer matters and only the closeness of each
        comparison is checked.
        """
        supporters, tie_rank, read_classes = self.supporters, self.tie_rank, self.read_classes
        costs = [float(c) for c in self.cost_units]
        tolerance = 1e-9
        voter_class = [0] * self.n_voters
        class_value: list[float] = [float(share)]
        class_slope: list[float] = [1.0]
        class_of: dict[tuple[float, float], int] = {(float(share), 1.0): 0}
        funded = [p for p in self.supported if self.cost_units[p] == 0]
        active = [p for p in self.supported if self.cost_units[p] > 0]
        lower_bound: dict[int, tuple[float, float]] = {
            p: (1.0 / len(supporters[p]), 0.0) for p in active}
        margin = float("inf")

        def holds(gap: float, gap_slope: float, scale: float) -> bool:
            """gap > 0 now; record how far it stays > 0. False: too close to call."""
            nonlocal margin
            if gap <= tolerance * scale:
                return False
            if gap_slope < 0:
                margin = min(margin, gap / -gap_slope)
            return True

        while active:
            active.sort(key=lambda p: (lower_bound[p][0], tie_rank[p]))
            best = -1
            best_rho = best_rho_slope = best_payment = best_payment_slope = 0.0
            best_whole = 0
            evaluated: list[tuple[int, float, float]] = []
            dropped: set[int] = set()
            pruned: list[int] = []
            for position, project in enumerate(active):
                if best >= 0 and lower_bound[project][0] > best_rho * (1 + 4 * tolerance):
                    pruned = active[position:]
                    break
                cost = costs[project]
                groups = sorted(Counter(read_classes[project](voter_class)).items(),
                                key=lambda group: class_value[group[0]])
                left, left_slope, payers = cost, 0.0, len(supporters[project])
                capped = 0
                for group_class, count in groups:
                    value = class_value[group_class]
                    if value * payers >= left:
                        break
                    left -= value * count
                    left_slope -= class_slope[group_class] * count
                    payers -= count
                    capped += 1
                else:  # unaffordable: the supporters' money stays below the cost
                    held = sum(class_value[c] * k for c, k in groups)
                    held_slope = sum(class_slope[c] * k for c, k in groups)
                    if not holds(cost - held, -held_slope, cost):
                        return None
                    dropped.add(project)
                    continue
                payment, payment_slope = left / payers, left_slope / payers
                # Nobody capped: rho is exactly 1/payers (the same float for equal counts,
                # so exact ties stay ties and go to the tie-break).
                whole = payers if capped == 0 else 0
                # Groups are sorted by money: the closest to the payment are those around
                # the cut; the others matter only for the margin.
                checked = (enumerate(groups) if margin >= step else
                           ((n, groups[n]) for n in (capped - 1, capped) if n >= 0))
                for number, (group_class, _count) in checked:
                    value, slope = class_value[group_class], class_slope[group_class]
                    if number < capped:  # pays all it has: stays below the payment
                        ok = holds(payment - value, payment_slope - slope, payment + value)
                    else:  # pays the payment: stays above it
                        ok = holds(value - payment, slope - payment_slope, payment + value)
                    if not ok:
                        return None
                rho, rho_slope = (1.0 / whole, 0.0) if whole else (
                    payment / cost, payment_slope / cost)
                lower_bound[project] = (rho, rho_slope)
                evaluated.append((project, rho, rho_slope, whole))
                if best < 0 or rho < best_rho or (
                        rho == best_rho and tie_rank[project] < tie_rank[best]):
                    best, best_rho, best_rho_slope = project, rho, rho_slope
                    best_payment, best_payment_slope, best_whole = payment, payment_slope, whole
            if best < 0:
                break
            for project, rho, rho_slope, whole in evaluated:
                if project == best or (whole and whole == best_whole):
                    continue  # a true tie, broken the same way at every share
                if not holds(rho - best_rho, rho_slope - best_rho_slope,
                                                 rho + best_rho):
                    return None  # includes exact ties: the exact run breaks them
            for project in pruned:
                bound, bound_slope = lower_bound[project]
                if not holds(bound - best_rho, bound_slope - best_rho_slope, bound + best_rho):
                    return None
            old_classes = read_classes[best](voter_class)
            after_payment: dict[int, int] = {}
            for old in set(old_classes):
                value = class_value[old]
                if value > best_payment:
                    key = (value - best_payment, class_slope[old] - best_payment_slope)
                else:
                    key = (0.0, 0.0)
                new = class_of.get(key)
                if new is None:
                    new = class_of[key] = len(class_value)
                    class_value.append(key[0])
                    class_slope.append(key[1])
                after_payment[old] = new
            for voter, new in zip(supporters[best], map(after_payment.__getitem__, old_classes),
                                  strict=True):
                voter_class[voter] = new
            funded.append(best)
            dropped.add(best)
            active = [p for p in active if p not in dropped]
        return funded, margin

    def add1(self, skip_steps: bool = True) -> list[int]:
        """Add1 completion: +1 currency unit per voter while the outcome stays within budget.

        ``skip_steps``: jump over the steps where `run_with_margin` shows nothing changes
        (False reruns at every step, the plain definition; the tests compare both).
        """
        all_supported = set(self.supported)
        if self.total_cost(all_supported) <= self.budget:
            # Raising the shares far enough funds every supported project, within budget.
            return self.run(max(self.cost_units, default=0) + self.start_share)
        unit = self.one_currency_unit
        share = self.start_share
        previous: list[int] | None = None
        # Ends: once each share covers the dearest project alone, every supported project
        # is funded, which is over budget.
        while previous is None or len(previous) < len(all_supported):
            steps = 1
            fast = self.run_with_margin(share, unit) if skip_steps else None
            if fast is None:
                outcome = self.run(share)
            else:
                outcome, margin = fast
                # The same outcome for every share below share + margin (kept a little
                # short of it, for the floating-point error).
                safe = margin * (1 - 1e-7) - 1e-7 * unit
                if safe > unit:
                    steps = max(1, -(-int(safe) // unit) - 1) if safe < 2**62 else 2**62
            if self.total_cost(outcome) > self.budget:
                break
            previous = outcome
            share += steps * unit
        return previous or []


def equal_shares(costs: Mapping[ProjectId, Money], budget: Money,
                 ballots: Sequence[Collection[ProjectId]]) -> list[ProjectId]:
    """The Method of Equal Shares (cost utilities), without completion."""
    instance = _EqualSharesInstance(costs, budget, ballots)
    fast = instance.run_with_margin(instance.start_share)
    funded = fast[0] if fast is not None else instance.run(instance.start_share)
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
    for ballot in ballots:
        in_first = sum(1 for p in ballot if p in first_set)
        in_second = sum(1 for p in ballot if p in second_set)
        if in_first > in_second:
            prefer_first += 1
        elif in_second > in_first:
            prefer_second += 1
    return prefer_first, prefer_second


def equal_shares_add1_comparison(costs: Mapping[ProjectId, Money], budget: Money,
                                 ballots: Sequence[Collection[ProjectId]]) -> list[ProjectId]:
    """Wieliczka's rule: Equal Shares + Add1, unless strictly more voters prefer greedy."""
    shares = equal_shares_add1(costs, budget, ballots)
    by_votes = greedy_by_votes(costs, budget, ballots)
    prefer_shares, prefer_greedy = preferred_by_more_voters(shares, by_votes, ballots)
    return by_votes if prefer_greedy > prefer_shares else shares
