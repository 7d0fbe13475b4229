"""The PaBuLib `.pb` format (pabulib.org): read, write, and compute the outcome a file names.

A file has three sections, each opened by a line holding only its name: ``META`` (``key;value``
rows), ``PROJECTS`` and ``VOTES`` (a header row, then one row per project or voter). Rows are
``;``-separated CSV: quoted fields, doubled quotes, CRLF, LF or both in one file. Project ids are
strings; costs and the budget may be decimals.

`read` checks everything and raises `PabulibError` naming the line of the first problem; it
never returns a partly read election. `write` produces an anonymised file (voters numbered 1..n,
no other voter columns) that `read` reads back to an equal election.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from decide.budgets import rules
from decide.budgets.rules import Money, ProjectId

SECTIONS = ("META", "PROJECTS", "VOTES")
VOTE_TYPES = ("approval", "cumulative", "ordinal", "choose-1")
# Project columns `read` interprets; any other column is kept as text in `Project.extra`.
PROJECT_COLUMNS = ("project_id", "cost", "votes", "score", "selected")
DEFAULT_MAX_BYTES = 64 * 1024 * 1024


class PabulibError(ValueError):
    """A malformed `.pb` file; ``line`` is the 1-based line of the problem (0: whole file)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}" if line else message)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Project:
    id: ProjectId
    cost: Money
    votes: int | None = None
    score: Money | None = None
    selected: int | None = None  # 0 not funded; 1 funded; 2 and 3 partly or otherwise funded
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Vote:
    voter_id: str
    projects: tuple[ProjectId, ...]  # in the file's order (ranked order for ordinal ballots)
    points: tuple[int, ...] | None = None  # cumulative ballots (and ``points`` columns)
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Election:
    meta: dict[str, str]
    projects: dict[ProjectId, Project]
    votes: list[Vote]

    @property
    def budget(self) -> Money:
        return parse_money(self.meta["budget"])

    @property
    def vote_type(self) -> str:
        return self.meta.get("vote_type", "approval")

    @property
    def rule(self) -> str | None:
        return self.meta.get("rule")

    @property
    def costs(self) -> dict[ProjectId, Money]:
        return {p.id: p.cost for p in self.projects.values()}

    @property
    def official_outcome(self) -> set[ProjectId] | None:
        """Projects marked funded (``selected`` not 0), or None without a selected column."""
        if any(p.selected is None for p in self.projects.values()):
            return None
        return {p.id for p in self.projects.values() if p.selected}

    def approval_ballots(self) -> list[tuple[ProjectId, ...]]:
        return [vote.projects for vote in self.votes]

    def anonymised(self) -> Election:
        """The same election with voters numbered 1..n and no other voter data."""
        votes = [Vote(str(number), vote.projects, vote.points)
                 for number, vote in enumerate(self.votes, start=1)]
        return Election(dict(self.meta), dict(self.projects), votes)


def parse_money(text: str) -> Money:
    """An int when the text has no decimals, else an exact Decimal; ValueError otherwise."""
    text = text.strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"not a number: {text!r}") from None
    if not value.is_finite():
        raise ValueError(f"not a number: {text!r}")
    if value < 0:
        raise ValueError(f"negative amount: {text!r}")
    return int(value) if value == value.to_integral_value() and "." not in text else value


