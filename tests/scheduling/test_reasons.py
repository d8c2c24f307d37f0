"""Shortfall reasons are computed: each impossible-by-construction student gets its code."""

from __future__ import annotations

import random
from typing import Any

import pytest

from pushin.scheduling.check import check_plan
from pushin.scheduling.scenario import parse_scenario
from pushin.scheduling.solve import solve

from .conftest import block, student, world


def reasons_for(data: dict[str, Any], student_id: str) -> dict[str, str]:
    scenario = parse_scenario(data)
    plan = solve(scenario, time_limit=10)
    assert check_plan(scenario, plan) == []
    short = {s.student: s for s in plan.shortfalls}
    assert student_id in short, plan
    return {reason.code: reason.message for reason in short[student_id].reasons}


def test_no_fitting_block() -> None:
    data = world(
        blocks=[block("b1", "mon", "09:00", "09:45", "pe_recess")], students=[student("a")]
    )
    reasons = reasons_for(data, "a")
    assert "no_fitting_block" in reasons
    assert "B. Chen's room" in reasons["no_fitting_block"]


def test_provider_unavailable_names_the_block_and_the_busy_time() -> None:
    data = world(
        blocks=[block("b1", "mon", "09:00", "09:45", "writing")],
        students=[student("a")],
        busy=[{"day": "mon", "start": "09:00", "end": "10:00"}],
    )
    message = reasons_for(data, "a")["provider_unavailable"]
    # The block by id and time (the web app names its activity from the vocabulary).
    assert "b1 (Mon 09:00-09:45) in B. Chen's room overlaps A. Rivera's busy time" in message


def test_provider_at_another_school() -> None:
    data = world(
        blocks=[block("b1", "mon", "09:00", "09:45", "writing")],
        students=[student("a")],
        available=[{"day": "mon", "start": "08:00", "end": "15:00", "school": "s2"}],
        schools=2,
    )
    assert "provider_unavailable" in reasons_for(data, "a")


def test_student_unavailable() -> None:
    data = world(
        blocks=[block("b1", "mon", "09:00", "09:45", "writing")],
        students=[student("a", unavailable=[{"day": "mon", "start": "09:10", "end": "09:40"}])],
    )
    message = reasons_for(data, "a")["student_unavailable"]
    assert "Mon 09:00-09:45" in message


def test_capacity_names_the_other_students() -> None:
    data = world(
        blocks=[block("b1", "mon", "09:00", "09:30", "writing")],
        students=[student("a"), student("b")],
    )
    scenario = parse_scenario(data)
    plan = solve(scenario, time_limit=10)
    (short,) = plan.shortfalls
    other = "b" if short.student == "a" else "a"
    messages = {r.code: r.message for r in short.reasons}
    assert other in messages["capacity"]


def test_travel() -> None:
    other_room = {
        "id": "r2",
        "school": "s2",
        "teacher": "D. Okafor",
        "blocks": [block("b2", "mon", "09:40", "10:10", "writing")],
    }
    data = world(
        blocks=[block("b1", "mon", "09:00", "09:30", "writing")],
        students=[student("a"), student("b", room="r2")],
        available=[{"day": "mon", "start": "08:00", "end": "15:00"}],
        extra_rooms=[other_room],
        schools=2,
        travel=20,
    )
    scenario = parse_scenario(data)
    plan = solve(scenario, time_limit=10)
    (short,) = plan.shortfalls
    assert "travel" in {r.code for r in short.reasons}


def test_daily_limit() -> None:
    data = world(
        blocks=[
            block("b1", "mon", "09:00", "09:30", "writing"),
            block("b2", "mon", "10:00", "10:30", "writing"),
        ],
        students=[student("a", grouping="individual"), student("b")],
        available=[{"day": "mon", "start": "08:00", "end": "15:00"}],
        limit=30,
    )
    scenario = parse_scenario(data)
    plan = solve(scenario, time_limit=10)
    (short,) = plan.shortfalls
    assert "daily_limit" in {r.code for r in short.reasons}


@pytest.mark.parametrize("seed", range(3))
def test_a_planted_full_schedule_is_found(seed: int) -> None:
    """Build the week around a known valid schedule; the solver must serve everyone."""
    rng = random.Random(seed)
    schools = 3
    rooms: list[dict[str, Any]] = [
        {"id": f"r{n}", "school": f"s{n % schools + 1}", "teacher": f"T{n}", "blocks": []}
        for n in range(6)
    ]
    students: list[dict[str, Any]] = []
    for day in ("mon", "tue", "wed"):
        clock = 8 * 60 + 30
        for _ in range(4):
            room = rng.choice(rooms)
            start, length = clock, rng.choice((30, 45))
            activity = rng.choice(("writing", "centers", "math", "group_project"))
            ident = f"st{len(students)}"
            room["blocks"].append(
                block(f"{ident}-b", day, _hhmm(start), _hhmm(start + length), activity)
            )
            students.append(student(ident, room=room["id"]))
            clock = start + 30 + 25  # the session, then at most 25 minutes of travel
        for room in rooms:  # noise: blocks that fit nobody
            room["blocks"].append(
                block(f"{room['id']}-{day}-pe", day, "14:00", "14:30", "pe_recess")
            )
    data = world(
        blocks=[],
        students=students,
        available=[{"day": d, "start": "08:00", "end": "15:00"} for d in ("mon", "tue", "wed")],
        extra_rooms=rooms,
        schools=schools,
        travel=25,
    )
    data["classrooms"] = rooms
    scenario = parse_scenario(data)
    plan = solve(scenario, time_limit=10)
    assert plan.stats.shortfall_minutes == 0
    assert check_plan(scenario, plan) == []


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
