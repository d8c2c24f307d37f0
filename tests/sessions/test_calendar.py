"""sessions_materialize: the standing schedule expanded into dated sessions."""

from __future__ import annotations

import datetime as dt

import pytest

from pushin.accounts.models import AuditEntry
from pushin.district.models import Closure
from pushin.planning.models import ScheduledSessionStudent
from pushin.sessions.calendar import school_days, sessions_materialize
from pushin.sessions.models import DatedSession, SessionStatus, SessionStudent
from tests.sessions.factories import (
    MONDAY,
    add_student,
    first_goal,
    monday_writing,
    standing_schedule,
    standing_session,
)

FRIDAY = MONDAY + dt.timedelta(days=4)
SUNDAY_AFTER = MONDAY + dt.timedelta(days=6)


def _two_sessions_a_week(world):
    schedule = standing_schedule(world.provider)
    standing_session(
        schedule,
        classroom=world.classroom,
        day="mon",
        start=dt.time(9),
        end=dt.time(9, 30),
        students=[world.student],
    )
    standing_session(
        schedule,
        classroom=world.classroom,
        day="thu",
        start=dt.time(10),
        end=dt.time(10, 30),
        students=[world.student],
    )
    return schedule


def test_one_occurrence_per_school_day_of_the_weekly_session(world):
    _two_sessions_a_week(world)
    made = sessions_materialize(
        provider=world.provider, start=MONDAY, end=MONDAY + dt.timedelta(days=13)
    )
    assert [(s.date, s.start) for s in made] == [
        (MONDAY, dt.time(9)),
        (MONDAY + dt.timedelta(days=3), dt.time(10)),
        (MONDAY + dt.timedelta(days=7), dt.time(9)),
        (MONDAY + dt.timedelta(days=10), dt.time(10)),
    ]
    first = made[0]
    assert (first.classroom, first.end, first.activity, first.status, first.is_makeup) == (
        world.classroom,
        dt.time(9, 30),
        "writing",  # the block the weekly session sits in
        SessionStatus.PLANNED,
        False,
    )
    (record,) = SessionStudent.objects.filter(session=first)
    assert record.student == world.student
    assert record.focus_goal == first_goal(world.student)
    assert record.attendance == ""


def test_weekends_produce_nothing(world):
    _two_sessions_a_week(world)
    saturday = MONDAY + dt.timedelta(days=5)
    assert sessions_materialize(provider=world.provider, start=saturday, end=SUNDAY_AFTER) == []
    assert not DatedSession.objects.exists()


def test_closures_are_skipped(world):
    _two_sessions_a_week(world)
    Closure.objects.create(
        district=world.district, name="Snow day", start=MONDAY, end=MONDAY + dt.timedelta(days=3)
    )
    made = sessions_materialize(provider=world.provider, start=MONDAY, end=SUNDAY_AFTER)
    assert made == []
    next_week = sessions_materialize(
        provider=world.provider,
        start=MONDAY + dt.timedelta(days=7),
        end=SUNDAY_AFTER + dt.timedelta(days=7),
    )
    assert len(next_week) == 2


def test_a_closure_added_later_removes_planned_sessions_but_keeps_logged_ones(world):
    _two_sessions_a_week(world)
    monday, thursday = sessions_materialize(provider=world.provider, start=MONDAY, end=FRIDAY)
    DatedSession.objects.filter(pk=monday.pk).update(status=SessionStatus.LOGGED)
    Closure.objects.create(district=world.district, name="Storm", start=MONDAY, end=FRIDAY)
    kept = sessions_materialize(provider=world.provider, start=MONDAY, end=FRIDAY)
    assert [s.pk for s in kept] == [monday.pk]
    assert not DatedSession.objects.filter(pk=thursday.pk).exists()


