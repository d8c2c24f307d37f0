"""Shared steps of the strategy, portal and carryover tests. Every name here is made up."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone

from pushin.caseload.models import Goal, Student
from pushin.collaboration.models import Strategy, StudentStrategy
from pushin.collaboration.services import strategies_seed
from pushin.sessions.models import Attendance, DataKind, DataPoint, DatedSession, SessionStudent
from tests.factories import World
from tests.sessions.factories import monday_writing, stored_ahead

CLINICAL_NOTE = "Fatigued tripod grasp after five minutes (clinical)"
GOAL_TEXT = "Writes a sentence with letters on the line."


def seeded(world: World) -> None:
    strategies_seed(district=world.district)


def starter(world: World, name: str) -> Strategy:
    return Strategy.objects.get(district=world.district, name=name)


def chosen(
    world: World,
    name: str = "Slant board",
    *,
    student: Student | None = None,
    carryover: bool = True,
    active: bool = True,
    notes: str = "",
) -> StudentStrategy:
    """A starter strategy chosen for a student (the world's student by default)."""
    if not Strategy.objects.filter(district=world.district, is_starter=True).exists():
        seeded(world)
    return StudentStrategy.objects.create(
        student=student or world.student,
        strategy=starter(world, name),
        carryover=carryover,
        active=active,
        notes=notes,
        added_by=world.provider.user,
    )


def with_trials(record: SessionStudent, correct: int, total: int) -> SessionStudent:
    """Deliver the record and give it `correct` of `total` trials on its focus goal."""
    goal = record.focus_goal or Goal.objects.filter(iep__student=record.student).first()
    assert goal is not None
    record.attendance = Attendance.DELIVERED
    record.minutes_delivered = record.session.minutes
    record.note = CLINICAL_NOTE
    record.save()
    DataPoint.objects.bulk_create(
        DataPoint(record=record, goal=goal, kind=DataKind.TRIAL, correct=n < correct)
        for n in range(total)
    )
    return record


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def past_monday(world: World) -> dt.date:
    """A Monday of the world's school year that is not after today (uses are never logged
    ahead of the day they happen)."""
    day = min(timezone.localdate(), world.district.school_year_end)
    return monday_of(day)


def past_session(world: World, students: Sequence[Student] | None = None) -> DatedSession:
    """The provider's Monday writing session on `past_monday`, stored ahead of it."""
    monday_writing(world, students)
    day = past_monday(world)
    stored_ahead(world.provider, before=day)
    return DatedSession.objects.get(provider=world.provider, date=day)
