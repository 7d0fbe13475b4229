"""Results of a budget: who wins in each heading under the budget's rule, what the other rules
would fund instead, publishing, and the PaBuLib `.pb` export of a heading.

Reading is bounded whatever the size: three queries for the whole budget (headings, projects
on the ballot, ballot lines streamed in ballot order). The allocation itself is
`decide.budgets.rules` (never reimplemented here).

Which ballots count: a ballot counts in a heading only when it meets the heading's checkout
rules (Decidim: at least `min_percent` of the amount, at least `min_projects` projects);
incomplete ballots are kept (the voter may still complete them while balloting lasts) but not
counted, and the results page says how many there were. Lines for projects that left the ballot
(withdrawn, unselected, incompatible) are ignored.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace
from typing import Any

from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, cast, func, select, update

from decide.audit.services import record
from decide.budgets import pabulib, rules
from decide.budgets.ballot_queries import is_complete
from decide.budgets.models import (
    MONEY_MAX,
    Ballot,
    BallotLine,
    Budget,
    BudgetGroup,
    BudgetHeading,
    Project,
)
from decide.core.db import locked, utcnow
from decide.core.errors import DomainError
from decide.extensions import db

RULE_LABELS = {
    "greedy": _l("Most votes first"),
    "greedy-no-skip": _l("Most votes first, stopping at the first that does not fit"),
    "greedy-threshold": _l("Most votes first, with a minimum of votes"),
    "equalshares": _l("Equal Shares"),
    "equalshares/add1": _l("Equal Shares (completed with Add1)"),
    "equalshares/add1-comparison": _l("Equal Shares (Add1), compared with most votes first"),
}
RULE_EXPLANATIONS = {
    "greedy": _l("Projects are funded by number of votes; one that does not fit in the money "
                 "left is skipped and the next one is tried (CONSUL's rule)."),
    "greedy-no-skip": _l("Projects are funded by number of votes until the first one that does "
                         "not fit; the money left is not used."),
    "greedy-threshold": _l("Like most votes first, but only projects with at least the minimum "
                           "number of votes can be funded."),
    "equalshares": _l("Every voter gets an equal share of the money and spends it on the "
                      "projects they voted for; a project is funded when its voters can pay "
                      "for it together, so every group of voters gets a fair part."),
    "equalshares/add1": _l("Equal Shares, then every voter's share is raised one unit at a time "
                           "while the result still fits in the money, so little is left over."),
    "equalshares/add1-comparison": _l("Equal Shares with Add1, unless more voters prefer what "
                                      "most votes first would fund (as in Wieliczka)."),
}
# The rules every results page compares, besides the budget's own.
COMPARED_RULES = ("greedy", "greedy-no-skip", "equalshares", "equalshares/add1")
LINES_BATCH = 10_000  # rows per fetch of the streamed ballot query


@dataclass
class ProjectRow:
    id: int
    title: str
    cost: int
    winner: bool
    votes: int = 0  # counted ballots that hold the project


@dataclass
class Outcome:
    """What one rule funds in one heading."""

    rule: str
    funded: list[int]
    money_used: int
    voters_served: int  # counted ballots with at least one funded project
    added: list[int] = field(default_factory=list)    # funded here, not by the budget's rule
    removed: list[int] = field(default_factory=list)  # funded by the budget's rule, not here

    @property
    def label(self) -> str:
        return str(RULE_LABELS[self.rule])

    @property
    def explanation(self) -> str:
        return str(RULE_EXPLANATIONS[self.rule])

    @property
    def same(self) -> bool:
        return not self.added and not self.removed


@dataclass
class HeadingResult:
    heading: BudgetHeading
    group: BudgetGroup
    projects: dict[int, ProjectRow]
    ballots: list[tuple[str, ...]]  # counted ballots, project ids as strings (for the rules)
    incomplete: int = 0             # ballots in this heading below its checkout rules
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    rule: str = "greedy"

    @property
    def amount(self) -> int:
        return self.heading.amount

    @property
    def costs(self) -> dict[str, int]:
        return {str(p.id): p.cost for p in self.projects.values()}

    @property
    def chosen(self) -> Outcome:
        return self.outcomes[self.rule]

    @property
    def published_winners(self) -> list[ProjectRow]:
        """Winners as published (the `winner` flags), most votes first."""
        return sorted((p for p in self.projects.values() if p.winner),
                      key=lambda p: (-p.votes, p.cost, p.id))

    @property
    def money_used(self) -> int:
        return sum(p.cost for p in self.published_winners)

    @property
    def ranked(self) -> list[ProjectRow]:
        return sorted(self.projects.values(), key=lambda p: (-p.votes, p.cost, p.id))

    def titles(self, ids: Iterable[int]) -> list[str]:
        return [self.projects[i].title for i in ids]

    def names(self, ids: list[int], limit: int = 5) -> str:
        """Project titles for a sentence: the first `limit`, then how many more."""
        titles = [f"“{title}”" for title in self.titles(ids[:limit])]
        if len(ids) > limit:
            titles.append(ngettext("%(num)d more project", "%(num)d more projects",
                                   len(ids) - limit))
        return ", ".join(titles)

    def difference(self, outcome: Outcome) -> str:
        """What `outcome` would change against the budget's rule, in plain words."""
        rule = outcome.label
        if outcome.same:
            return _("%(rule)s would fund the same projects.", rule=rule)
        if outcome.added and outcome.removed:
            return _("%(rule)s would fund %(added)s instead of %(removed)s.", rule=rule,
                     added=self.names(outcome.added), removed=self.names(outcome.removed))
        if outcome.added:
            return _("%(rule)s would also fund %(added)s.", rule=rule,
                     added=self.names(outcome.added))
        return _("%(rule)s would not fund %(removed)s.", rule=rule,
                 removed=self.names(outcome.removed))

    def compared(self) -> list[Outcome]:
        """The budget's rule first, then the others."""
        return [self.outcomes[self.rule]] + [o for r, o in self.outcomes.items()
                                             if r != self.rule]


