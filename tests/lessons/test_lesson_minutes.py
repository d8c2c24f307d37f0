"""Lesson minutes: credited only where the mandate allows whole-class lessons, apart from
individual and group minutes; the service log marks lessons; placing checks conflicts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from pushin.caseload.models import Service
from pushin.lessons.models import ClassLesson, Topic
from pushin.lessons.services import lesson_credit_set, lesson_schedule, lesson_slots
from pushin.sessions.export import COLUMNS, BillingRule, row_for, service_log_records
from pushin.sessions.ledger import load_ledgers
from pushin.sessions.models import Attendance, DatedSession, SessionStudent
from tests.factories import World, make_student
from tests.lessons.helpers import NEXT_MONDAY, THURSDAY, thursday_lesson, working_week
from tests.sessions.timing import at

pytestmark = pytest.mark.django_db

FRIDAY = dt.date(2026, 12, 4)


def _deliver(lesson: ClassLesson) -> None:
    """The lesson happened (set directly: the clock of the suite stands before it)."""
    SessionStudent.objects.filter(session=lesson.session).update(
        attendance=Attendance.DELIVERED, minutes_delivered=45
    )


def _week_row(world: World, student_id: int):
    book = load_ledgers(district=world.district, students=[student_id], today=FRIDAY)
    service = book.ledgers[student_id].services[0]
    return service, next(p for p in service.periods if p.contains(THURSDAY))


def test_a_lesson_has_a_record_for_each_caseload_student_of_the_room(world: World) -> None:
    working_week(world)
    classmate = make_student(ref="S-0009", classroom=world.classroom, provider=world.provider)
    make_student(ref="S-0010", classroom=world.classroom, provider=world.other_provider)
    lesson = thursday_lesson(world)
    members = set(
        SessionStudent.objects.filter(session=lesson.session).values_list("student", flat=True)
    )
    assert members == {world.student.pk, classmate.pk}  # not the other provider's student
    session = lesson.session
    assert (session.standing_id, session.is_makeup, session.activity) == (None, False, "centers")


def test_lesson_minutes_are_not_credited_by_default(world: World) -> None:
    working_week(world)
    _deliver(thursday_lesson(world))
    service, row = _week_row(world, world.student.pk)
    assert row.lesson_delivered == 45
    assert (row.lesson_counted, row.lesson_uncredited) == (0, 45)
    assert row.delivered == 0  # individual and group minutes stay apart
    assert service.credited_to_date == 0


def test_lesson_minutes_are_credited_where_the_mandate_allows_it(world: World) -> None:
    working_week(world)
    _deliver(thursday_lesson(world))
    _, before = _week_row(world, world.student.pk)
    assert before.lesson_counted == 0
    service = Service.objects.get(iep__student=world.student)
    lesson_credit_set(actor=world.provider.user, service=service, counts=True)
    ledger, row = _week_row(world, world.student.pk)  # read again, not a kept ledger
    assert (row.lesson_counted, row.lesson_uncredited, row.lesson_beyond) == (45, 0, 0)
    assert row.mandated == (
        row.delivered_counted
        + row.lesson_counted
        + row.missed
        + row.awaiting_log
        + row.unscheduled_elapsed
        + row.not_yet_due
    )
    assert ledger.credited_to_date >= 45
    lesson_credit_set(actor=world.provider.user, service=service, counts=False)
    _, again = _week_row(world, world.student.pk)
    assert (again.lesson_counted, again.lesson_uncredited) == (0, 45)


def test_a_lesson_beyond_the_mandate_is_not_credited_twice(world: World) -> None:
    working_week(world)
    student = make_student(
        ref="S-0011", classroom=world.classroom, provider=world.provider, minutes=30
    )
    lesson_credit_set(
        actor=world.provider.user, service=Service.objects.get(iep__student=student), counts=True
    )
    _deliver(thursday_lesson(world))
    _, row = _week_row(world, student.pk)
    assert (row.mandated, row.lesson_counted, row.lesson_beyond) == (30, 30, 15)


def test_the_service_log_marks_lessons(world: World, time_machine) -> None:
    working_week(world)
    _deliver(thursday_lesson(world, topic=Topic.SCISSOR_SKILLS))
    at(time_machine, FRIDAY, 9)  # the lesson has happened
    records = service_log_records(
        user=world.provider.user,
        district=world.district,
        start=THURSDAY,
        end=THURSDAY,
        include_unsigned=True,
    )
    rows = [
        dict(zip(COLUMNS, row_for(r, rule=BillingRule(), notes=True), strict=True)) for r in records
    ]
    assert len(rows) == 1
    assert rows[0]["whole_class_lesson"] == "yes"
    assert rows[0]["lesson_topic"] == "Scissor skills"
    assert rows[0]["grouping"] == "Whole class"


def test_a_lesson_goes_only_where_the_provider_is_free(world: World) -> None:
    working_week(world)
    slots = lesson_slots(provider=world.provider, classroom=world.classroom, monday=NEXT_MONDAY)
    assert [(s.date, s.start) for s in slots] == [
        (NEXT_MONDAY, dt.time(9)),
        (dt.date(2026, 12, 10), dt.time(10)),
    ]
    DatedSession.objects.create(
        provider=world.provider,
        classroom=world.other_classroom,
        date=NEXT_MONDAY,
        start=dt.time(9, 30),
        end=dt.time(10),
    )
    slots = lesson_slots(provider=world.provider, classroom=world.classroom, monday=NEXT_MONDAY)
    assert NEXT_MONDAY not in [s.date for s in slots]
    with pytest.raises(ValidationError, match="not a free block"):
        lesson_schedule(
            actor=world.provider.user,
            provider=world.provider,
            classroom=world.classroom,
            date=NEXT_MONDAY,
            start=dt.time(9),
            end=dt.time(9, 45),
            topic=Topic.HANDWRITING,
        )
    assert not ClassLesson.objects.exists()


def test_nothing_is_placed_in_the_past_or_outside_the_hours(world: World) -> None:
    # No availability at all: no slot, and the week already gone has none either.
    assert (
        lesson_slots(provider=world.provider, classroom=world.classroom, monday=NEXT_MONDAY) == []
    )
    working_week(world)
    this_week = lesson_slots(
        provider=world.provider, classroom=world.classroom, monday=dt.date(2026, 11, 30)
    )
    assert [s.date for s in this_week] == [THURSDAY]  # Monday's block is over
