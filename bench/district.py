"""Benchmark: a district plan against each provider planned alone (issue 11).

Run from the repository root: `python -m bench.district` (or `--quick`). For the `medium`
(2 providers) and `large` (5 providers) instances, with a fifth of the students also on a
second provider's caseload (`share_students`, one pull-out a day set), it prints, per
provider, the shortfall and fit minutes of the district plan and of that provider solved
alone with the same time and settings, and writes the "District plans" section of
docs/benchmarks.md. It also plans the instances without shared students both as one
problem (`solve`, the providers' time added up) and as a district plan. A script that
prints figures, never a timed assertion.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import time
from pathlib import Path
from typing import Any

from bench.docs import write_section
from pushin.scheduling.check import check_plan
from pushin.scheduling.district import (
    person_clashes,
    plan_district,
    provider_scores,
    share_students,
)
from pushin.scheduling.generate import generate_preset
from pushin.scheduling.parts import part_scenario, person_entries
from pushin.scheduling.scenario import Scenario
from pushin.scheduling.solve import solve

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## District plans vs providers alone"
FULL_LIMIT = 30.0  # seconds per provider
QUICK_LIMIT = 5.0
SHARE = 0.2
WORKERS = 1  # CP-SAT workers per solve, alone and in the district alike


def shared_instance(name: str) -> Scenario:
    scenario = share_students(generate_preset(name), share=SHARE, seed=0)
    return dataclasses.replace(scenario, one_pull_out_a_day=True)


def compare(name: str, limit: float) -> dict[str, Any]:
    scenario = shared_instance(name)
    started = time.perf_counter()
    result = plan_district(scenario, time_limit=limit, workers=WORKERS)
    district_seconds = time.perf_counter() - started
    rows = []
    for outcome in result.outcomes:
        begun = time.perf_counter()
        alone = solve(
            part_scenario(scenario, (outcome.provider,)), time_limit=limit, workers=WORKERS
        )
        seconds = time.perf_counter() - begun
        again = provider_scores(scenario, alone.sessions)[outcome.provider]
        rows.append(
            {
                "provider": outcome.provider,
                "students": sum(1 for s in scenario.students if s.provider == outcome.provider),
                "alone": outcome.alone,
                "again": again,
                "alone_seconds": seconds,
                "district": outcome.district,
                "how": outcome.how,
                "worse": outcome.worse,
                "worse_than_again": outcome.district.worse_than(again),
            }
        )
        print(
            f"{name} {outcome.provider}: alone shortfall {outcome.alone.shortfall} fit "
            f"{outcome.alone.fit:g}, again {again.shortfall} / {again.fit:g} "
            f"({seconds:.1f} s); district shortfall "
            f"{outcome.district.shortfall} fit {outcome.district.fit:g} ({outcome.how})",
            flush=True,
        )
    plan = result.plan
    alone_clashes = person_clashes(
        scenario, [s for alone in result.alone.values() for s in alone.sessions]
    )
    return {
        "instance": name,
        "providers": len(scenario.providers),
        "persons": len(person_entries(scenario)),
        "components": len(result.components),
        "alone_clashes": len(alone_clashes),
        "valid": not check_plan(scenario, plan),
        "clashes": len(person_clashes(scenario, plan.sessions)),
        "seconds": district_seconds,
        "limit": limit,
        "rows": rows,
    }


def one_problem(name: str, limit: float) -> dict[str, Any]:
    """Without shared students: `solve` of everyone (the providers' time added up; it
    plans the providers one after another, 2 CP-SAT workers each) against the district
    plan (each provider alone with the whole limit, several at once, 1 worker each)."""
    scenario = generate_preset(name)
    total = limit * len(scenario.providers)
    started = time.perf_counter()
    whole = solve(scenario, time_limit=total, workers=2)
    whole_seconds = time.perf_counter() - started
    started = time.perf_counter()
    district = plan_district(scenario, time_limit=limit, workers=WORKERS).plan
    district_seconds = time.perf_counter() - started
    print(
        f"{name} solve ({total:g} s): shortfall {whole.stats.shortfall_minutes} fit "
        f"{whole.stats.fit_minutes:g} ({whole_seconds:.1f} s); district: shortfall "
        f"{district.stats.shortfall_minutes} fit {district.stats.fit_minutes:g} "
        f"({district_seconds:.1f} s)",
        flush=True,
    )
    return {
        "instance": name,
        "total": total,
        "whole": whole,
        "whole_seconds": whole_seconds,
        "district": district,
        "district_seconds": district_seconds,
        "valid": not check_plan(scenario, whole) and not check_plan(scenario, district),
    }


def markdown(results: list[dict[str, Any]], wholes: list[dict[str, Any]], command: str) -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [
        SECTION,
        "",
        f"`{command}` on {os.cpu_count()} cores (load average at the end {load}). Each "
        f"instance with {SHARE:.0%} of its students also on a second provider's caseload "
        "(`share_students`: 30 minutes a week, one time in four pull-out) and one pull-out "
        "a day set. *Alone*: the district plan's own `solve` of that provider's students "
        f"alone, with the same time and settings ({WORKERS} CP-SAT worker); *district*: "
        "`plan_district`, every provider with that time, two at a time. Worse means more "
        "shortfall, or as much and less fit. *Alone again*: the same solve run once more, "
        "after the district plan: a wall-clock limit gives another plan on each run, and "
        "the last column compares the district plan with that one.",
        "",
        "| instance | provider | students | alone: shortfall / fit | district: shortfall / fit "
        "| how | worse | alone again | worse than again |",
        "|---|---|---|---|---|---|---|---|---|",
    ]

    def yes(flag: bool) -> str:
        return "yes" if flag else "no"

    for result in results:
        for row in result["rows"]:
            alone, district, again = row["alone"], row["district"], row["again"]
            lines.append(
                f"| {result['instance']} | {row['provider']} | {row['students']} | "
                f"{alone.shortfall} / {alone.fit:g} | {district.shortfall} / {district.fit:g} "
                f"| {row['how']} | {yes(row['worse'])} | {again.shortfall} / {again.fit:g} "
                f"| {yes(row['worse_than_again'])} |"
            )
    lines += [
        "",
        "| instance | providers | persons on two caseloads | their alone plans clash | "
        "district plan valid | persons in two places | seconds (limit a provider) |",
        "|---|---|---|---|---|---|---|",
    ]
    for result in results:
        lines.append(
            f"| {result['instance']} | {result['providers']} | {result['persons']} | "
            f"{result['alone_clashes']} | {'yes' if result['valid'] else 'NO'} | "
            f"{result['clashes']} | {result['seconds']:.1f} ({result['limit']:g}) |"
        )
    if wholes:
        lines += [
            "",
            "Without shared students, `solve` of the whole instance (the providers' time "
            "added up; it plans them one after another, 2 workers each) against the "
            "district plan (each provider with the whole limit, two at once, 1 worker each):",
            "",
            "| instance | solve: shortfall / fit (s) | district: shortfall / fit (s) |",
            "|---|---|---|",
        ]
        for whole in wholes:
            a, b = whole["whole"].stats, whole["district"].stats
            lines.append(
                f"| {whole['instance']} | {a.shortfall_minutes} / {a.fit_minutes:g} "
                f"({whole['whole_seconds']:.1f} of {whole['total']:g}) | "
                f"{b.shortfall_minutes} / {b.fit_minutes:g} ({whole['district_seconds']:.1f}) |"
            )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_LIMIT:g} s a provider")
    parser.add_argument("--no-write", action="store_true", help="do not write docs/")
    parser.add_argument("--no-whole", action="store_true", help="skip the one-problem rows")
    args = parser.parse_args(argv)
    limit = QUICK_LIMIT if args.quick else FULL_LIMIT
    command = "python -m bench.district" + (" --quick" if args.quick else "")
    results = [compare(name, limit) for name in ("medium", "large")]
    wholes = [] if args.no_whole else [one_problem(name, limit) for name in ("medium", "large")]
    section = markdown(results, wholes, command)
    print(section)
    if not args.no_write:
        write_section(SECTION, section)


if __name__ == "__main__":
    main()
