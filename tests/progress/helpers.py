"""Past sessions with data for the progress tests, written directly (as a record that was
logged at the time would be): every name here is made up."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from pushin.caseload.models import Goal, Student
from pushin.district.models import Provider
from pushin.sessions.models import (
    Attendance,
    DataKind,
    DataPoint,
    DatedSession,
    SessionStatus,
    SessionStudent,
)


def past_session(
    provider: Provider,
    student: Student,
    day: dt.date,
    *,
    note: str = "",
    start: dt.time = dt.time(9),
    attendance: str = Attendance.DELIVERED,
) -> SessionStudent:
    """A signed 30-minute session of `provider` with `student` on `day` (before today)."""
    session = DatedSession.objects.create(
        provider=provider,
        classroom=student.classroom,
        date=day,
        start=start,
        end=(dt.datetime.combine(day, start) + dt.timedelta(minutes=30)).time(),
        activity="writing",
        status=SessionStatus.SIGNED,
    )
    return SessionStudent.objects.create(
        session=session,
        student=student,
        attendance=attendance,
        minutes_delivered=30 if attendance == Attendance.DELIVERED else 0,
        note=note,
    )


def trials(record: SessionStudent, goal: Goal, outcomes: Sequence[bool]) -> None:
    DataPoint.objects.bulk_create(
        DataPoint(record=record, goal=goal, kind=DataKind.TRIAL, correct=ok) for ok in outcomes
    )


def percent_sessions(
    provider: Provider, student: Student, goal: Goal, percents: Sequence[int], first: dt.date
) -> list[SessionStudent]:
    """One session a week from `first`, each with ten trials at the given percent."""
    records = []
    for n, percent in enumerate(percents):
        record = past_session(provider, student, first + dt.timedelta(days=7 * n))
        trials(record, goal, [i < percent // 10 for i in range(10)])
        records.append(record)
    return records
