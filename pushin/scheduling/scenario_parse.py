"""The pushin-scenario/1 reader behind scenario.parse_scenario (kept apart for size)."""

from __future__ import annotations

from collections.abc import Mapping
from itertools import combinations
from typing import Any

from .jsonread import Reader
from .plan import Plan, read_plan
from .scenario import (
    COMFORTS,
    DEFAULT_FIT,
    DEFAULT_PULL_OUT_ACTIVITIES,
    DELIVERIES,
    GROUPINGS,
    PREFERENCES,
    SCENARIO_FORMAT,
    Block,
    Classroom,
    Goal,
    Interval,
    Provider,
    Scenario,
    School,
    Student,
    TravelLeg,
    Window,
)
from .timeutil import DAYS, format_span, overlaps

_TOP_REQUIRED = ("format", "schools", "providers", "classrooms", "students")
_TOP_OPTIONAL = (
    "slot_minutes",
    "travel_minutes",
    "room_change_minutes",
    "fit",
    "pull_out_activities",
    "min_fit",
    "one_pull_out_a_day",
    "pinned",
    "previous_plan",
)


def read_scenario(reader: Reader, data: object) -> Scenario | None:
    raw = reader.obj(data, "$", _TOP_REQUIRED, _TOP_OPTIONAL)
    if raw is None:
        return None
    if raw.get("format") != SCENARIO_FORMAT:
        reader.error("$.format", f"expected {SCENARIO_FORMAT!r}, got {raw.get('format')!r}")
    slot = reader.integer(raw, "slot_minutes", "$", default=5, minimum=1)
    schools = _read_schools(reader, raw)
    school_ids = {school.id for school in schools}
    providers = _read_providers(reader, raw, school_ids)
    classrooms = _read_classrooms(reader, raw, school_ids)
    fit = _read_fit(reader, raw)
    domains = set(DEFAULT_FIT) | set(fit)
    students = _read_students(reader, raw, slot, providers, classrooms, domains)
    travel = _read_travel(reader, raw, school_ids)
    pull_out_list: list[str] = []
    for path, item in reader.items(raw, "pull_out_activities", "$"):
        if isinstance(item, str):
            pull_out_list.append(item)
        else:
            reader.error(path, f"expected an activity, got {item!r}")
    pull_out = tuple(pull_out_list)
    previous: Plan | None = None
    if "previous_plan" in raw:
        previous = read_plan(reader, raw["previous_plan"], "$.previous_plan")
    pinned = _read_pinned(reader, raw, previous)
    scenario = Scenario(
        schools=schools,
        providers=providers,
        classrooms=classrooms,
        students=students,
        travel=travel,
        slot_minutes=slot,
        room_change_minutes=reader.integer(raw, "room_change_minutes", "$", minimum=0),
        fit=fit,
        pull_out_activities=pull_out
        if "pull_out_activities" in raw
        else (DEFAULT_PULL_OUT_ACTIVITIES),
        pinned=pinned,
        previous_plan=previous,
        min_fit=_read_min_fit(reader, raw),
        one_pull_out_a_day=_read_flag(reader, raw, "one_pull_out_a_day"),
    )
    _check_travel_complete(reader, scenario)
    return scenario


def _read_schools(reader: Reader, raw: Mapping[str, Any]) -> tuple[School, ...]:
    seen: dict[str, str] = {}
    schools = []
    for path, item in reader.items(raw, "schools", "$"):
        data = reader.obj(item, path, ["id"], ["name"])
        if data is not None:
            ident = reader.unique_id(data, path, seen)
            schools.append(School(ident, reader.string(data, "name", path, default=ident)))
    return tuple(schools)


def _read_travel(
    reader: Reader, raw: Mapping[str, Any], school_ids: set[str]
) -> tuple[TravelLeg, ...]:
    legs: list[TravelLeg] = []
    seen: dict[frozenset[str], int] = {}
    for path, item in reader.items(raw, "travel_minutes", "$"):
        data = reader.obj(item, path, ["from", "to", "minutes"])
        if data is None:
            continue
        ends = [reader.string(data, key, path) for key in ("from", "to")]
        for key, school in zip(("from", "to"), ends, strict=True):
            if school and school not in school_ids:
                reader.error(f"{path}.{key}", f"unknown school {school!r}")
        minutes = reader.integer(data, "minutes", path, minimum=0)
        pair = frozenset(ends)
        if ends[0] == ends[1]:
            reader.error(path, "travel from a school to itself is always 0")
        elif pair in seen and seen[pair] != minutes:
            reader.error(path, f"conflicting travel times {seen[pair]} and {minutes}")
        seen[pair] = minutes
        legs.append(TravelLeg(ends[0], ends[1], minutes))
    return tuple(legs)


def _read_intervals(
    reader: Reader, data: Mapping[str, Any], key: str, path: str
) -> tuple[Interval, ...]:
    result = []
    for item_path, item in reader.items(data, key, path):
        span = reader.obj(item, item_path, ["day", "start", "end"])
        if span is not None:
            start, end = reader.span(span, item_path)
            result.append(Interval(reader.day(span, item_path), start, end))
    return tuple(result)