def run_rule(rule: str, costs: dict[str, int], amount: int, ballots: list[tuple[str, ...]],
             votes: dict[str, int], min_votes: int = 0) -> list[str]:
    """The projects `rule` funds (string ids, in the order chosen)."""
    if rule == "greedy":
        return rules.greedy(costs, amount, votes)
    if rule == "greedy-no-skip":
        return rules.greedy(costs, amount, votes, skip=False)
    if rule == "greedy-threshold":
        return rules.greedy(costs, amount, votes, threshold=min_votes)
    if rule == "equalshares":
        return rules.equal_shares(costs, amount, ballots)
    if rule == "equalshares/add1":
        return rules.equal_shares_add1(costs, amount, ballots)
    if rule == "equalshares/add1-comparison":
        return rules.equal_shares_add1_comparison(costs, amount, ballots)
    raise ValueError(f"unknown rule {rule!r}")


def _outcome(rule: str, result: HeadingResult, votes: dict[str, int],
             min_votes: int) -> Outcome:
    funded = [int(p) for p in run_rule(rule, result.costs, result.amount, result.ballots,
                                       votes, min_votes)]
    funded_set = {str(p) for p in funded}
    served = sum(1 for ballot in result.ballots if any(p in funded_set for p in ballot))
    return Outcome(rule, funded, sum(result.projects[p].cost for p in funded), served)


