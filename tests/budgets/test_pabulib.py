"""The PaBuLib `.pb` reader and writer, the outcome of each file's rule, and the CLI.

Real elections are read from ``../shared/data/pabulib`` beside the repository (or the folder
in DECIDE_TEST_PABULIB_DIR); those tests skip when it is absent. The synthetic fixtures in
``fixtures/`` always run.
"""

from __future__ import annotations

import os
import time
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from decide.budgets import pabulib, rules
from decide.budgets.pabulib import PabulibError
from decide.cli import pabulib_group

FIXTURES = Path(__file__).parent / "fixtures"
REAL_DIR = Path(os.environ.get("DECIDE_TEST_PABULIB_DIR")
                or Path(__file__).resolve().parents[2].parent / "shared" / "data" / "pabulib")
REAL_FILES = sorted(REAL_DIR.glob("*.pb")) if REAL_DIR.is_dir() else []


# ---------------------------------------------------------------------------------------------
# Reader


def test_reader_handles_quoting_crlf_and_extra_columns() -> None:
    election = pabulib.read(FIXTURES / "greedy_approval.pb")
    assert election.meta["description"] == "Greedy; quoted"
    assert election.budget == 10 and isinstance(election.budget, int)
    assert list(election.projects) == ["a", "b", "c", "d"]
    assert election.projects["a"].extra["name"] == 'Park "Green" corner'
    assert election.projects["c"].extra["name"] == "Bikes; lanes"
    assert election.projects["a"].votes == 4 and election.projects["a"].selected == 1
    assert election.votes[0].voter_id == "v1"
    assert election.votes[0].projects == ("a", "b", "c", "d")
    assert election.votes[0].extra == {"age": "30"}
    assert election.official_outcome == {"a", "c"}


def test_reader_handles_mixed_line_endings_string_ids_and_decimals() -> None:
    mixed = pabulib.read(FIXTURES / "comparison_keeps_shares.pb")  # LF with some CRLF
    assert mixed.rule == "equalshares/add1-comparison" and len(mixed.votes) == 5
    decimals = pabulib.read(FIXTURES / "cumulative_points.pb")
    assert decimals.budget == Decimal("30.50")
    assert decimals.projects["p1"].cost == Decimal("20.50")
    assert decimals.votes[0].points == (4, 6)
    ranked = pabulib.read(FIXTURES / "ordinal_points.pb")
    assert ranked.votes[0].projects == ("BO.2/23", "BO.3/23", "BO.1/23")


def test_reader_accepts_a_bom_and_blank_lines() -> None:
    text = (FIXTURES / "add1_completion.pb").read_bytes()
    election = pabulib.parse(b"\xef\xbb\xbf" + text.replace(b"PROJECTS\n", b"\nPROJECTS\n"))
    assert election.costs == {"A": 60, "B": 60, "C": 30}


GOOD = (FIXTURES / "add1_completion.pb").read_text()


def broken(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new, 1)


@pytest.mark.parametrize(("text", "line", "message"), [
    (broken("budget;100", "budget;lots"), 3, "budget"),
    (broken("budget;100\n", ""), 6, "no budget"),
    (broken("vote_type;approval", "vote_type;lottery"), 4, "vote_type"),
    (broken("rule;", "max_length;three\nrule;"), 5, "max_length"),
    (broken("B;60;3;0", "B;-60;3;0"), 9, "negative"),
    (broken("B;60;3;0", "B;sixty;3;0"), 9, "not a number"),
    (broken("B;60;3;0", "B;60;3;yes"), 9, "selected"),
    (broken("B;60;3;0", "A;60;3;0"), 9, "appears twice"),
    (broken("B;60;3;0", "B;60;3"), 9, "3 fields"),
    (broken("C;30;1;1", 'C;"30;1;1'), 10, "malformed CSV"),
    (broken("C;30;1;1", 'C;"30"x;1;1'), 10, "malformed CSV"),
    (broken("3;B,A", "3;B,Q"), 15, "unknown project"),
    (broken("3;B,A", "3;B,B"), 15, "twice"),
    (broken("3;B,A", "2;B,A"), 15, "voter '2' appears twice"),
    (broken("VOTES\n", "VOTES\nVOTES\n"), 12, "out of place"),
    (broken("PROJECTS\n", ""), 6, "4 fields where the header"),
    (broken("META\n", "hello\nMETA\n"), 1, "before the META"),
    (GOOD.split("VOTES")[0], 11, "missing section VOTES"),
    (broken("project_id;cost", "project_id;price"), 7, "lacks cost"),
])
def test_malformed_files_name_the_line(text: str, line: int, message: str) -> None:
    with pytest.raises(PabulibError, match=message) as caught:
        pabulib.parse(text)
    assert caught.value.line == line, str(caught.value)
    assert str(caught.value).startswith(f"line {line}: ")


