"""Shared fixtures: the example scenario from shared/, and a builder for tiny worlds."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

EXAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "examples"
if not EXAMPLES.exists():  # CI clones the repo with shared/ beside it
    EXAMPLES = Path("/work/shared/examples")


def load_example(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / name).read_text())
    return data


@pytest.fixture
def tiny_scenario() -> dict[str, Any]:
    return load_example("tiny-scenario.json")


@pytest.fixture
def tiny_plan() -> dict[str, Any]:
    return load_example("tiny-plan.json")


def world(
    *,
    blocks: list[dict[str, Any]],
    students: list[dict[str, Any]],
    available: list[dict[str, Any]] | None = None,
    busy: list[dict[str, Any]] | None = None,
    extra_rooms: list[dict[str, Any]] | None = None,
    schools: int = 1,
    travel: int = 15,
    limit: int | None = None,
) -> dict[str, Any]:
    """A one-provider scenario dict with room `r1` at school `s1` (and more if asked)."""
    provider: dict[str, Any] = {
        "id": "p1",
        "name": "A. Rivera",
        "role": "OT",
        "available": available
        or [{"day": day, "start": "08:00", "end": "15:00"} for day in ("mon", "tue")],
        "busy": busy or [],
    }
    if limit is not None:
        provider["max_direct_minutes_per_day"] = limit
    school_ids = [f"s{n}" for n in range(1, schools + 1)]
    return {
        "format": "pushin-scenario/1",
        "schools": [{"id": s, "name": s.upper()} for s in school_ids],
        "travel_minutes": [
            {"from": a, "to": b, "minutes": travel}
            for i, a in enumerate(school_ids)
            for b in school_ids[i + 1 :]
        ],
        "providers": [provider],
        "classrooms": [
            {"id": "r1", "school": "s1", "teacher": "B. Chen", "blocks": blocks},
            *copy.deepcopy(extra_rooms or []),
        ],
        "students": students,
    }


def student(ident: str, room: str = "r1", **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": ident,
        "classroom": room,
        "provider": "p1",
        "goals": [{"id": f"{ident}-g", "domain": "handwriting"}],
        "minutes_per_week": 30,
        "session_minutes": 30,
    }
    base.update(fields)
    return base


def block(ident: str, day: str, start: str, end: str, activity: str) -> dict[str, Any]:
    return {"id": ident, "day": day, "start": start, "end": end, "activity": activity}