def _load(budget: Budget) -> dict[int, HeadingResult]:
    """Headings and their projects on the ballot (two queries); ballots come next."""
    rows = db.session.execute(
        select(BudgetHeading, BudgetGroup).join(BudgetGroup,
                                                BudgetGroup.id == BudgetHeading.group_id)
        .where(BudgetHeading.budget_id == budget.id)
        .order_by(BudgetGroup.position, BudgetGroup.id, BudgetHeading.position,
                  BudgetHeading.id)).all()
    results = {heading.id: HeadingResult(heading, group, {}, [], rule=budget.allocation_rule)
               for heading, group in rows}
    for project_id, heading_id, title, price, winner in db.session.execute(
            select(Project.id, Project.heading_id, Project.title, Project.price, Project.winner)
            .where(Project.budget_id == budget.id, Project.selected.is_(True),
                   Project.withdrawn_at.is_(None), Project.incompatible.is_(False))
            .order_by(Project.id)):
        if heading_id in results:
            results[heading_id].projects[project_id] = ProjectRow(project_id, title,
                                                                  price or 0, winner)
    return results


def _project_list(dialect: str) -> Any:
    """The ballot's project ids in a heading as one comma-separated text (SQL aggregate)."""
    if dialect == "postgresql":
        return func.string_agg(cast(BallotLine.project_id, String), ",")
    return func.group_concat(BallotLine.project_id, ",")


def _count_ballots(budget: Budget, results: dict[int, HeadingResult]) -> None:
    """One row per ballot and heading (lines aggregated in SQL, streamed): the ballot counts
    in the heading when it meets the heading's checkout rules."""
    dialect = db.session.get_bind().dialect.name
    statement = (select(BallotLine.heading_id, func.count(BallotLine.id),
                        func.sum(BallotLine.cost), _project_list(dialect))
                 .join(Ballot, Ballot.id == BallotLine.ballot_id)
                 .where(Ballot.budget_id == budget.id)
                 .group_by(BallotLine.ballot_id, BallotLine.heading_id)
                 .order_by(BallotLine.ballot_id, BallotLine.heading_id)  # voters' order in files
                 .execution_options(yield_per=LINES_BATCH))
    eligible = {heading_id: {str(p) for p in result.projects}
                for heading_id, result in results.items()}
    for heading_id, count, spent, listed in db.session.execute(statement):
        result = results.get(heading_id)
        if result is None:
            continue
        if not is_complete(result.heading, spent, count):
            result.incomplete += 1
            continue
        on_ballot = eligible[heading_id]
        ballot = tuple(sorted(p for p in listed.split(",") if p in on_ballot))
        if ballot:
            result.ballots.append(ballot)
    for result in results.values():
        votes = rules.approval_votes(result.costs, result.ballots)
        for project_id, project in result.projects.items():
            project.votes = votes[str(project_id)]


# Computed outcomes of recent budgets, kept while nothing they depend on changes: the
# results page of a budget with 100,000 ballots then reads one small query instead of all
# lines and four rules (about two seconds on PostgreSQL). Plain data only, no ORM objects.
_CACHE: OrderedDict[tuple[Any, ...], dict[int, tuple[Any, ...]]] = OrderedDict()
_CACHE_LOCK = threading.Lock()  # pages are served by several threads
CACHE_SIZE = 8


def _fingerprint(budget: Budget, results: dict[int, HeadingResult],
                 wanted: list[str]) -> tuple[Any, ...]:
    """Everything the outcomes depend on: the rules asked for, the headings' money and
    checkout rules, the projects on the ballot and their costs, and the ballots (their number
    and latest change: every line added or removed touches its ballot's `updated_at`)."""
    count, latest = db.session.execute(
        select(func.count(Ballot.id), func.max(Ballot.updated_at))
        .where(Ballot.budget_id == budget.id)).one()
    return (budget.id, tuple(wanted), budget.min_votes, count, latest,
            tuple((r.heading.id, r.heading.amount, r.heading.min_projects,
                   r.heading.min_percent, tuple((p.id, p.cost) for p in r.projects.values()))
                  for r in results.values()))