def _read_providers(
    reader: Reader, raw: Mapping[str, Any], school_ids: set[str]
) -> tuple[Provider, ...]:
    seen: dict[str, str] = {}
    providers = []
    optional = ["name", "role", "available", "busy", "max_direct_minutes_per_day"]
    for path, item in reader.items(raw, "providers", "$"):
        data = reader.obj(item, path, ["id"], optional)
        if data is None:
            continue
        ident = reader.unique_id(data, path, seen)
        windows = []
        for window_path, window in reader.items(data, "available", path):
            span = reader.obj(window, window_path, ["day", "start", "end"], ["school"])
            if span is None:
                continue
            start, end = reader.span(span, window_path)
            school = reader.optional_string(span, "school", window_path)
            if school is not None and school not in school_ids:
                reader.error(f"{window_path}.school", f"unknown school {school!r}")
            windows.append(Window(reader.day(span, window_path), start, end, school))
        limit = None
        if "max_direct_minutes_per_day" in data:
            limit = reader.integer(data, "max_direct_minutes_per_day", path, minimum=0)
        providers.append(
            Provider(
                id=ident,
                name=reader.string(data, "name", path, default=ident),
                role=reader.string(data, "role", path, default="OT"),
                available=tuple(windows),
                busy=_read_intervals(reader, data, "busy", path),
                max_direct_minutes_per_day=limit,
            )
        )
    return tuple(providers)


def _read_classrooms(
    reader: Reader, raw: Mapping[str, Any], school_ids: set[str]
) -> tuple[Classroom, ...]:
    seen: dict[str, str] = {}
    block_seen: dict[str, str] = {}
    rooms = []
    for path, item in reader.items(raw, "classrooms", "$"):
        data = reader.obj(item, path, ["id", "school", "blocks"], ["teacher"])
        if data is None:
            continue
        ident = reader.unique_id(data, path, seen)
        school = reader.string(data, "school", path)
        if school and school not in school_ids:
            reader.error(f"{path}.school", f"unknown school {school!r}")
        blocks: list[tuple[str, Block]] = []
        for block_path, block_item in reader.items(data, "blocks", path):
            block_data = reader.obj(
                block_item,
                block_path,
                ["id", "day", "start", "end", "activity"],
                ["teacher_preference"],
            )
            if block_data is None:
                continue
            block_id = reader.unique_id(block_data, block_path, block_seen)
            start, end = reader.span(block_data, block_path)
            block = Block(
                id=block_id,
                day=reader.day(block_data, block_path),
                start=start,
                end=end,
                activity=reader.string(block_data, "activity", block_path),
                teacher_preference=reader.optional_choice(
                    block_data, "teacher_preference", block_path, PREFERENCES
                ),
            )
            blocks.append((block_path, block))
        for (path_a, a), (path_b, b) in combinations(blocks, 2):
            if a.day == b.day and a.end > a.start and overlaps(a.start, a.end, b.start, b.end):
                reader.error(
                    path_b,
                    f"block {b.id} ({format_span(b.day, b.start, b.end)}) overlaps block "
                    f"{a.id} ({format_span(a.day, a.start, a.end)}) at {path_a}",
                )
        rooms.append(
            Classroom(
                id=ident,
                school=school,
                teacher=reader.string(data, "teacher", path, default=""),
                blocks=tuple(block for _, block in blocks),
            )
        )
    return tuple(rooms)


def _read_flag(reader: Reader, raw: Mapping[str, Any], key: str) -> bool:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        reader.error(f"$.{key}", f"expected true or false, got {value!r}")
        return False
    return value


def _read_min_fit(reader: Reader, raw: Mapping[str, Any]) -> float:
    if "min_fit" not in raw:
        return 0.0
    value = raw["min_fit"]
    if isinstance(value, bool) or not isinstance(value, int | float):
        reader.error("$.min_fit", f"expected a number between 0 and 1, got {value!r}")
        return 0.0
    if not 0.0 <= value <= 1.0:
        reader.error("$.min_fit", f"min_fit {value} is not in [0, 1]")
        return 0.0
    return float(value)


def _read_fit(reader: Reader, raw: Mapping[str, Any]) -> dict[str, dict[str, float]]:
    fit: dict[str, dict[str, float]] = {}
    data = raw.get("fit", {})
    if not isinstance(data, dict):
        reader.error("$.fit", "expected an object domain -> activity -> weight")
        return fit
    for domain, row in data.items():
        if not isinstance(row, dict):
            reader.error(f"$.fit.{domain}", "expected an object activity -> weight")
            continue
        fit[domain] = {}
        for activity, weight in row.items():
            path = f"$.fit.{domain}.{activity}"
            value = reader.number(weight, path)
            if not 0.0 <= value <= 1.0:
                reader.error(path, f"weight {weight} is not in [0, 1]")
            fit[domain][activity] = value
    return fit


