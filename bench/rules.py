"""Time the allocation rules of decide.budgets.rules against pabutools on real elections.

    python3 bench/rules.py [--data DIR] [--timeout SECONDS] [--repeat N] [FILE.pb ...]

Default files: Poland_Warszawa_2026.pb (61,668 voters) and
Poland_Wieliczka_2023_Green_Budget.pb from DIR (default: ../shared/data/pabulib beside the
repository); absent files are skipped. For each rule it prints our time (the best of --repeat
runs, each from scratch, with its CPU time: on a shared machine the wall time varies with the
load), pabutools' time (when pabutools is installed; each pabutools computation runs once in a
child process stopped after --timeout seconds) and whether both fund the same projects. The
1-minute load average is printed before and after. pabutools is GPLv3+ and only ever imported
here, in the child process.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from decide.budgets import pabulib  # noqa: E402

DEFAULT_FILES = ("Poland_Warszawa_2026.pb", "Poland_Wieliczka_2023_Green_Budget.pb")
RULES = ("greedy", "greedy-no-skip", "greedy-threshold", "equalshares", "equalshares/add1",
         "equalshares/add1-comparison")


def pabutools_outcome(path: str, rule: str) -> dict[str, object]:
    """Run in the child process: pabutools' computation of ``rule``, as PaBuLib defines it."""
    from pabutools.election import Cardinality_Sat, Cost_Sat, Instance, parse_pabulib
    from pabutools.rules import (
        exhaustion_by_budget_increase,
        greedy_utilitarian_welfare,
        method_of_equal_shares,
        popularity_comparison,
    )

    instance, profile = parse_pabulib(path)
    started = time.perf_counter()
    if rule == "greedy":
        outcome = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)
    elif rule == "greedy-no-skip":
        # pabutools has no such rule: projects by votes, stop at the first that does not fit.
        sat = profile.as_sat_profile(Cost_Sat)
        ordered = sorted(instance, key=lambda p: (-sat.total_satisfaction_project(p) / p.cost,
                                                  p.cost, str(p.name)))
        outcome, left = [], instance.budget_limit
        for project in ordered:
            if sat.total_satisfaction_project(project) == 0 or project.cost > left:
                break
            outcome.append(project)
            left -= project.cost
    elif rule == "greedy-threshold":
        sat = profile.as_sat_profile(Cost_Sat)
        threshold = float(instance.meta["min_project_score_threshold"])
        eligible = Instance([p for p in instance
                             if sat.total_satisfaction_project(p) / p.cost >= threshold],
                            budget_limit=instance.budget_limit)
        outcome = greedy_utilitarian_welfare(eligible, profile, sat_profile=sat,
                                             is_sat_additive=True)
    elif rule == "equalshares":
        outcome = method_of_equal_shares(instance, profile, sat_class=Cost_Sat)
    elif rule == "equalshares/add1":
        outcome = exhaustion_by_budget_increase(
            instance, profile, method_of_equal_shares, rule_params={"sat_class": Cost_Sat},
            budget_step=profile.num_ballots(), exhaustive_stop=False)
    else:
        outcome = popularity_comparison(
            instance, profile, Cardinality_Sat,
            [exhaustion_by_budget_increase, greedy_utilitarian_welfare],
            [{"rule": method_of_equal_shares, "rule_params": {"sat_class": Cost_Sat},
              "budget_step": profile.num_ballots(), "exhaustive_stop": False},
             {"sat_class": Cost_Sat}])[0]
    return {"seconds": time.perf_counter() - started,
            "funded": sorted(str(p.name) for p in outcome)}


def pabutools_available() -> bool:
    check = subprocess.run([sys.executable, "-c", "import pabutools"], capture_output=True)
    return check.returncode == 0


def run_pabutools(path: Path, rule: str, timeout: float) -> dict[str, object] | None:
    try:
        child = subprocess.run([sys.executable, __file__, "--pabutools-child", str(path), rule],
                               capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    if child.returncode != 0:
        return {"error": child.stderr.strip().splitlines()[-1:]}
    return json.loads(child.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared/data/pabulib")
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pabutools-child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pabutools_child:
        print(json.dumps(pabutools_outcome(*args.pabutools_child)))
        return
    files = args.files or [args.data / name for name in DEFAULT_FILES]
    with_pabutools = pabutools_available()
    if not with_pabutools:
        print("pabutools is not installed: timing decide.budgets.rules only")
    print(f"load average (1 min) before: {os.getloadavg()[0]:.2f}")
    print("| file | rule | funded | decide s (CPU s) | pabutools s | same outcome |")
    print("|---|---|--:|--:|--:|:--:|")
    for path in files:
        if not path.is_file():
            print(f"skipped (absent): {path}", file=sys.stderr)
            continue
        started = time.perf_counter()
        election = pabulib.read(path)
        read_seconds = time.perf_counter() - started
        print(f"| {path.stem} | (reading the file) | | {read_seconds:.2f} | | |")
        for rule in RULES:
            if rule == "greedy-threshold" and "min_project_score_threshold" not in election.meta:
                continue
            timings = []
            for _ in range(max(args.repeat, 1)):
                started, cpu_started = time.perf_counter(), time.process_time()
                funded = pabulib.outcome(election, rule)
                timings.append((time.perf_counter() - started,
                                time.process_time() - cpu_started))
            seconds, cpu_seconds = min(timings)
            theirs, same = "not run", ""
            if with_pabutools:
                result = run_pabutools(path, rule, args.timeout)
                if result is None:
                    theirs, same = f"> {args.timeout:.0f}", "?"
                elif "error" in result:
                    theirs, same = f"error {result['error']}", "?"
                else:
                    theirs = f"{result['seconds']:.2f}"
                    same = "yes" if result["funded"] == sorted(funded) else "**no**"
            official = " (META rule)" if rule == election.rule else ""
            print(f"| {path.stem} | {rule}{official} | {len(funded)} | {seconds:.3f} "
                  f"({cpu_seconds:.3f}) | {theirs} | {same} |", flush=True)
    print(f"load average (1 min) after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
