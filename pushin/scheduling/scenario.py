"""pushin-scenario/1: parse, validate (every problem at once) and write back.

Times are minutes since midnight, days are `mon`..`fri`. The format: docs/scenario-format.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .jsonread import (
    MAX_INPUT_BYTES,
    NESTED_TOO_DEEPLY,
    Reader,
    ScenarioError,
    ScenarioIssue,
    input_error,
    json_input,
)
from .plan import Plan, plan_to_dict
from .timeutil import format_hhmm

__all__ = [
    "DEFAULT_FIT",
    "DEFAULT_PULL_OUT_ACTIVITIES",
    "SCENARIO_FORMAT",
    "Block",
    "Classroom",
    "Goal",
    "Interval",
    "Provider",
    "Scenario",
    "ScenarioError",
    "ScenarioIssue",
    "School",
    "Student",
    "TravelLeg",
    "Window",
    "load_scenario",
    "parse_scenario",
    "scenario_from_json",
    "scenario_to_dict",
]

SCENARIO_FORMAT = "pushin-scenario/1"
# The twelve activities of the elementary table (domain.md's columns, in its order) ...
_ELEMENTARY_ACTIVITIES = (
    "writing",
    "centers",
    "group_project",
    "independent_work",
    "carpet",
    "math",
    "art",
    "pe_recess",
    "lunch_snack",
    "arrival_dismissal",
    "transition",
    "test",
)
# ... then the specials and the secondary and transition-program activities: every activity
# id the engine has a default for (docs/scenario-format.md lists them all).
ACTIVITIES = (
    *_ELEMENTARY_ACTIVITIES,
    "science",
    "music",
    "library",
    "assembly",
    "class_change",
    "lecture",
    "lab",
    "vocational",
    "community_outing",
)
DEFAULT_PULL_OUT_ACTIVITIES: tuple[str, ...] = ("independent_work", "centers", "art", "carpet")


def _row(*weights: float) -> dict[str, float]:
    return {
        activity: weight
        for activity, weight in zip(_ELEMENTARY_ACTIVITIES, weights, strict=True)
        if weight
    }


# activity -> domain -> weight for the activities after the elementary twelve; a domain
# absent from a column weighs 0 there. Why each weight: docs/scenario-format.md.
_MORE_COLUMNS: dict[str, dict[str, float]] = {
    "science": {
        "fine_motor": 0.7, "handwriting": 0.4, "sensory": 0.5, "social": 0.7, "attention": 0.6,
        "self_care": 0.1, "motor_planning": 0.3, "transitions": 0.2,
    },
    "music": {
        "sensory": 0.8, "motor_planning": 0.8, "social": 0.7, "attention": 0.5, "fine_motor": 0.3,
        "transitions": 0.3,
    },
    "library": {
        "attention": 0.6, "sensory": 0.4, "social": 0.3, "transitions": 0.3, "fine_motor": 0.2,
        "handwriting": 0.1,
    },
    "assembly": {"sensory": 0.6, "transitions": 0.5, "attention": 0.4, "social": 0.3},
    "class_change": {
        "transitions": 1.0, "sensory": 0.8, "motor_planning": 0.6, "attention": 0.5,
        "social": 0.5, "self_care": 0.4, "fine_motor": 0.2,
    },
    "lecture": {
        "attention": 0.9, "keyboarding": 0.7, "handwriting": 0.6, "sensory": 0.4,
        "fine_motor": 0.3, "social": 0.1,
    },
    "lab": {
        "fine_motor": 0.8, "attention": 0.7, "social": 0.7, "sensory": 0.5, "handwriting": 0.4,
        "motor_planning": 0.4, "self_care": 0.2, "transitions": 0.2, "keyboarding": 0.2,
    },
    "vocational": {
        "fine_motor": 0.9, "attention": 0.9, "motor_planning": 0.7, "sensory": 0.6,
        "social": 0.6, "self_care": 0.6, "transitions": 0.5, "keyboarding": 0.4,
        "handwriting": 0.2,
    },
    "community_outing": {
        "social": 0.9, "sensory": 0.8, "self_care": 0.8, "transitions": 0.8,
        "motor_planning": 0.7, "attention": 0.6, "fine_motor": 0.3, "handwriting": 0.1,
    },
}  # fmt: skip


def _with_more_columns(
    rows: dict[str, dict[str, float]],
) -> dict[str, dict[str, float]]:
    for activity, column in _MORE_COLUMNS.items():
        for domain, weight in column.items():
            rows[domain][activity] = weight
    return rows


# domain -> activity -> weight; domain.md's table plus keyboarding and test_taking, then
# the columns above. Activities absent from a row weigh 0. The one place for the defaults:
# the app's fit table and docs/scenario-format.md's table are read from it.
DEFAULT_FIT: Mapping[str, Mapping[str, float]] = _with_more_columns(
    {
        "handwriting": _row(1.0, 0.6, 0.4, 0.7, 0.1, 0.5, 0.6, 0, 0, 0, 0, 0),
        "fine_motor": _row(0.8, 0.7, 0.5, 0.6, 0.1, 0.4, 1.0, 0.1, 0.6, 0.3, 0, 0),
        "sensory": _row(0.4, 0.8, 0.9, 0.5, 0.8, 0.4, 0.5, 0.7, 0.8, 0.6, 0.9, 0),
        "social": _row(0.2, 1.0, 1.0, 0.1, 0.7, 0.3, 0.6, 1.0, 0.9, 0.3, 0.3, 0),
        "attention": _row(0.7, 0.7, 0.7, 1.0, 0.6, 0.8, 0.4, 0.2, 0.2, 0.6, 0.8, 0),
        "self_care": _row(0, 0.2, 0.1, 0.1, 0.1, 0, 0.3, 0.3, 1.0, 1.0, 0.5, 0),
        "motor_planning": _row(0.1, 0.4, 0.3, 0, 0.5, 0, 0.3, 1.0, 0.2, 0.4, 0.6, 0),
        "transitions": _row(0, 0.3, 0.2, 0, 0.3, 0, 0.1, 0.4, 0.5, 0.8, 1.0, 0),
        "keyboarding": _row(0.8, 0.5, 0.4, 0.8, 0, 0, 0, 0, 0, 0, 0, 0),
        "test_taking": _row(0, 0, 0, 0.6, 0, 0, 0, 0, 0, 0, 0, 1.0),
    }
)

DELIVERIES = ("push_in", "pull_out")
GROUPINGS = ("individual", "group_ok")
COMFORTS = ("individual", "small_group", "float")
PREFERENCES = ("good", "bad")


@dataclass(frozen=True)
class Interval:
    """A span of one day (busy time, a student's unavailable time)."""

    day: str
    start: int
    end: int


@dataclass(frozen=True)
class Window:
    """When a provider works; `school` None means at any school."""

    day: str
    start: int
    end: int
    school: str | None = None


@dataclass(frozen=True)
class School:
    id: str
    name: str


@dataclass(frozen=True)
class TravelLeg:
    from_school: str
    to_school: str
    minutes: int


@dataclass(frozen=True)
class Provider:
    id: str
    name: str
    role: str = "OT"
    available: tuple[Window, ...] = ()
    busy: tuple[Interval, ...] = ()
    max_direct_minutes_per_day: int | None = None


@dataclass(frozen=True)
class Block:
    id: str
    day: str
    start: int
    end: int
    activity: str
    teacher_preference: str | None = None


@dataclass(frozen=True)
class Classroom:
    id: str
    school: str
    teacher: str
    blocks: tuple[Block, ...] = ()


@dataclass(frozen=True)
class Goal:
    id: str
    domain: str


@dataclass(frozen=True)
class Student:
    id: str
    classroom: str
    provider: str
    goals: tuple[Goal, ...]
    minutes_per_week: int
    session_minutes: int
    delivery: str = "push_in"
    grouping: str = "individual"
    max_group: int = 3
    comfort: str | None = None
    unavailable: tuple[Interval, ...] = ()
    # Entries with one `person` are one child on several providers' caseloads (one entry
    # per provider); None: the entry's own id. docs/scenario-format.md, "Several providers".
    person: str | None = None

    @property
    def sessions_needed(self) -> int:
        return self.minutes_per_week // self.session_minutes


@dataclass(frozen=True)
class Scenario:
    schools: tuple[School, ...]
    providers: tuple[Provider, ...]
    classrooms: tuple[Classroom, ...]
    students: tuple[Student, ...]
    travel: tuple[TravelLeg, ...] = ()
    slot_minutes: int = 5
    room_change_minutes: int = 0
    # Overrides of DEFAULT_FIT as given in the input; use fit_weight() to read weights.
    fit: Mapping[str, Mapping[str, float]] = field(default_factory=dict, hash=False)
    pull_out_activities: tuple[str, ...] = DEFAULT_PULL_OUT_ACTIVITIES
    pinned: tuple[str, ...] = ()
    # The least fit a push-in session may have for its focus goal (0: any fit above 0).
    min_fit: float = 0.0
    # A person served by several providers has at most one pull-out session a day across
    # them (docs/scenario-format.md, "Several providers").
    one_pull_out_a_day: bool = False
    previous_plan: Plan | None = None

    @cached_property
    def fit_table(self) -> dict[str, dict[str, float]]:
        table = {domain: dict(row) for domain, row in DEFAULT_FIT.items()}
        for domain, row in self.fit.items():
            table.setdefault(domain, {}).update(row)
        return table

    def fit_weight(self, domain: str, activity: str) -> float:
        return self.fit_table.get(domain, {}).get(activity, 0.0)

    def fits(self, weight: float) -> bool:
        """Rule 2's test of a push-in session's fit: above 0 and at least `min_fit`."""
        return weight > 0 and weight >= self.min_fit

    @cached_property
    def school_by_id(self) -> dict[str, School]:
        return {school.id: school for school in self.schools}

    @cached_property
    def provider_by_id(self) -> dict[str, Provider]:
        return {provider.id: provider for provider in self.providers}

    @cached_property
    def classroom_by_id(self) -> dict[str, Classroom]:
        return {classroom.id: classroom for classroom in self.classrooms}

    @cached_property
    def student_by_id(self) -> dict[str, Student]:
        return {student.id: student for student in self.students}

    @cached_property
    def block_by_id(self) -> dict[str, Block]:
        return {block.id: block for room in self.classrooms for block in room.blocks}

    @cached_property
    def _travel_map(self) -> dict[tuple[str, str], int]:
        result: dict[tuple[str, str], int] = {}
        for leg in self.travel:
            result[(leg.from_school, leg.to_school)] = leg.minutes
            result[(leg.to_school, leg.from_school)] = leg.minutes
        return result

    def travel_minutes(self, school_a: str, school_b: str) -> int:
        """Driving time between two schools; 0 for the same school."""
        if school_a == school_b:
            return 0
        return self._travel_map.get((school_a, school_b), 0)

    def has_travel(self, school_a: str, school_b: str) -> bool:
        return school_a == school_b or (school_a, school_b) in self._travel_map


def load_scenario(path: str) -> Scenario:
    """Read a scenario file; bad JSON and bad content both raise ScenarioError."""
    with open(path, "rb") as handle:
        return scenario_from_json(handle.read(MAX_INPUT_BYTES + 1), source=path)


def scenario_from_json(text: str | bytes | bytearray, *, source: str = "the input") -> Scenario:
    """A scenario from JSON text (bytes are read as UTF-8); anything that is not one,
    however malformed, raises ScenarioError."""
    return parse_scenario(json_input(text, source=source))


def parse_scenario(data: object) -> Scenario:
    """Validate a decoded pushin-scenario/1; raises ScenarioError listing every problem."""
    from .scenario_parse import read_scenario  # the parser needs the classes above

    reader = Reader()
    try:
        scenario = read_scenario(reader, data)
    except RecursionError:  # decoded elsewhere, nested just short of the json module's limit
        raise input_error(NESTED_TOO_DEEPLY) from None
    if reader.issues or scenario is None:
        raise ScenarioError(reader.issues or [ScenarioIssue("$", "not a scenario")])
    return scenario


def _span(item: Interval | Window | Block) -> dict[str, str]:
    return {"day": item.day, "start": format_hhmm(item.start), "end": format_hhmm(item.end)}


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """The scenario as pushin-scenario/1 JSON data (defaults written out explicitly)."""
    result: dict[str, Any] = {
        "format": SCENARIO_FORMAT,
        "slot_minutes": scenario.slot_minutes,
        "schools": [{"id": school.id, "name": school.name} for school in scenario.schools],
        "travel_minutes": [
            {"from": leg.from_school, "to": leg.to_school, "minutes": leg.minutes}
            for leg in scenario.travel
        ],
        "room_change_minutes": scenario.room_change_minutes,
        "providers": [_provider_to_dict(provider) for provider in scenario.providers],
        "classrooms": [_classroom_to_dict(room) for room in scenario.classrooms],
        "fit": {domain: dict(row) for domain, row in scenario.fit.items()},
        "pull_out_activities": list(scenario.pull_out_activities),
        "students": [_student_to_dict(student) for student in scenario.students],
    }
    if scenario.min_fit:
        result["min_fit"] = scenario.min_fit
    if scenario.one_pull_out_a_day:
        result["one_pull_out_a_day"] = True
    if scenario.pinned:
        result["pinned"] = list(scenario.pinned)
    if scenario.previous_plan is not None:
        previous = plan_to_dict(scenario.previous_plan)
        result["previous_plan"] = {"format": previous["format"], "sessions": previous["sessions"]}
    return result


def _provider_to_dict(provider: Provider) -> dict[str, Any]:
    result: dict[str, Any] = {
        "id": provider.id,
        "name": provider.name,
        "role": provider.role,
        "available": [
            {**_span(window), **({"school": window.school} if window.school else {})}
            for window in provider.available
        ],
        "busy": [_span(busy) for busy in provider.busy],
    }
    if provider.max_direct_minutes_per_day is not None:
        result["max_direct_minutes_per_day"] = provider.max_direct_minutes_per_day
    return result


def _classroom_to_dict(room: Classroom) -> dict[str, Any]:
    blocks = []
    for block in room.blocks:
        entry: dict[str, Any] = {"id": block.id, **_span(block), "activity": block.activity}
        if block.teacher_preference:
            entry["teacher_preference"] = block.teacher_preference
        blocks.append(entry)
    return {"id": room.id, "school": room.school, "teacher": room.teacher, "blocks": blocks}


def _student_to_dict(student: Student) -> dict[str, Any]:
    result: dict[str, Any] = {
        "id": student.id,
        "classroom": student.classroom,
        "provider": student.provider,
        "goals": [{"id": goal.id, "domain": goal.domain} for goal in student.goals],
        "minutes_per_week": student.minutes_per_week,
        "session_minutes": student.session_minutes,
        "delivery": student.delivery,
        "grouping": student.grouping,
        "max_group": student.max_group,
    }
    if student.comfort:
        result["comfort"] = student.comfort
    if student.unavailable:
        result["unavailable"] = [_span(item) for item in student.unavailable]
    if student.person:
        result["person"] = student.person
    return result