def _read_students(
    reader: Reader,
    raw: Mapping[str, Any],
    slot: int,
    providers: tuple[Provider, ...],
    classrooms: tuple[Classroom, ...],
    domains: set[str],
) -> tuple[Student, ...]:
    provider_ids = {provider.id for provider in providers}
    classroom_ids = {room.id for room in classrooms}
    seen: dict[str, str] = {}
    students = []
    required = ["id", "classroom", "provider", "goals", "minutes_per_week", "session_minutes"]
    optional = ["delivery", "grouping", "max_group", "comfort", "unavailable", "person"]
    provider_of_person: dict[tuple[str, str], str] = {}
    for path, item in reader.items(raw, "students", "$"):
        data = reader.obj(item, path, required, optional)
        if data is None:
            continue
        ident = reader.unique_id(data, path, seen)
        classroom = reader.string(data, "classroom", path)
        if classroom and classroom not in classroom_ids:
            reader.error(f"{path}.classroom", f"unknown classroom {classroom!r}")
        provider = reader.string(data, "provider", path)
        if provider and provider not in provider_ids:
            reader.error(f"{path}.provider", f"unknown provider {provider!r}")
        goals = []
        goal_seen: dict[str, str] = {}
        for goal_path, goal_item in reader.items(data, "goals", path):
            goal = reader.obj(goal_item, goal_path, ["id", "domain"])
            if goal is None:
                continue
            domain = reader.string(goal, "domain", goal_path)
            if domain and domain not in domains:
                reader.error(f"{goal_path}.domain", f"unknown goal domain {domain!r}")
            goals.append(Goal(reader.unique_id(goal, goal_path, goal_seen), domain))
        if not goals and "goals" in data:
            reader.error(f"{path}.goals", "a student needs at least one goal")
        session = reader.integer(data, "session_minutes", path, default=30, minimum=1)
        weekly = reader.integer(data, "minutes_per_week", path, default=0, minimum=0)
        if session and weekly % session:
            reader.error(
                f"{path}.minutes_per_week",
                f"{weekly} is not a multiple of session_minutes {session}",
            )
        if session % slot:
            reader.error(
                f"{path}.session_minutes", f"{session} is not a multiple of slot_minutes {slot}"
            )
        if weekly // max(session, 1) > len(DAYS):
            reader.error(
                f"{path}.minutes_per_week",
                f"{weekly} needs more than one session a day ({len(DAYS)} days)",
            )
        person = reader.optional_string(data, "person", path)
        if provider:
            twice = provider_of_person.get((person or ident, provider))
            if twice is not None:
                reader.error(
                    f"{path}.person",
                    f"{twice!r} is the same person with the same provider {provider!r}",
                )
            provider_of_person[(person or ident, provider)] = ident
        students.append(
            Student(
                id=ident,
                classroom=classroom,
                provider=provider,
                goals=tuple(goals),
                minutes_per_week=weekly,
                session_minutes=session,
                delivery=reader.choice(data, "delivery", path, DELIVERIES, "push_in"),
                grouping=reader.choice(data, "grouping", path, GROUPINGS, "individual"),
                max_group=reader.integer(data, "max_group", path, default=3, minimum=1),
                comfort=reader.optional_choice(data, "comfort", path, COMFORTS),
                unavailable=_read_intervals(reader, data, "unavailable", path),
                person=person,
            )
        )
    return tuple(students)


def _read_pinned(reader: Reader, raw: Mapping[str, Any], previous: Plan | None) -> tuple[str, ...]:
    pinned = []
    known = {session.id for session in previous.sessions} if previous else set()
    for path, item in reader.items(raw, "pinned", "$"):
        if not isinstance(item, str):
            reader.error(path, f"expected a session id, got {item!r}")
        elif item not in known:
            reader.error(path, f"session {item!r} is not in previous_plan")
        else:
            pinned.append(item)
    return tuple(pinned)


def _check_travel_complete(reader: Reader, scenario: Scenario) -> None:
    """Every pair of schools a provider can visit on one day needs a travel time."""
    schools_of: dict[str, set[str]] = {}
    for student in scenario.students:
        room = scenario.classroom_by_id.get(student.classroom)
        if room is not None:
            schools_of.setdefault(student.provider, set()).add(room.school)
    reported: set[frozenset[str]] = set()
    for provider in scenario.providers:
        served = schools_of.get(provider.id, set())
        for day in DAYS:
            windows = [window for window in provider.available if window.day == day]
            if any(window.school is None for window in windows):
                reachable = served
            else:
                reachable = served & {window.school for window in windows if window.school}
            for a, b in combinations(sorted(reachable), 2):
                if not scenario.has_travel(a, b) and frozenset((a, b)) not in reported:
                    reported.add(frozenset((a, b)))
                    reader.error(
                        "$.travel_minutes",
                        f"missing travel time between {a} and {b} "
                        f"(provider {provider.id} can visit both on {day})",
                    )