def test_school_year_bounds(world):
    _two_sessions_a_week(world)
    year_start, year_end = world.district.school_year_start, world.district.school_year_end
    before = sessions_materialize(
        provider=world.provider,
        start=year_start - dt.timedelta(days=14),
        end=year_start - dt.timedelta(days=1),
    )
    assert before == []
    # The year starts on Monday 2026-08-31 and ends on Friday 2027-06-18.
    first_week = sessions_materialize(
        provider=world.provider, start=year_start - dt.timedelta(days=3), end=year_start
    )
    assert [s.date for s in first_week] == [year_start]
    last = sessions_materialize(
        provider=world.provider,
        start=year_end - dt.timedelta(days=4),
        end=year_end + dt.timedelta(days=10),
    )
    assert [s.date for s in last] == [
        year_end - dt.timedelta(days=4),
        year_end - dt.timedelta(days=1),
    ]


def test_school_days_helper(world):
    Closure.objects.create(
        district=world.district,
        name="Holiday",
        start=MONDAY + dt.timedelta(days=2),
        end=MONDAY + dt.timedelta(days=2),
    )
    assert school_days(world.district, MONDAY, SUNDAY_AFTER) == [
        MONDAY,
        MONDAY + dt.timedelta(days=1),
        MONDAY + dt.timedelta(days=3),
        FRIDAY,
    ]


def test_idempotent(world, django_assert_max_num_queries):
    _two_sessions_a_week(world)
    first = sessions_materialize(provider=world.provider, start=MONDAY, end=SUNDAY_AFTER)
    audits = AuditEntry.objects.count()
    with django_assert_max_num_queries(9):
        second = sessions_materialize(provider=world.provider, start=MONDAY, end=SUNDAY_AFTER)
    assert [s.pk for s in second] == [s.pk for s in first]
    assert DatedSession.objects.count() == 2
    assert SessionStudent.objects.count() == 2
    assert AuditEntry.objects.count() == audits  # nothing written the second time


def test_creation_is_audited_per_student_with_ids_only(world):
    monday_writing(world)
    (session,) = sessions_materialize(
        provider=world.provider, start=MONDAY, end=MONDAY, actor=world.provider.user
    )
    entry = AuditEntry.objects.get(
        student_id=world.student.pk, object_type="therapy_sessions.datedsession"
    )
    assert entry.action == "create"
    assert entry.actor == world.provider.user
    assert entry.detail == {"sessions": [session.pk], "by": "calendar"}
    assert world.student.first_name not in str(entry.detail)


def test_schedule_change_replaces_only_unlogged_occurrences(world):
    _two_sessions_a_week(world)
    monday, thursday = sessions_materialize(provider=world.provider, start=MONDAY, end=FRIDAY)
    SessionStudent.objects.filter(session=monday).update(
        attendance="delivered", minutes_delivered=30
    )
    DatedSession.objects.filter(pk=monday.pk).update(status=SessionStatus.LOGGED)

    # A new plan is accepted: Monday moves to 09:15 and Thursday to Tuesday.
    schedule = standing_schedule(world.provider)
    standing_session(
        schedule,
        classroom=world.classroom,
        day="mon",
        start=dt.time(9, 15),
        end=dt.time(9, 45),
        students=[world.student],
    )
    standing_session(
        schedule,
        classroom=world.classroom,
        day="tue",
        start=dt.time(10),
        end=dt.time(10, 30),
        students=[world.student],
    )
    made = sessions_materialize(provider=world.provider, start=MONDAY, end=FRIDAY)
    # Monday was logged: it stays as it happened, and the new 09:15 session that would
    # overlap it is not created. Thursday was only planned: replaced by Tuesday.
    assert [(s.date, s.start) for s in made] == [
        (MONDAY, dt.time(9)),
        (MONDAY + dt.timedelta(days=1), dt.time(10)),
    ]
    assert made[0].pk == monday.pk
    assert not DatedSession.objects.filter(pk=thursday.pk).exists()
    assert made[1].standing is not None
    assert made[1].standing.schedule == schedule
    # Next week follows the new schedule entirely.
    later = sessions_materialize(
        provider=world.provider,
        start=MONDAY + dt.timedelta(days=7),
        end=FRIDAY + dt.timedelta(days=7),
    )
    assert [s.start for s in later] == [dt.time(9, 15), dt.time(10)]