def test_cumulative_vote_needs_points_matching_its_projects() -> None:
    text = (FIXTURES / "cumulative_points.pb").read_text()
    with pytest.raises(PabulibError, match="2 points for 1 projects") as caught:
        pabulib.parse(text.replace("3;p1;4", "3;p1;4,4"))
    assert caught.value.line == 16
    with pytest.raises(PabulibError, match="without points"):
        pabulib.parse(text.replace("voter_id;vote;points", "voter_id;vote;pts"))


def test_not_utf8_and_too_large_are_refused() -> None:
    with pytest.raises(PabulibError, match="line 3: not UTF-8"):
        pabulib.parse(b"META\nkey;value\nname;\xff\n")
    with pytest.raises(PabulibError, match="larger than 10 bytes"):
        pabulib.parse(GOOD.encode(), max_bytes=10)


# ---------------------------------------------------------------------------------------------
# Writer


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.pb")))
def test_writer_output_reads_back_identically_and_is_anonymised(name: str) -> None:
    election = pabulib.read(FIXTURES / name)
    text = pabulib.write(election)
    again = pabulib.parse(text)
    assert again == election.anonymised()
    assert [v.voter_id for v in again.votes] == [str(n) for n in range(1, len(again.votes) + 1)]
    assert all(not v.extra for v in again.votes)
    assert pabulib.outcome(again) == pabulib.outcome(election)


def test_writer_drops_voter_identifiers_and_columns() -> None:
    text = pabulib.write(pabulib.read(FIXTURES / "greedy_approval.pb"))
    assert "v1" not in text and "age" not in text and ";30\n" not in text
    assert '"Park ""Green"" corner"' in text and '"Bikes; lanes"' in text


# ---------------------------------------------------------------------------------------------
# Outcomes: synthetic fixtures (hand-computed, see test_rules.py) and real elections


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.pb")))
def test_fixture_rule_reproduces_its_selected_column(name: str) -> None:
    election = pabulib.read(FIXTURES / name)
    assert set(pabulib.outcome(election)) == election.official_outcome


def test_outcome_rule_override_and_errors() -> None:
    election = pabulib.read(FIXTURES / "greedy_approval.pb")
    assert pabulib.outcome(election, "greedy-no-skip") == ["a"]
    with pytest.raises(ValueError, match="unknown rule"):
        pabulib.outcome(election, "lottery")
    with pytest.raises(ValueError, match="min_project_score_threshold"):
        pabulib.outcome(election, "greedy-threshold")


def real_cases() -> list:
    # All eleven files take about 4 s on 2 cores, mostly reading Warszawa 2026 and Wrocław
    # (over 50,000 voters each); Add1 (Warszawa 2026: 186 reruns of Equal Shares) under 1 s.
    cases = [pytest.param(path, id=path.stem) for path in REAL_FILES]
    return cases or [pytest.param(None, id="no-shared-data",
                                  marks=pytest.mark.skip(f"{REAL_DIR} is absent"))]


@pytest.mark.parametrize("path", real_cases())
def test_real_election_rule_reproduces_the_official_outcome(path: Path) -> None:
    election = pabulib.read(path)
    # The files' own consistency figures agree with the ballots read.
    assert len(election.projects) == int(election.meta["num_projects"])
    assert len(election.votes) == int(election.meta["num_votes"])
    votes = rules.approval_votes(election.costs, election.approval_ballots())
    assert all(p.votes in (None, votes[p.id]) for p in election.projects.values())
    started = time.perf_counter()
    funded = pabulib.outcome(election)
    seconds = time.perf_counter() - started
    assert len(set(funded)) == len(funded)
    assert sum(election.costs[p] for p in funded) <= election.budget
    official = election.official_outcome
    if official is None:
        # Amsterdam's snapshot has no `selected` column (see the data's README).
        pytest.skip(f"no selected column; {election.rule} funds {len(funded)} projects")
    assert set(funded) == official, f"{election.rule} in {seconds:.2f} s"


# ---------------------------------------------------------------------------------------------
# CLI