def _parse_int(text: str, line: int, what: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise PabulibError(line, f"{what} is not a whole number: {text!r}") from None


def read(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Election:
    """Read a `.pb` file (see `parse`)."""
    with open(path, "rb") as handle:
        data = handle.read(max_bytes + 1)
    return parse(data, max_bytes=max_bytes)


def parse(data: bytes | str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Election:
    """Parse the text of a `.pb` file; PabulibError names the line of the first problem."""
    if isinstance(data, bytes):
        if len(data) > max_bytes:
            raise PabulibError(0, f"file larger than {max_bytes} bytes")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[:exc.start].count(b"\n") + 1
            raise PabulibError(line, "not UTF-8 text") from None
    else:
        text = data
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", quotechar='"',
                        strict=True)
    meta: dict[str, str] = {}
    meta_lines: dict[str, int] = {}
    projects: dict[ProjectId, Project] = {}
    votes: list[Vote] = []
    section: str | None = None
    header: list[str] | None = None
    header_line = 0
    seen_sections: list[str] = []
    seen_voters: set[str] = set()
    line = 0
    try:
        for row in reader:
            line = reader.line_num
            if not row or all(not cell.strip() for cell in row):
                continue  # blank line
            first = row[0].strip()
            if first in SECTIONS and all(not cell.strip() for cell in row[1:]):
                expected = SECTIONS[len(seen_sections)] if len(seen_sections) < 3 else None
                if first != expected:
                    raise PabulibError(line, f"section {first} out of place"
                                       f" (expected {expected or 'nothing more'})")
                seen_sections.append(first)
                section, header = first, None
                continue
            if section is None:
                raise PabulibError(line, "text before the META section")
            if header is None:
                header = [cell.strip() for cell in row]
                header_line = line
                _check_header(section, header, line)
                if section == "PROJECTS":
                    _check_meta(meta, meta_lines, header_line)
                continue
            if len(row) != len(header):
                raise PabulibError(line, f"{len(row)} fields where the header (line "
                                   f"{header_line}) has {len(header)}")
            cells = dict(zip(header, row, strict=True))
            if section == "META":
                key = row[0].strip()
                if key in meta:
                    raise PabulibError(line, f"META key {key!r} appears twice")
                meta[key] = row[1]
                meta_lines[key] = line
            elif section == "PROJECTS":
                project = _project(cells, line)
                if project.id in projects:
                    raise PabulibError(line, f"project {project.id!r} appears twice")
                projects[project.id] = project
            else:
                vote = _vote(cells, line, projects, meta.get("vote_type", "approval"))
                if vote.voter_id in seen_voters:
                    raise PabulibError(line, f"voter {vote.voter_id!r} appears twice")
                seen_voters.add(vote.voter_id)
                votes.append(vote)
    except csv.Error as exc:
        # The failing record starts on the line after the last one read (an unclosed quote
        # would otherwise be reported at the end of the file).
        raise PabulibError(line + 1, f"malformed CSV: {exc}") from None
    end = line + 1
    if len(seen_sections) < 3:
        missing = SECTIONS[len(seen_sections)]
        raise PabulibError(end, f"missing section {missing}")
    if header is None:
        raise PabulibError(end, "the VOTES section has no header")
    if not projects:
        raise PabulibError(end, "no projects")
    return Election(meta, projects, votes)


def _check_header(section: str, header: list[str], line: int) -> None:
    if len(set(header)) != len(header):
        raise PabulibError(line, f"{section} header repeats a column")
    required = {"META": ("key", "value"), "PROJECTS": ("project_id", "cost"),
                "VOTES": ("voter_id", "vote")}[section]
    missing = [column for column in required if column not in header]
    if missing:
        raise PabulibError(line, f"{section} header lacks {', '.join(missing)}")
    if section == "META" and len(header) != 2:
        raise PabulibError(line, "META header must be key;value")


def _check_meta(meta: dict[str, str], meta_lines: dict[str, int], line: int) -> None:
    """``line``: the PROJECTS header, where a missing key is noticed."""
    if "budget" not in meta:
        raise PabulibError(line, "META has no budget")
    try:
        parse_money(meta["budget"])
    except ValueError as exc:
        raise PabulibError(meta_lines["budget"], f"META budget: {exc}") from None
    vote_type = meta.get("vote_type", "approval")
    if vote_type not in VOTE_TYPES:
        raise PabulibError(meta_lines["vote_type"], f"unknown vote_type {vote_type!r}")
    for key in ("max_length", "num_projects", "num_votes"):
        if key in meta:
            _parse_int(meta[key], meta_lines[key], key)
    if "min_project_score_threshold" in meta:
        try:
            parse_money(meta["min_project_score_threshold"])
        except ValueError as exc:
            raise PabulibError(meta_lines["min_project_score_threshold"],
                               f"min_project_score_threshold: {exc}") from None


def _project(cells: dict[str, str], line: int) -> Project:
    project_id = cells["project_id"].strip()
    if not project_id:
        raise PabulibError(line, "empty project_id")
    try:
        cost = parse_money(cells["cost"])
    except ValueError as exc:
        raise PabulibError(line, f"cost of project {project_id!r}: {exc}") from None
    votes = _optional_int(cells.get("votes"), line, "votes")
    score: Money | None = None
    if cells.get("score", "").strip():
        try:
            score = parse_money(cells["score"])
        except ValueError as exc:
            raise PabulibError(line, f"score: {exc}") from None
    selected = _optional_int(cells.get("selected"), line, "selected")
    extra = {k: v for k, v in cells.items() if k not in PROJECT_COLUMNS}
    return Project(project_id, cost, votes, score, selected, extra)


def _optional_int(text: str | None, line: int, what: str) -> int | None:
    if text is None or not text.strip():
        return None
    value = _parse_int(text, line, what)
    if value < 0:
        raise PabulibError(line, f"{what} is negative")
    return value


def _vote(cells: dict[str, str], line: int, projects: dict[ProjectId, Project],
          vote_type: str) -> Vote:
    voter_id = cells["voter_id"].strip()
    if not voter_id:
        raise PabulibError(line, "empty voter_id")
    chosen = tuple(p.strip() for p in cells["vote"].split(",")) if cells["vote"].strip() else ()
    for project in chosen:
        if project not in projects:
            raise PabulibError(line, f"vote names an unknown project {project!r}")
    if len(set(chosen)) != len(chosen):
        raise PabulibError(line, "vote names a project twice")
    if vote_type == "choose-1" and len(chosen) > 1:
        raise PabulibError(line, "a choose-1 vote names more than one project")
    points: tuple[int, ...] | None = None
    if "points" in cells:
        raw = cells["points"].split(",") if cells["points"].strip() else []
        points = tuple(_parse_int(p, line, "points") for p in raw)
        if len(points) != len(chosen):
            raise PabulibError(line, f"{len(points)} points for {len(chosen)} projects")
        if any(p < 0 for p in points):
            raise PabulibError(line, "negative points")
    elif vote_type == "cumulative":
        raise PabulibError(line, "cumulative vote without points")
    extra = {k: v for k, v in cells.items() if k not in ("voter_id", "vote", "points")}
    return Vote(voter_id, chosen, points, extra)


def write(election: Election) -> str:
    """The anonymised `.pb` text of an election: voters numbered 1..n, no other voter data."""
    election = election.anonymised()
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", quotechar='"', lineterminator="\n")
    out.write("META\n")
    writer.writerow(["key", "value"])
    for key, value in election.meta.items():
        writer.writerow([key, value])
    out.write("PROJECTS\n")
    projects = list(election.projects.values())
    optional = [c for c in ("votes", "score", "selected")
                if any(getattr(p, c) is not None for p in projects)]
    extra_columns: list[str] = []
    for project in projects:
        extra_columns += [c for c in project.extra if c not in extra_columns]
    writer.writerow(["project_id", "cost", *optional, *extra_columns])
    for project in projects:
        writer.writerow([project.id, project.cost,
                         *("" if getattr(project, c) is None else getattr(project, c)
                           for c in optional),
                         *(project.extra.get(c, "") for c in extra_columns)])
    out.write("VOTES\n")
    with_points = any(vote.points is not None for vote in election.votes)
    writer.writerow(["voter_id", "vote", *(["points"] if with_points else [])])
    for vote in election.votes:
        row = [vote.voter_id, ",".join(vote.projects)]
        if with_points:
            row.append(",".join(str(p) for p in vote.points or ()))
        writer.writerow(row)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# Outcomes


def _threshold(election: Election) -> Money:
    text = election.meta.get("min_project_score_threshold")
    if text is None:
        raise ValueError("rule greedy-threshold needs META min_project_score_threshold")
    return parse_money(text)


def outcome(election: Election, rule: str | None = None) -> list[ProjectId]:
    """Funded project ids under ``rule`` (default: the rule META names), in order of choice.

    For cumulative and ordinal files the greedy rules rank by points (what such cities do);
    Equal Shares needs approval ballots (the projects of each vote are taken as approved).
    """
    rule = rule or election.rule
    if rule is None:
        raise ValueError("no rule given and META names none")
    if rule not in rules.RULES:
        raise ValueError(f"unknown rule {rule!r} (known: {', '.join(rules.RULES)})")
    costs, budget = election.costs, election.budget
    ballots: Sequence[tuple[ProjectId, ...]] = election.approval_ballots()
    if rule.startswith("greedy"):
        supporters = rules.approval_votes(costs, ballots)
        if election.vote_type == "cumulative":
            scores = rules.cumulative_points(
                costs, [dict(zip(v.projects, v.points or (), strict=True))
                        for v in election.votes])
        elif election.vote_type == "ordinal":
            max_length = election.meta.get("max_length")
            scores = rules.ordinal_points(costs, ballots,
                                          int(max_length) if max_length else None)
        else:
            scores = supporters
        return rules.greedy(costs, budget, scores, supporters=supporters,
                            skip=rule != "greedy-no-skip",
                            threshold=_threshold(election) if rule == "greedy-threshold"
                            else None)
    if rule == "equalshares":
        return rules.equal_shares(costs, budget, ballots)
    if rule == "equalshares/add1":
        return rules.equal_shares_add1(costs, budget, ballots)
    return rules.equal_shares_add1_comparison(costs, budget, ballots)
