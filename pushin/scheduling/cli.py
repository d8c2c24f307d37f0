"""`pushin plan`, `pushin check`, `pushin generate`."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from .bounded import MAX_CANDIDATES, MAX_STUDENTS
from .jsonread import MAX_INPUT_BYTES, ScenarioError, ScenarioIssue, input_error, json_input
from .plan import Plan, plan_from_dict, plan_to_dict


def _write_json(data: dict[str, Any], path: str | None) -> None:
    text = json.dumps(data, indent=1) + "\n"
    if path is None or path == "-":
        sys.stdout.write(text)
    else:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)


def _read_json(path: str) -> object:
    """The JSON in `path`; every way it can be unreadable is a ScenarioError at `$`."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_INPUT_BYTES + 1)
    except OSError as error:
        raise input_error(f"cannot read {path}: {error.strerror or error}") from None
    if len(raw) > MAX_INPUT_BYTES:
        raise input_error(f"{path} is larger than {MAX_INPUT_BYTES // (1024 * 1024)} MB")
    return json_input(raw, source=path)


def _plan(args: argparse.Namespace) -> int:
    from .bounded import SizeLimits, TooLarge, check_size
    from .scenario import parse_scenario
    from .solve import solve

    try:
        data = _read_json(args.scenario)
        if args.previous and isinstance(data, dict):
            data = {**data, "previous_plan": _read_json(args.previous)}
        scenario = parse_scenario(data)
        try:
            check_size(scenario, SizeLimits(args.max_students, args.max_candidates))
        except TooLarge as error:
            raise ScenarioError([ScenarioIssue("$.students", f"too large: {error}")]) from None
        if args.district:
            from .district import plan_district

            plan = plan_district(
                scenario,
                time_limit=args.time_limit,
                workers=args.workers or 1,
                seed=args.seed,
                processes=args.processes,
            ).plan
        else:
            plan = solve(
                scenario,
                time_limit=args.time_limit,
                workers=args.workers or 2,
                seed=args.seed,
                deterministic_limit=args.deterministic_limit,
            )
    except ScenarioError as error:
        messages = [str(issue) for issue in error.errors]
        _write_json(plan_to_dict(Plan(status="invalid_input", errors=tuple(messages))), args.output)
        for message in messages:
            print(message, file=sys.stderr)
        return 2
    _write_json(plan_to_dict(plan), args.output)
    stats = plan.stats
    print(
        f"{plan.status}: {stats.sessions} sessions, shortfall {stats.shortfall_minutes} min, "
        f"travel {stats.travel_minutes} min, fit {stats.fit_minutes:g} min "
        f"({stats.solve_seconds:.1f} s)",
        file=sys.stderr,
    )
    for row in stats.extra.get("district", {}).get("providers", []):
        alone, district = row["alone"], row["district"]
        print(
            f"  {row['provider']}: alone shortfall {alone['shortfall_minutes']} min, fit "
            f"{alone['fit_minutes']:g}; district shortfall {district['shortfall_minutes']} min, "
            f"fit {district['fit_minutes']:g} ({row['how']}"
            f"{', worse than alone' if row['worse_than_alone'] else ''})",
            file=sys.stderr,
        )
    return 0


def _check(args: argparse.Namespace) -> int:
    from .check import check_plan
    from .scenario import parse_scenario

    try:
        scenario = parse_scenario(_read_json(args.scenario))
        plan = plan_from_dict(_read_json(args.plan))
    except ScenarioError as error:
        for issue in error.errors:
            print(f"input: {issue}")
        return 2
    violations = check_plan(scenario, plan)
    for violation in violations:
        print(violation)
    if not violations:
        print("valid")
    return 1 if violations else 0


def _generate(args: argparse.Namespace) -> int:
    from .generate import PRESETS, generate_scenario
    from .scenario import scenario_to_dict

    students, schools, providers = PRESETS[args.preset]
    scenario = generate_scenario(
        students=args.students or students,
        schools=args.schools or schools,
        providers=args.providers or providers,
        seed=args.seed,
    )
    if args.shared:
        from .district import share_students

        scenario = share_students(scenario, share=args.shared, seed=args.seed)
    _write_json(scenario_to_dict(scenario), args.output)
    return 0


def _parser() -> argparse.ArgumentParser:
    from .generate import PRESETS

    parser = argparse.ArgumentParser(prog="pushin", description="Push-In scheduling engine")
    commands = parser.add_subparsers(dest="command", required=True)
    plan = commands.add_parser("plan", help="solve a scenario into a plan")
    plan.add_argument("scenario")
    plan.add_argument("--previous", help="the plan in force (re-plan)")
    plan.add_argument(
        "--time-limit",
        type=float,
        default=30.0,
        help="seconds; all of them are used unless every objective level is proven first",
    )
    plan.add_argument(
        "--deterministic-limit",
        type=float,
        help="CP-SAT deterministic time instead (the same plan on any machine and load for "
        "a seed and worker count; --time-limit is then only a safety net)",
    )
    plan.add_argument(
        "--workers", type=int, help="CP-SAT workers per solve (default 2; 1 with --district)"
    )
    plan.add_argument(
        "--district",
        action="store_true",
        help="plan each provider alone (--time-limit each, several at once) and combine: "
        "never worse for a provider than alone; needed when students have several providers",
    )
    plan.add_argument(
        "--processes", type=int, help="with --district: solves at once (default: cores / workers)"
    )
    plan.add_argument("--seed", type=int, default=0)
    plan.add_argument(
        "--max-students", type=int, default=MAX_STUDENTS, help="refuse larger scenarios"
    )
    plan.add_argument(
        "--max-candidates",
        type=int,
        default=MAX_CANDIDATES,
        help="refuse scenarios with more possible sessions (estimated before solving)",
    )
    plan.add_argument("-o", "--output", default="-")
    plan.set_defaults(run=_plan)
    check = commands.add_parser("check", help="list every rule a plan breaks")
    check.add_argument("scenario")
    check.add_argument("plan")
    check.set_defaults(run=_check)
    generate = commands.add_parser("generate", help="write a synthetic scenario")
    generate.add_argument("--preset", choices=sorted(PRESETS), default="small")
    generate.add_argument("--students", type=int)
    generate.add_argument("--schools", type=int)
    generate.add_argument("--providers", type=int)
    generate.add_argument("--seed", type=int, default=0)
    generate.add_argument(
        "--shared",
        type=float,
        default=0.0,
        help="share of students also on another provider's caseload (a second entry, the "
        "same person; needs two providers)",
    )
    generate.add_argument("-o", "--output", default="-")
    generate.set_defaults(run=_generate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    result: int = args.run(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