def test_cli_prints_funded_ids_and_time() -> None:
    runner = CliRunner()
    result = runner.invoke(pabulib_group, ["outcome", str(FIXTURES / "add1_completion.pb")])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["A", "C"]
    assert "equalshares/add1: 2 projects in" in result.stderr
    result = runner.invoke(pabulib_group, ["outcome", str(FIXTURES / "add1_completion.pb"),
                                           "--rule", "equalshares"])
    assert result.stdout.splitlines() == ["A"]


def test_cli_bad_file_exits_non_zero_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pb"
    bad.write_text(broken("3;B,A", "3;B,Q"))
    result = CliRunner().invoke(pabulib_group, ["outcome", str(bad)])
    assert result.exit_code != 0
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        f"Error: {bad}: line 15: vote names an unknown project 'Q'"]
    missing = CliRunner().invoke(pabulib_group, ["outcome", str(tmp_path / "none.pb")])
    assert missing.exit_code != 0 and "none.pb" in missing.stderr


# ---------------------------------------------------------------------------------------------
# Agreement with pabutools (GPLv3+, optional: the test skips when it is not installed)

# pabutools needs 4-13 s per rule on the two files over 50,000 voters, and 23-122 s for
# Add1 on Świecie and Wieliczka: those are timed in bench/rules.py instead.
PABUTOOLS_TOO_SLOW = {"Poland_Wroclaw_2018", "Poland_Warszawa_2026"}


def pabutools_cases() -> list:
    cases = [pytest.param(path, id=path.stem) for path in REAL_FILES
             if path.stem not in PABUTOOLS_TOO_SLOW]
    return cases or [pytest.param(None, id="no-shared-data",
                                  marks=pytest.mark.skip(f"{REAL_DIR} is absent"))]


@pytest.mark.parametrize("path", pabutools_cases())
def test_greedy_and_equal_shares_agree_with_pabutools(path: Path) -> None:
    pytest.importorskip("pabutools")
    from pabutools.election import Cost_Sat, parse_pabulib
    from pabutools.rules import (
        exhaustion_by_budget_increase,
        greedy_utilitarian_welfare,
        method_of_equal_shares,
    )

    election = pabulib.read(path)
    if election.vote_type != "approval":
        pytest.skip("pabutools' greedy and Equal Shares are compared on approval ballots")
    instance, profile = parse_pabulib(str(path))
    costs, budget, ballots = election.costs, election.budget, election.approval_ballots()

    def names(outcome: object) -> set[str]:
        return {str(p.name) for p in outcome}  # type: ignore[attr-defined]

    assert set(rules.greedy_by_votes(costs, budget, ballots)) == names(
        greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat))
    assert set(rules.equal_shares(costs, budget, ballots)) == names(
        method_of_equal_shares(instance, profile, sat_class=Cost_Sat))
    # Add1 only on Assen: pabutools takes 23 s on Świecie and 111 s on Wieliczka, and where
    # every project fits it raises shares up to budget * (n + 1) (minutes for 27 voters).
    if len(ballots) < 100 and sum(costs.values()) > budget:
        assert set(rules.equal_shares_add1(costs, budget, ballots)) == names(
            exhaustion_by_budget_increase(
                instance, profile, method_of_equal_shares, rule_params={"sat_class": Cost_Sat},
                budget_step=profile.num_ballots(), exhaustive_stop=False))


def shares_cases() -> list:
    cases = [pytest.param(path, id=path.stem) for path in REAL_FILES
             if path.stem in ("Netherlands_Assen_2024", "Poland_Swiecie_2023",
                              "Poland_Wieliczka_2023_Green_Budget")]
    return cases or [pytest.param(None, id="no-shared-data",
                                  marks=pytest.mark.skip(f"{REAL_DIR} is absent"))]


@pytest.mark.parametrize("path", shares_cases())
def test_real_add1_skipping_and_float_runs_equal_exact_step_by_step(path: Path) -> None:
    """On the real Add1 elections: skipping shares gives what rerunning at every share gives,
    and (on the two smaller ones) the float runs at every 7th share up to the end of Add1 give
    what exact fractions give."""
    election = pabulib.read(path)
    instance = rules._EqualSharesInstance(election.costs, election.budget,
                                          election.approval_ballots())
    assert instance.add1() == instance.add1(skip_steps=False)
    if len(election.votes) > 3000:
        return
    share = instance.start_share
    while True:
        fast = instance.run_float(share)
        exact = instance.run(share)
        assert fast is None or fast.funded == exact, share
        if instance.total_cost(exact) > instance.budget:
            break
        share += 7 * instance.one_currency_unit