def compute(budget: Budget, *, compare: bool = True) -> list[HeadingResult]:
    """Every heading's result under the budget's rule, and (with `compare`) under the rules
    of `COMPARED_RULES`, each with what it adds and removes against the budget's rule.
    Four queries at most (headings, projects, the cache check, the ballots)."""
    results = _load(budget)
    wanted = [budget.allocation_rule] + ([r for r in COMPARED_RULES
                                          if r != budget.allocation_rule] if compare else [])
    key = _fingerprint(budget, results, wanted)
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
        if cached is not None:
            _CACHE.move_to_end(key)
    if cached is None:
        _count_ballots(budget, results)
        for result in results.values():
            votes = {str(p.id): p.votes for p in result.projects.values()}
            for rule in wanted:
                result.outcomes[rule] = _outcome(rule, result, votes, budget.min_votes)
            chosen = set(result.chosen.funded)
            for outcome in result.outcomes.values():
                outcome.added = [p for p in outcome.funded if p not in chosen]
                outcome.removed = [p for p in result.chosen.funded
                                   if p not in set(outcome.funded)]
        computed = {heading_id: (r.ballots, r.incomplete,
                                 {p.id: p.votes for p in r.projects.values()}, r.outcomes)
                    for heading_id, r in results.items()}
        with _CACHE_LOCK:
            _CACHE[key] = computed
            while len(_CACHE) > CACHE_SIZE:
                _CACHE.popitem(last=False)
    else:
        for heading_id, (ballots, incomplete, votes, outcomes) in cached.items():
            result = results[heading_id]
            result.ballots, result.incomplete, result.outcomes = ballots, incomplete, outcomes
            for project_id, project in result.projects.items():
                project.votes = votes[project_id]
    return list(results.values())


def publish(actor: Any, space: Any, budget_id: int) -> Budget:
    """Publish the results: the budget's rule decides the winners (`winner` flags), the
    budget moves to "finished". Only from "reviewing_ballots"; audited. One transaction."""
    budget = locked(Budget, budget_id, space)
    if budget.phase != "reviewing_ballots":
        db.session.rollback()
        raise DomainError(_("Results can be published only while ballots are being reviewed, "
                            "after voting has closed."), status=409)
    winners = sorted(p for result in compute(budget, compare=False)
                     for p in result.chosen.funded)
    db.session.execute(update(Project).where(Project.budget_id == budget.id)
                       .values(winner=Project.id.in_(winners) if winners else False)
                       .execution_options(synchronize_session=False))
    before = budget.phase
    budget.phase = "finished"
    budget.results_published_at = utcnow()
    record(actor, space.id, "budgets.results_published", target(budget),
           rule=budget.allocation_rule, winners=winners,
           phase={"before": before, "after": "finished"})
    db.session.commit()
    return budget


def target(budget: Budget) -> Any:
    """The budget as an audit target."""
    return SimpleNamespace(target_name="budget", id=budget.id)


# --- PaBuLib export -----------------------------------------------------------------------------

def _pabulib_date(day: date | None) -> str | None:
    return day.strftime("%d.%m.%Y") if day else None


def heading_election(budget: Budget, result: HeadingResult) -> pabulib.Election:
    """A heading's election as PaBuLib data: the counted ballots, numbered 1..n (no user ids),
    projects with their cost, counted votes, name and (once published) whether they won."""
    space = budget.space
    balloting = next((p for p in budget.phases if p.kind == "balloting"), None)
    meta: dict[str, str] = {
        "description": f"{budget.name}: {result.heading.name}",
        "country": getattr(space, "country", None) or "",
        "unit": space.name,
        "subunit": result.heading.name,
        "instance": str(balloting.starts_on.year if balloting and balloting.starts_on
                         else budget.created_at.year),
        "num_projects": str(len(result.projects)),
        "num_votes": str(len(result.ballots)),
        "budget": str(result.amount),
        "vote_type": "approval",
        "rule": budget.allocation_rule,
        "currency": budget.currency,
    }
    if budget.allocation_rule == "greedy-threshold":
        meta["min_project_score_threshold"] = str(budget.min_votes)
    if budget.voting_style == "approval" and result.heading.max_projects:
        meta["max_length"] = str(result.heading.max_projects)
    if balloting is not None:
        for key, day in (("date_begin", balloting.starts_on), ("date_end", balloting.ends_on)):
            if day is not None:
                meta[key] = _pabulib_date(day) or ""
    meta = {k: v for k, v in meta.items() if v != ""}
    published = budget.results_published_at is not None
    projects = {
        str(p.id): pabulib.Project(str(p.id), p.cost, votes=p.votes,
                                   selected=(1 if p.winner else 0) if published else None,
                                   extra={"name": p.title})
        for p in sorted(result.projects.values(), key=lambda p: p.id)}
    votes = [pabulib.Vote(str(n), ballot) for n, ballot in enumerate(result.ballots, start=1)]
    return pabulib.Election(meta, projects, votes)