def test_a_moved_weekly_session_moves_its_planned_occurrences(world):
    weekly = monday_writing(world)
    (before,) = sessions_materialize(provider=world.provider, start=MONDAY, end=FRIDAY)
    weekly.day, weekly.start, weekly.end = "wed", dt.time(13), dt.time(13, 30)
    weekly.save()
    (after,) = sessions_materialize(provider=world.provider, start=MONDAY, end=FRIDAY)
    assert (after.date, after.start) == (MONDAY + dt.timedelta(days=2), dt.time(13))
    assert not DatedSession.objects.filter(pk=before.pk).exists()


def test_a_student_leaving_the_weekly_session_rebuilds_the_planned_occurrence(world):
    second = add_student(world)
    weekly = monday_writing(world, [world.student, second])
    (before,) = sessions_materialize(provider=world.provider, start=MONDAY, end=MONDAY)
    assert before.members.count() == 2
    ScheduledSessionStudent.objects.filter(session=weekly, student=second).delete()
    (after,) = sessions_materialize(provider=world.provider, start=MONDAY, end=MONDAY)
    assert after.pk != before.pk
    assert [r.student_id for r in after.members.all()] == [world.student.pk]


def test_signed_and_makeup_sessions_are_never_touched(world):
    monday_writing(world)
    (planned,) = sessions_materialize(provider=world.provider, start=MONDAY, end=MONDAY)
    DatedSession.objects.filter(pk=planned.pk).update(status=SessionStatus.SIGNED)
    makeup = DatedSession.objects.create(
        provider=world.provider,
        classroom=world.classroom,
        date=MONDAY,
        start=dt.time(13),
        end=dt.time(13, 30),
        is_makeup=True,
    )
    standing_schedule(world.provider)  # an empty new schedule
    made = sessions_materialize(provider=world.provider, start=MONDAY, end=MONDAY)
    assert {s.pk for s in made} == {planned.pk, makeup.pk}


def test_no_active_schedule_removes_planned_occurrences(world):
    weekly = monday_writing(world)
    sessions_materialize(provider=world.provider, start=MONDAY, end=MONDAY)
    weekly.schedule.active = False
    weekly.schedule.save()
    assert sessions_materialize(provider=world.provider, start=MONDAY, end=MONDAY) == []
    assert not DatedSession.objects.exists()


def test_inactive_students_are_left_out(world):
    second = add_student(world)
    monday_writing(world, [world.student, second])
    second.active = False
    second.save()
    (session,) = sessions_materialize(provider=world.provider, start=MONDAY, end=MONDAY)
    assert [r.student_id for r in session.members.all()] == [world.student.pk]


def test_other_providers_are_not_touched(world):
    monday_writing(world)
    schedule = standing_schedule(world.other_provider)
    standing_session(
        schedule,
        classroom=world.other_classroom,
        day="mon",
        start=dt.time(9),
        end=dt.time(9, 30),
        students=[world.other_student],
    )
    sessions_materialize(provider=world.provider, start=MONDAY, end=MONDAY)
    assert not DatedSession.objects.filter(provider=world.other_provider).exists()


def test_range_must_not_be_backwards(world):
    with pytest.raises(ValueError, match="ends before"):
        sessions_materialize(provider=world.provider, start=FRIDAY, end=MONDAY)


def test_a_changed_block_activity_relabels_the_planned_occurrence(world):
    weekly = monday_writing(world)
    (before,) = sessions_materialize(provider=world.provider, start=MONDAY, end=MONDAY)
    assert weekly.block is not None
    weekly.block.activity = "math"
    weekly.block.save()
    (after,) = sessions_materialize(provider=world.provider, start=MONDAY, end=MONDAY)
    assert (after.pk, after.activity) == (before.pk, "math")
    assert DatedSession.objects.get().activity == "math"
