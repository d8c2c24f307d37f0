"""The session data next to a strategy use, in a few words."""

from __future__ import annotations

from pushin.collaboration.selectors import data_summary
from pushin.sessions.models import Attendance, DataKind, DataPoint, SessionStudent
from tests.collaboration.strategy_helpers import past_session, with_trials
from tests.factories import World


def record_of(world: World) -> SessionStudent:
    return SessionStudent.objects.get(session=past_session(world))


def test_trials(world: World) -> None:
    record = with_trials(record_of(world), 7, 10)
    assert data_summary(record) == "7/10 trials (70%)"


def test_every_kind_together(world: World) -> None:
    record = record_of(world)
    goal = record.focus_goal
    assert goal is not None
    record.attendance = Attendance.DELIVERED
    record.save()
    points = [
        DataPoint(record=record, goal=goal, kind=DataKind.PROMPT, prompt="independent"),
        DataPoint(record=record, goal=goal, kind=DataKind.PROMPT, prompt="independent"),
        DataPoint(record=record, goal=goal, kind=DataKind.PROMPT, prompt="verbal"),
        DataPoint(record=record, goal=goal, kind=DataKind.RUBRIC, value=3),
        DataPoint(record=record, goal=goal, kind=DataKind.RUBRIC, value=2),
        DataPoint(record=record, goal=goal, kind=DataKind.DURATION, value=40),
        DataPoint(record=record, goal=goal, kind=DataKind.DURATION, value=60),
        DataPoint(record=record, goal=goal, kind=DataKind.FREQUENCY, value=3),
        DataPoint(record=record, goal=goal, kind=DataKind.NARRATIVE, text="Calm"),
    ]
    DataPoint.objects.bulk_create(points)
    assert data_summary(record) == (
        "prompts: 2 independent, 1 verbal; rubric average 2.5 of 4 (2 scored); "
        "2 timed, average 50 s; count 3; 1 observation"
    )


def test_a_miss_and_no_data(world: World) -> None:
    record = record_of(world)
    assert data_summary(record) == "no data taken"
    record.attendance = Attendance.STUDENT_ABSENT
    assert data_summary(record) == "Student absent"