def export_heading(budget: Budget, heading_id: int | None) -> tuple[HeadingResult, str] | None:
    """The `.pb` text of one heading (the first when `heading_id` is None); None when the
    budget has no such heading."""
    results = compute(budget, compare=False)
    result = next((r for r in results if heading_id is None or r.heading.id == heading_id),
                  None)
    if result is None:
        return None
    return result, pabulib.write(heading_election(budget, result))


# --- PaBuLib import -----------------------------------------------------------------------------

IMPORT_MAX_BYTES = 20 * 1024 * 1024
IMPORT_VOTE_TYPES = ("approval", "choose-1")
INSERT_BATCH = 5_000


def _whole(value: Any) -> int | None:
    """An amount as whole currency units, or None when it has decimals or is too large to
    store (money is BIGINT, at most `MONEY_MAX`)."""
    if int(value) != value or value > MONEY_MAX:
        return None
    return int(value)


def _file_date(text: str | None) -> date | None:
    """PaBuLib dates are dd.mm.yyyy (some files use yyyy-mm-dd); None when unreadable."""
    if not text:
        return None
    from datetime import datetime

    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None


def _title(project: pabulib.Project) -> str:
    from decide.budgets.models import TITLE_MAX, TITLE_MIN

    name = (project.extra.get("name") or project.extra.get("title") or "").strip()
    if len(name) < TITLE_MIN:
        name = _("Project %(id)s", id=project.id) + (f": {name}" if name else "")
    return name[:TITLE_MAX]


def parse_upload(data: bytes) -> pabulib.Election:
    """The election of an uploaded file, checked for what Decide can store; DomainError 422
    naming the line of the first problem."""
    try:
        election = pabulib.parse(data, max_bytes=IMPORT_MAX_BYTES)
    except pabulib.PabulibError as error:
        if error.line:
            raise DomainError(_("This is not a valid PaBuLib file: line %(line)s: %(problem)s",
                                line=error.line, problem=error.message), status=422) from None
        raise DomainError(_("This is not a valid PaBuLib file: %(problem)s",
                            problem=error.message), status=422) from None
    if election.vote_type not in IMPORT_VOTE_TYPES:
        raise DomainError(_("Only approval ballots can be imported (this file has %(type)s "
                            "ballots).", type=election.vote_type), status=422)
    if _whole(election.budget) is None or any(_whole(p.cost) is None
                                               for p in election.projects.values()):
        raise DomainError(_("Amounts with decimals or larger than %(max)s cannot be imported: "
                            "budgets and costs are in whole currency units.",
                            max=format_decimal(MONEY_MAX)), status=422)
    if election.rule == "greedy-threshold" and "min_project_score_threshold" not in election.meta:
        raise DomainError(_("The file's rule needs META min_project_score_threshold."),
                          status=422)
    return election


