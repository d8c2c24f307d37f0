"""The pushin-plan/1 data: sessions, shortfalls with reasons, and stats."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .jsonread import Reader, ScenarioError
from .timeutil import format_hhmm

PLAN_FORMAT = "pushin-plan/1"
STATUSES = ("optimal", "feasible", "invalid_input")
DELIVERIES = ("push_in", "pull_out")
REASON_CODES = (
    "no_fitting_block",
    "below_min_fit",
    "provider_unavailable",
    "student_unavailable",
    "capacity",
    "travel",
    "daily_limit",
)
# The lexicographic objective levels, highest priority first (docs/scenario-format.md).
OBJECTIVE_LEVELS = (
    "shortfall",
    "moved_sessions",
    "fit_minutes",
    "preferences",
    "sessions",
    "travel",
    "spread",
)

SessionSignature = tuple[str, str, str, int, int, frozenset[str]]


@dataclass(frozen=True)
class PlannedSession:
    id: str
    provider: str
    classroom: str
    block: str
    day: str
    start: int
    end: int
    delivery: str
    students: tuple[str, ...]
    focus: Mapping[str, str] = field(default_factory=dict, hash=False)

    @property
    def minutes(self) -> int:
        return self.end - self.start

    @property
    def signature(self) -> SessionSignature:
        """What "unchanged" compares: provider, classroom, day, start, end, students."""
        return (
            self.provider,
            self.classroom,
            self.day,
            self.start,
            self.end,
            frozenset(self.students),
        )


@dataclass(frozen=True)
class Reason:
    code: str
    message: str


@dataclass(frozen=True)
class Shortfall:
    student: str
    minutes: int
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class Stats:
    mandated_minutes: int = 0
    scheduled_minutes: int = 0
    shortfall_minutes: int = 0
    sessions: int = 0
    travel_minutes: int = 0
    fit_minutes: float = 0.0
    moved_sessions: int = 0
    solve_seconds: float = 0.0
    bound: float | None = None
    unproven_level: str | None = None
    # Anything else a solver wants to report (stage timings, preference sum...).
    extra: Mapping[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Plan:
    status: str
    sessions: tuple[PlannedSession, ...] = ()
    shortfalls: tuple[Shortfall, ...] = ()
    stats: Stats = field(default_factory=Stats)
    errors: tuple[str, ...] = ()

    def session_by_id(self) -> dict[str, PlannedSession]:
        return {session.id: session for session in self.sessions}


def session_to_dict(session: PlannedSession) -> dict[str, Any]:
    return {
        "id": session.id,
        "provider": session.provider,
        "classroom": session.classroom,
        "block": session.block,
        "day": session.day,
        "start": format_hhmm(session.start),
        "end": format_hhmm(session.end),
        "delivery": session.delivery,
        "students": list(session.students),
        "focus": dict(session.focus),
    }


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    stats = plan.stats
    stats_dict: dict[str, Any] = {
        "mandated_minutes": stats.mandated_minutes,
        "scheduled_minutes": stats.scheduled_minutes,
        "shortfall_minutes": stats.shortfall_minutes,
        "sessions": stats.sessions,
        "travel_minutes": stats.travel_minutes,
        "fit_minutes": round(stats.fit_minutes, 3),
        "moved_sessions": stats.moved_sessions,
        "solve_seconds": round(stats.solve_seconds, 3),
        "bound": stats.bound,
    }
    if stats.unproven_level is not None:
        stats_dict["unproven_level"] = stats.unproven_level
    stats_dict.update(stats.extra)
    result: dict[str, Any] = {
        "format": PLAN_FORMAT,
        "status": plan.status,
        "sessions": [session_to_dict(session) for session in plan.sessions],
        "shortfalls": [
            {
                "student": shortfall.student,
                "minutes": shortfall.minutes,
                "reasons": [
                    {"code": reason.code, "message": reason.message} for reason in shortfall.reasons
                ],
            }
            for shortfall in plan.shortfalls
        ],
        "stats": stats_dict,
    }
    if plan.errors:
        result["errors"] = list(plan.errors)
    return result


def plan_from_dict(data: object) -> Plan:
    """Parse a pushin-plan/1 dict; raises ScenarioError listing every problem."""
    reader = Reader()
    plan = read_plan(reader, data, "$")
    if reader.issues:
        raise ScenarioError(reader.issues)
    return plan


_STATS_INT_KEYS = (
    "mandated_minutes",
    "scheduled_minutes",
    "shortfall_minutes",
    "sessions",
    "travel_minutes",
    "moved_sessions",
)


def read_plan(reader: Reader, data: object, path: str) -> Plan:
    """Plan reading that records issues in `reader`, for use inside a scenario too."""
    raw = reader.obj(
        data, path, ["format", "sessions"], ["status", "shortfalls", "stats", "errors"]
    )
    if raw is None:
        return Plan(status="invalid_input")
    if raw.get("format") != PLAN_FORMAT:
        reader.error(f"{path}.format", f"expected {PLAN_FORMAT!r}, got {raw.get('format')!r}")
    status = reader.choice(raw, "status", path, STATUSES, "feasible")
    sessions = tuple(
        session
        for item_path, item in reader.items(raw, "sessions", path)
        if (session := _read_session(reader, item, item_path)) is not None
    )
    shortfalls = tuple(
        shortfall
        for item_path, item in reader.items(raw, "shortfalls", path)
        if (shortfall := _read_shortfall(reader, item, item_path)) is not None
    )
    errors = tuple(str(item) for _, item in reader.items(raw, "errors", path))
    return Plan(
        status=status,
        sessions=sessions,
        shortfalls=shortfalls,
        stats=_read_stats(reader, raw.get("stats", {}), f"{path}.stats"),
        errors=errors,
    )


def _read_session(reader: Reader, data: object, path: str) -> PlannedSession | None:
    keys = ["id", "provider", "classroom", "block", "day", "start", "end", "students", "focus"]
    raw = reader.obj(data, path, keys, ["delivery"])
    if raw is None:
        return None
    students: list[str] = []
    for student_path, student in reader.items(raw, "students", path):
        if isinstance(student, str) and student:
            students.append(student)
        else:
            reader.error(student_path, f"expected a student id, got {student!r}")
    focus: dict[str, str] = {}
    raw_focus = raw.get("focus", {})
    if isinstance(raw_focus, dict):
        for student, goal in raw_focus.items():
            if isinstance(goal, str):
                focus[str(student)] = goal
            else:
                reader.error(f"{path}.focus.{student}", f"expected a goal id, got {goal!r}")
    else:
        reader.error(f"{path}.focus", "expected an object mapping student ids to goal ids")
    start, end = reader.span(raw, path)
    return PlannedSession(
        id=reader.string(raw, "id", path),
        provider=reader.string(raw, "provider", path),
        classroom=reader.string(raw, "classroom", path),
        block=reader.string(raw, "block", path),
        day=reader.day(raw, path),
        start=start,
        end=end,
        delivery=reader.choice(raw, "delivery", path, DELIVERIES, "push_in"),
        students=tuple(students),
        focus=focus,
    )


def _read_shortfall(reader: Reader, data: object, path: str) -> Shortfall | None:
    raw = reader.obj(data, path, ["student", "minutes"], ["reasons"])
    if raw is None:
        return None
    reasons = []
    for reason_path, item in reader.items(raw, "reasons", path):
        reason = reader.obj(item, reason_path, ["code", "message"])
        if reason is not None:
            reasons.append(
                Reason(
                    code=reader.choice(reason, "code", reason_path, REASON_CODES, "capacity"),
                    message=reader.string(reason, "message", reason_path, default=""),
                )
            )
    return Shortfall(
        student=reader.string(raw, "student", path),
        minutes=reader.integer(raw, "minutes", path),
        reasons=tuple(reasons),
    )


def _read_stats(reader: Reader, data: object, path: str) -> Stats:
    if not isinstance(data, dict):
        reader.error(path, "expected an object")
        return Stats()
    ints = {key: reader.integer(data, key, path) for key in _STATS_INT_KEYS}
    bound = data.get("bound")
    if bound is not None:
        bound = reader.number(bound, f"{path}.bound")
    unproven = data.get("unproven_level")
    known = {*_STATS_INT_KEYS, "fit_minutes", "solve_seconds", "bound", "unproven_level"}
    return Stats(
        fit_minutes=reader.number(data.get("fit_minutes", 0.0), f"{path}.fit_minutes"),
        solve_seconds=reader.number(data.get("solve_seconds", 0.0), f"{path}.solve_seconds"),
        bound=bound,
        unproven_level=str(unproven) if unproven is not None else None,
        extra={key: value for key, value in data.items() if key not in known},
        **ints,
    )
