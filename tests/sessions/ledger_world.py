"""Steps the minutes tests share: logged session records built directly, a frozen today.

Every name here is made up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest

from pushin.caseload.models import Student
from pushin.district.models import Classroom, Provider
from pushin.sessions.models import DatedSession, SessionStatus, SessionStudent

# Weeks inside the test world's school year (2026-08-31 .. 2027-06-18), no closures.
MON = dt.date(2026, 11, 2)


def day(offset: int) -> dt.date:
    return MON + dt.timedelta(days=offset)


def freeze_today(monkeypatch: pytest.MonkeyPatch, today: dt.date) -> None:
    """The minutes pages compute 'to date' from this day."""
    monkeypatch.setattr("pushin.sessions.ledger_views._today", lambda: today)


def session_with(
    *,
    provider: Provider,
    students: Sequence[Student],
    date: dt.date,
    start: dt.time = dt.time(9),
    end: dt.time = dt.time(9, 30),
    attendance: str = "delivered",
    minutes: int | None = None,
    short_reason: str = "",
    note: str = "",
    makeup_for: SessionStudent | None = None,
    classroom: Classroom | None = None,
) -> list[SessionStudent]:
    """A dated session and one record per student, logged as given ("" = not logged)."""
    length = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    session = DatedSession.objects.create(
        provider=provider,
        classroom=classroom or students[0].classroom,
        date=date,
        start=start,
        end=end,
        activity="writing",
        is_makeup=makeup_for is not None,
        status=SessionStatus.LOGGED if attendance else SessionStatus.PLANNED,
    )
    delivered = attendance == "delivered"
    return [
        SessionStudent.objects.create(
            session=session,
            student=student,
            attendance=attendance,
            minutes_delivered=(minutes if minutes is not None else length)
            if delivered
            else (0 if attendance else None),
            short_reason=short_reason,
            note=note,
            makeup_for=makeup_for,
        )
        for student in students
    ]


def start_ieps_on(start: dt.date, *students: Student) -> None:
    """Move the students' IEPs to start on `start`, so 'to date' begins there."""
    from pushin.caseload.models import IEP

    IEP.objects.filter(student__in=students).update(start=start)