def import_election(actor: Any, space: Any, data: bytes, name: str = "",
                    locale: str = "en") -> Budget:
    """A finished budget from a `.pb` file: one group with one heading, the projects (on the
    ballot, priced, winners per the file's `selected` column or else computed with the file's
    rule), anonymous ballots (no user) and their lines. One transaction: a bad file creates
    nothing."""
    from decide.budgets.models import PHASES, BudgetPhase
    from decide.core.text import render_markdown

    election = parse_upload(data)
    meta = election.meta
    rule = election.rule if election.rule in rules.RULES else "greedy"
    official = election.official_outcome
    winners = official if official is not None else set(pabulib.outcome(election, rule))
    currency = (meta.get("currency") or "").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        currency = space.currency
    title = (name or meta.get("description") or " ".join(
        filter(None, (meta.get("unit"), meta.get("instance"))))
        or _("Imported budget")).strip()[:120]
    now = utcnow()
    budget = Budget(space_id=space.id, names={locale: title}, descriptions={},
                    currency=currency, voting_style="approval", allocation_rule=rule,
                    min_votes=int(pabulib.parse_money(meta["min_project_score_threshold"]))
                    if rule == "greedy-threshold" else 0,
                    phase="finished", published_at=now, results_published_at=now)
    begin, end = _file_date(meta.get("date_begin")), _file_date(meta.get("date_end"))
    budget.phases = [BudgetPhase(kind=kind, position=i, enabled=kind in ("balloting",
                                                                         "finished"),
                                 starts_on=begin if kind == "balloting" else None,
                                 ends_on=end if kind == "balloting" else None)
                     for i, kind in enumerate(PHASES)]
    group = BudgetGroup(names={locale: meta.get("unit") or title}, max_headings=1)
    budget.groups = [group]
    db.session.add(budget)
    db.session.flush()
    max_length = meta.get("max_length", "").strip()
    heading = BudgetHeading(budget_id=budget.id, group_id=group.id,
                            names={locale: meta.get("subunit") or meta.get("unit") or title},
                            amount=int(election.budget),
                            max_projects=int(max_length) if max_length.isdigit()
                            and int(max_length) < 2**15 else None,
                            projects_count=len(election.projects))
    db.session.add(heading)
    db.session.flush()
    projects: dict[str, Project] = {}
    for file_project in election.projects.values():
        text = (file_project.extra.get("description") or "").strip() \
            or _("Imported from a PaBuLib file (project %(id)s).", id=file_project.id)
        projects[file_project.id] = Project(
            space_id=space.id, budget_id=budget.id, heading_id=heading.id, group_id=group.id,
            author_id=actor.id, title=_title(file_project), description=text,
            description_html=render_markdown(text), locale=locale, feasibility="feasible",
            price=int(file_project.cost), valuation_finished_at=now, selected=True,
            winner=file_project.id in winners)
    db.session.add_all(projects.values())
    db.session.flush()
    _insert_ballots(budget, heading, group, election, projects, now)
    from decide.budgets.ballots import recount_votes

    recount_votes(budget.id)
    record(actor, space.id, "budgets.imported", target(budget), rule=rule,
           projects=len(projects), ballots=len(election.votes),
           winners=sorted(projects[p].id for p in winners if p in projects))
    db.session.commit()
    return budget


def _insert_ballots(budget: Budget, heading: BudgetHeading, group: BudgetGroup,
                    election: pabulib.Election, projects: dict[str, Project],
                    now: Any) -> None:
    """Anonymous ballots and their lines, inserted in batches (files hold up to ~100,000)."""
    from sqlalchemy import insert

    votes = election.votes
    for start in range(0, len(votes), INSERT_BATCH):
        chunk = votes[start:start + INSERT_BATCH]
        ids = db.session.scalars(
            insert(Ballot).returning(Ballot.id, sort_by_parameter_order=True),
            [{"budget_id": budget.id, "user_id": None, "created_at": now, "updated_at": now}
             for _vote in chunk]).all()
        lines = [{"ballot_id": ballot_id, "project_id": projects[p].id,
                  "heading_id": heading.id, "group_id": group.id,
                  "cost": projects[p].price, "created_at": now}
                 for ballot_id, vote in zip(ids, chunk, strict=True)
                 for p in dict.fromkeys(vote.projects)]
        if lines:
            db.session.execute(insert(BallotLine), lines)
