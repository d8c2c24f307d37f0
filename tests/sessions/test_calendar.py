"""calendar_sync: the provider's dated sessions stored ahead from the schedules in force.

The clock stands on Wednesday 2026-12-02 at noon (tests/conftest.py); the test world's
school year runs from Monday 2026-08-31 to Friday 2027-06-18. What has started (dated
before today, or today at or after its start) and what is logged, signed, called off, a
makeup, a one-day override or imported is never created, moved or deleted here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from time_machine import TimeMachineFixture

from pushin.accounts.models import AuditEntry
from pushin.district.models import Closure
from pushin.district.services import closure_create, closure_delete, school_year_update
from pushin.planning.models import ScheduledSession, StandingSchedule
from pushin.sessions.calendar import (
    SyncResult,
    calendar_sync,
    calendar_sync_district,
    follows_schedule,
    is_school_day,
    schedule_on,
    schedules_in_force,
    school_days,
)
from pushin.sessions.models import DatedSession, SessionStatus, SessionStudent
from pushin.sessions.services import session_call_off
from pushin.vocabulary import MissReason
from tests.conftest import NOW, TODAY
from tests.factories import World
from tests.sessions.factories import (
    MONDAY,
    SCHOOL_TZ,
    THURSDAY,
    add_student,
    first_goal,
    monday_writing,
    standing_schedule,
    standing_session,
    stored_ahead,
)

YEAR_END = dt.date(2027, 6, 18)  # a Friday
NOV_2 = dt.date(2026, 11, 2)  # a Monday a month before the frozen "now"
DEC_7 = dt.date(2026, 12, 7)
DEC_14 = dt.date(2026, 12, 14)
SESSION = "therapy_sessions.datedsession"


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SCHOOL_TZ)


def later(start: dt.time, minutes: int = 30) -> dt.time:
    return (dt.datetime.combine(TODAY, start) + dt.timedelta(minutes=minutes)).time()


def weekly(
    world: World,
    schedule: StandingSchedule,
    day: str,
    start: dt.time,
    *,
    students: list[Any] | None = None,
) -> ScheduledSession:
    return standing_session(
        schedule,
        classroom=world.classroom,
        day=day,
        start=start,
        end=later(start),
        students=students if students is not None else [world.student],
    )


def monday_and_thursday(
    world: World, *, effective_from: dt.date | None = None, monday: dt.time = dt.time(9)
) -> StandingSchedule:
    """A new active schedule: Monday writing (09:00) and Thursday centers (10:00)."""
    schedule = standing_schedule(world.provider, effective_from=effective_from)
    weekly(world, schedule, "mon", monday)
    weekly(world, schedule, "thu", dt.time(10))
    return schedule


def dates_of(
    isoweekdays: set[int], start: dt.date, end: dt.date, *, skip: Collection[dt.date] = ()
) -> list[dt.date]:
    """Every date in [start, end] on those weekdays, but `skip` (computed here by hand, not
    with the calendar's own `school_days`)."""
    found = []
    day = start
    while day <= end:
        if day.isoweekday() in isoweekdays and day not in skip:
            found.append(day)
        day += dt.timedelta(days=1)
    return found


def stored(provider=None) -> list[tuple[dt.date, dt.time]]:
    rows = DatedSession.objects.order_by("date", "start", "pk")
    if provider is not None:
        rows = rows.filter(provider=provider)
    return list(rows.values_list("date", "start"))


def rows(**where: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every field of the matching dated sessions and of their students' records."""
    sessions = DatedSession.objects.filter(**where).order_by("pk")
    members = SessionStudent.objects.filter(session__in=sessions).order_by("pk")
    return [dict(r) for r in sessions.values()], [dict(r) for r in members.values()]


def past_rows() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    return rows(date__lt=TODAY)


def sync(world: World) -> SyncResult:
    return calendar_sync(provider=world.provider, actor=world.provider.user)


# --- What is stored ------------------------------------------------------------------------


def test_stores_every_school_days_occurrence_from_now_to_the_year_end(world):
    monday_and_thursday(world)
    Closure.objects.create(
        district=world.district,
        name="Winter break",
        start=dt.date(2026, 12, 21),
        end=dt.date(2027, 1, 1),
    )
    result = sync(world)
    winter = dates_of({1, 2, 3, 4, 5}, dt.date(2026, 12, 21), dt.date(2027, 1, 1))
    expected = [
        (day, dt.time(9) if day.isoweekday() == 1 else dt.time(10))
        for day in dates_of({1, 4}, TODAY, YEAR_END, skip=winter)
    ]
    assert stored() == expected
    # From tomorrow (Thursday; Monday Nov 30 is over) to Thursday June 17, the last
    # Monday or Thursday of the year; nothing on a weekend or in the winter break.
    assert expected[0] == (THURSDAY, dt.time(10))
    assert expected[-1] == (dt.date(2027, 6, 17), dt.time(10))
    assert not [d for d, _ in stored() if d.isoweekday() > 5 or d in winter]
    assert result == SyncResult(created=len(expected), removed=0, updated=0)
    assert result.changed

    first = DatedSession.objects.select_related("standing").get(date=THURSDAY)
    assert first.standing is not None
    assert first.standing.day == "thu"
    assert (
        first.classroom,
        first.end,
        first.activity,
        first.delivery,
        first.original_date,
        first.status,
    ) == (world.classroom, dt.time(10, 30), "centers", "push_in", THURSDAY, SessionStatus.PLANNED)
    assert (first.is_makeup, first.is_override, first.is_imported, first.cancel_reason) == (
        False,
        False,
        False,
        "",
    )
    (record,) = first.members.all()
    assert (record.student, record.focus_goal) == (world.student, first_goal(world.student))
    assert (record.attendance, record.minutes_delivered) == ("", None)
    assert SessionStudent.objects.count() == len(expected)


def test_the_school_year_bounds_what_is_stored(world, time_machine: TimeMachineFixture):
    monday_and_thursday(world)
    # Before the year starts: from its first day (Monday Aug 31), not from "now".
    time_machine.move_to(at(dt.date(2026, 8, 20), 8), tick=False)
    sync(world)
    dates = [d for d, _ in stored()]
    assert dates[0] == world.district.school_year_start == dt.date(2026, 8, 31)
    assert dates[-1] == dt.date(2027, 6, 17)
    # The year is cut short by a week: what is past the new end goes, nothing else.
    time_machine.move_to(NOW, tick=False)
    before = rows(date__lte=dt.date(2027, 6, 11))
    school_year_update(
        actor=world.admin,
        district=world.district,
        start=world.district.school_year_start,
        end=dt.date(2027, 6, 11),
    )
    assert [d for d, _ in stored()][-1] == dt.date(2027, 6, 10)
    assert rows(date__lte=dt.date(2027, 6, 11)) == before
    # After the year: nothing to store, nothing past to remove.
    time_machine.move_to(at(dt.date(2027, 6, 21), 8), tick=False)
    assert not sync(world).changed


def test_school_days_skip_weekends_closures_and_days_outside_the_year(world):
    Closure.objects.create(
        district=world.district, name="Holiday", start=MONDAY + dt.timedelta(days=2), end=TODAY
    )
    sunday_after = MONDAY + dt.timedelta(days=6)
    assert school_days(world.district, MONDAY, sunday_after) == [
        MONDAY,
        MONDAY + dt.timedelta(days=1),
        THURSDAY,
        THURSDAY + dt.timedelta(days=1),
    ]
    assert school_days(world.district, dt.date(2026, 8, 27), dt.date(2026, 9, 1)) == [
        dt.date(2026, 8, 31),
        dt.date(2026, 9, 1),
    ]
    assert school_days(world.district, YEAR_END, YEAR_END + dt.timedelta(days=7)) == [YEAR_END]
    assert school_days(world.district, THURSDAY, MONDAY) == []
    assert not is_school_day(world.district, TODAY)
    assert is_school_day(world.district, THURSDAY)
    assert not is_school_day(world.district, MONDAY + dt.timedelta(days=5))


def test_a_second_call_writes_nothing(world):
    second = add_student(world)
    schedule = monday_and_thursday(world)
    weekly(world, schedule, "tue", dt.time(11), students=[world.student, second])
    stored_ahead(world.provider, before=NOV_2)
    sync(world)
    before = rows()
    assert len(before[0]) == len(dates_of({1, 2, 4}, NOV_2, YEAR_END))
    audits = AuditEntry.objects.count()
    with CaptureQueriesContext(connection) as queries:
        again = sync(world)
    assert again == SyncResult(created=0, removed=0, updated=0)
    assert not again.changed
    assert rows() == before
    assert AuditEntry.objects.count() == audits
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []


# --- The past is frozen --------------------------------------------------------------------


def _later_schedule(world: World) -> None:
    """A schedule accepted from Monday Dec 7: Monday moves to 09:15, Thursday to Tuesday."""
    schedule = standing_schedule(world.provider, effective_from=DEC_7)
    weekly(world, schedule, "mon", dt.time(9, 15))
    weekly(world, schedule, "tue", dt.time(11))


def _history_rewritten(world: World) -> None:
    """A schedule whose range reaches back to the year start (the old one never began):
    the calendar must still leave what is past as it was."""
    schedule = standing_schedule(world.provider, effective_from=world.district.school_year_start)
    weekly(world, schedule, "wed", dt.time(9))


def _weekly_session_moved(world: World) -> None:
    monday = ScheduledSession.objects.get(day="mon")
    monday.day, monday.start, monday.end = "wed", dt.time(13), dt.time(13, 30)
    monday.save()


def _closure_over_past_days(world: World) -> None:
    Closure.objects.create(
        district=world.district,
        name="Storm",
        start=dt.date(2026, 11, 23),
        end=THURSDAY,
    )


def _student_left(world: World) -> None:
    world.student.active = False
    world.student.save()


def _empty_schedule(world: World) -> None:
    standing_schedule(world.provider, effective_from=TODAY)


@pytest.mark.parametrize(
    "change",
    [
        _later_schedule,
        _history_rewritten,
        _weekly_session_moved,
        _closure_over_past_days,
        _student_left,
        _empty_schedule,
    ],
)
def test_nothing_dated_before_today_is_created_moved_or_deleted(
    world, change: Callable[[World], None]
):
    monday_and_thursday(world)
    stored_ahead(world.provider, before=NOV_2)  # the calendar ran a month ago
    past = past_rows()
    assert len(past[0]) == 9  # Mondays and Thursdays Nov 2 .. Nov 30, nobody logged them
    change(world)
    result = sync(world)
    assert result.changed  # the change reached what is ahead
    assert past_rows() == past


def test_a_schedule_from_a_past_date_creates_no_past_session(world):
    monday_and_thursday(world)  # in force since Aug 31, first stored now
    sync(world)
    assert min(d for d, _ in stored()) == THURSDAY
    assert not DatedSession.objects.filter(date__lt=TODAY).exists()


def test_a_past_closure_added_through_the_district_leaves_the_past(world):
    monday_and_thursday(world)
    stored_ahead(world.provider, before=NOV_2)
    past = past_rows()
    closure_create(
        actor=world.admin,
        district=world.district,
        name="Storm",
        start=dt.date(2026, 11, 16),
        end=dt.date(2026, 11, 19),
    )
    assert past_rows() == past
    # A closure ahead removes that week's occurrences; deleting it brings them back.
    closure = closure_create(
        actor=world.admin, district=world.district, name="Snow", start=DEC_7, end=DEC_7
    )
    assert not DatedSession.objects.filter(date=DEC_7).exists()
    assert DatedSession.objects.filter(date=DEC_14).exists()
    closure_delete(actor=world.admin, closure=closure)
    assert stored(world.provider).count((DEC_7, dt.time(9))) == 1
    assert past_rows() == past


def test_a_session_that_started_earlier_today_is_frozen_one_later_today_follows(world):
    schedule = standing_schedule(world.provider)
    morning_weekly = weekly(world, schedule, "wed", dt.time(9))
    afternoon_weekly = weekly(world, schedule, "wed", dt.time(13))
    stored_ahead(world.provider, before=TODAY)  # 07:00 today: both stored
    morning, afternoon = DatedSession.objects.filter(date=TODAY).order_by("start")
    frozen = rows(pk=morning.pk)
    # At noon both weekly sessions move half an hour later.
    for session in (morning_weekly, afternoon_weekly):
        session.start, session.end = later(session.start), later(session.end)
        session.save()
    sync(world)
    assert rows(pk=morning.pk) == frozen  # 09:00 has started: it stays as it was
    assert not DatedSession.objects.filter(pk=afternoon.pk).exists()
    assert [t for d, t in stored() if d == TODAY] == [dt.time(9), dt.time(13, 30)]


def test_a_session_starting_this_very_minute_has_started(world, time_machine):
    schedule = standing_schedule(world.provider)
    weekly(world, schedule, "wed", dt.time(13))
    stored_ahead(world.provider, before=TODAY)
    (session,) = DatedSession.objects.filter(date=TODAY)
    time_machine.move_to(at(TODAY, 13), tick=False)
    ScheduledSession.objects.update(start=dt.time(14), end=dt.time(14, 30))
    sync(world)
    session.refresh_from_db()
    assert (session.date, session.start) == (TODAY, dt.time(13))
    assert [t for d, t in stored() if d == TODAY] == [dt.time(13)]


def test_nothing_created_today_for_a_time_already_gone(world):
    schedule = standing_schedule(world.provider)
    weekly(world, schedule, "wed", dt.time(9))
    weekly(world, schedule, "wed", dt.time(13))
    sync(world)  # first run at noon
    assert [t for d, t in stored() if d == TODAY] == [dt.time(13)]


def test_no_session_before_the_first_schedule_begins(world):
    monday_and_thursday(world, effective_from=DEC_14)
    sync(world)
    assert min(d for d, _ in stored()) == DEC_14
    assert not DatedSession.objects.filter(date__lt=DEC_14).exists()


# --- A newer schedule ----------------------------------------------------------------------


def test_a_newer_schedule_replaces_only_the_occurrences_from_its_date(world):
    old = monday_and_thursday(world)
    sync(world)
    before_e = rows(date__lt=DEC_14)
    thursdays = dict(
        DatedSession.objects.filter(date__gte=DEC_14, date__week_day=5).values_list("date", "pk")
    )
    new = standing_schedule(world.provider, effective_from=DEC_14)
    weekly(world, new, "mon", dt.time(9, 15))
    new_thursday = weekly(world, new, "thu", dt.time(10))  # unchanged
    result = sync(world)
    old.refresh_from_db()
    assert (old.effective_to, old.active) == (dt.date(2026, 12, 13), False)
    assert rows(date__lt=DEC_14) == before_e  # Dec 3, 7 and 10 keep their times and rows
    assert stored()[:4] == [
        (THURSDAY, dt.time(10)),
        (DEC_7, dt.time(9)),
        (dt.date(2026, 12, 10), dt.time(10)),
        (DEC_14, dt.time(9, 15)),
    ]
    assert {t for d, t in stored() if d >= DEC_14 and d.isoweekday() == 1} == {dt.time(9, 15)}
    # The Thursday that did not change keeps its rows, now pointing at the new schedule.
    after = dict(
        DatedSession.objects.filter(date__gte=DEC_14, date__week_day=5).values_list("date", "pk")
    )
    assert after == thursdays
    assert set(
        DatedSession.objects.filter(date__gte=DEC_14, date__week_day=5).values_list(
            "standing", flat=True
        )
    ) == {new_thursday.pk}
    mondays = len(dates_of({1}, DEC_14, YEAR_END))
    assert result == SyncResult(created=mondays, removed=mondays, updated=len(thursdays))
    assert schedules_in_force(world.provider.pk, TODAY) == [old, new]
    assert schedule_on([old, new], dt.date(2026, 12, 13)) == old
    assert schedule_on([old, new], DEC_14) == new


def test_reaccepting_an_identical_schedule_repoints_the_occurrences(world):
    monday_and_thursday(world)
    sync(world)
    before = list(DatedSession.objects.order_by("pk").values_list("pk", "date", "start"))
    copy = monday_and_thursday(world, effective_from=TODAY)
    result = sync(world)
    assert result == SyncResult(created=0, removed=0, updated=len(before))
    assert list(DatedSession.objects.order_by("pk").values_list("pk", "date", "start")) == before
    assert set(DatedSession.objects.values_list("standing__schedule", flat=True)) == {copy.pk}
    assert not sync(world).changed


def test_a_changed_block_activity_relabels_the_occurrences_in_place(world):
    session = monday_writing(world)
    sync(world)
    pks = list(DatedSession.objects.order_by("pk").values_list("pk", flat=True))
    assert session.block is not None
    session.block.activity = "math"
    session.block.save()
    result = sync(world)
    assert result == SyncResult(created=0, removed=0, updated=len(pks))
    assert list(DatedSession.objects.order_by("pk").values_list("pk", "activity")) == [
        (pk, "math") for pk in pks
    ]


# --- What the calendar never touches -------------------------------------------------------


def _protected(world: World) -> dict[str, int]:
    """Monday 09:00 occurrences stored ahead, then made part of the record one way each;
    plus a makeup and an imported record standing alone. Returns their pks by kind."""
    monday_writing(world)
    sync(world)
    by_date = dict(DatedSession.objects.values_list("date", "pk"))
    jan = dt.date(2027, 1, 4)
    logged, signed, called_off, override = (
        by_date[DEC_7],
        by_date[DEC_14],
        by_date[dt.date(2026, 12, 21)],
        by_date[dt.date(2026, 12, 28)],
    )
    DatedSession.objects.filter(pk=logged).update(status=SessionStatus.LOGGED)
    SessionStudent.objects.filter(session=logged).update(attendance=MissReason.STUDENT_ABSENT)
    DatedSession.objects.filter(pk=signed).update(status=SessionStatus.SIGNED)
    session_call_off(
        actor=world.provider.user,
        session=DatedSession.objects.get(pk=called_off),
        attendance=MissReason.STUDENT_UNAVAILABLE,
        reason="Class trip",
    )
    # A one-week re-plan moved Dec 28's session twenty minutes later that day.
    DatedSession.objects.filter(pk=override).update(
        start=dt.time(9, 20), end=dt.time(9, 50), is_override=True
    )
    # Jan 4 and Jan 11: a makeup and an imported record over the weekly time.
    gone = DatedSession.objects.filter(date__in=[jan, jan + dt.timedelta(days=7)])
    SessionStudent.objects.filter(session__in=gone).delete()  # records are PROTECTed
    gone.delete()
    makeup = DatedSession.objects.create(
        provider=world.provider,
        classroom=world.classroom,
        date=jan,
        start=dt.time(9, 10),
        end=dt.time(9, 40),
        is_makeup=True,
    )
    imported = DatedSession.objects.create(
        provider=world.provider,
        classroom=world.classroom,
        date=jan + dt.timedelta(days=7),
        start=dt.time(9),
        end=dt.time(9, 30),
        is_imported=True,
        status=SessionStatus.SIGNED,
    )
    # Jan 18: a makeup in the afternoon, which overlaps nothing.
    afternoon = DatedSession.objects.create(
        provider=world.provider,
        classroom=world.classroom,
        date=jan + dt.timedelta(days=14),
        start=dt.time(13),
        end=dt.time(13, 30),
        is_makeup=True,
    )
    for session in (makeup, imported, afternoon):
        SessionStudent.objects.create(session=session, student=world.student)
    return {
        "logged": logged,
        "signed": signed,
        "called_off": called_off,
        "override": override,
        "makeup": makeup.pk,
        "imported": imported.pk,
        "afternoon makeup": afternoon.pk,
    }


def test_the_record_is_never_touched_and_blocks_an_overlapping_occurrence(world):
    kept = _protected(world)
    # Jan 4 and Jan 11 lost their weekly occurrence: the makeup and the imported record
    # hold 09:00 those days, so the calendar does not put it back.
    assert not sync(world).changed
    record = rows(pk__in=kept.values())
    new = standing_schedule(world.provider, effective_from=TODAY)
    weekly(world, new, "mon", dt.time(9, 15))
    sync(world)
    assert rows(pk__in=kept.values()) == record
    mondays = {d: [t for e, t in stored() if e == d] for d in dates_of({1}, DEC_7, YEAR_END)}
    jan = dt.date(2027, 1, 4)
    held = {
        DEC_7: [dt.time(9)],
        DEC_14: [dt.time(9)],
        dt.date(2026, 12, 21): [dt.time(9)],
        dt.date(2026, 12, 28): [dt.time(9, 20)],
        jan: [dt.time(9, 10)],
        jan + dt.timedelta(days=7): [dt.time(9)],
    }
    for day, times in held.items():
        assert mondays[day] == times, day  # no 09:15 beside what holds the time
    assert mondays[jan + dt.timedelta(days=14)] == [dt.time(9, 15), dt.time(13)]
    assert mondays[jan + dt.timedelta(days=21)] == [dt.time(9, 15)]


def test_an_empty_schedule_leaves_only_the_record(world):
    kept = _protected(world)
    record = rows(pk__in=kept.values())
    standing_schedule(world.provider, effective_from=TODAY)
    sync(world)
    assert rows(pk__in=kept.values()) == record
    assert set(DatedSession.objects.values_list("pk", flat=True)) == set(kept.values())


def test_an_override_moved_to_another_day_is_not_put_back(world):
    monday_writing(world)
    sync(world)
    moved = DatedSession.objects.get(date=DEC_7)
    DatedSession.objects.filter(pk=moved.pk).update(
        date=DEC_7 + dt.timedelta(days=1), start=dt.time(10), end=dt.time(10, 30), is_override=True
    )
    assert not sync(world).changed
    assert not DatedSession.objects.filter(date=DEC_7).exists()
    moved.refresh_from_db()
    assert (moved.date, moved.original_date, moved.start) == (
        dt.date(2026, 12, 8),
        DEC_7,
        dt.time(10),
    )


def test_a_newer_schedule_does_not_double_a_week_with_a_moved_override(world):
    monday_writing(world)
    sync(world)
    moved = DatedSession.objects.get(date=DEC_14)
    DatedSession.objects.filter(pk=moved.pk).update(
        date=DEC_14 + dt.timedelta(days=1), start=dt.time(10), end=dt.time(10, 30), is_override=True
    )
    new = standing_schedule(world.provider, effective_from=TODAY)
    weekly(world, new, "mon", dt.time(9, 15))
    sync(world)
    week = DatedSession.objects.filter(
        date__gte=DEC_14, date__lte=DEC_14 + dt.timedelta(days=4), members__student=world.student
    )
    assert list(week.values_list("pk", flat=True)) == [moved.pk]


def test_a_weekly_session_moved_to_another_day_keeps_one_occurrence_in_an_overridden_week(
    world,
):
    """The weekly session itself moves from Monday to Thursday (a schedule that begins
    today is edited in place, the same pk): the week whose Monday occurrence a one-week
    re-plan moved to Tuesday keeps that override only, no Thursday beside it."""
    schedule = standing_schedule(world.provider, effective_from=TODAY)
    monday = weekly(world, schedule, "mon", dt.time(9))
    sync(world)
    moved = DatedSession.objects.get(date=DEC_14)
    DatedSession.objects.filter(pk=moved.pk).update(
        date=DEC_14 + dt.timedelta(days=1), start=dt.time(10), end=dt.time(10, 30), is_override=True
    )
    ScheduledSession.objects.filter(pk=monday.pk).update(day="thu")
    sync(world)

    def week_of(day: dt.date) -> list[dt.date]:
        week = DatedSession.objects.filter(date__gte=day, date__lte=day + dt.timedelta(days=4))
        return list(week.values_list("date", flat=True))

    assert week_of(DEC_14) == [dt.date(2026, 12, 15)]
    assert week_of(DEC_7) == [dt.date(2026, 12, 10)]  # the other weeks follow the move


def test_an_override_earlier_this_week_holds_the_weeks_occurrence_under_a_newer_schedule(
    world, time_machine: TimeMachineFixture
):
    """Monday's occurrence of this week was moved to Tuesday by a one-week re-plan; on
    Wednesday a new schedule puts the student on Thursdays from today. This week already
    had its session (Tuesday's): no Thursday this week, one every week after."""
    monday_writing(world)
    stored_ahead(world.provider, before=MONDAY)
    this_monday = DatedSession.objects.get(date=MONDAY)
    DatedSession.objects.filter(pk=this_monday.pk).update(
        date=MONDAY + dt.timedelta(days=1), is_override=True
    )
    new = standing_schedule(world.provider, effective_from=TODAY)
    weekly(world, new, "thu", dt.time(10))
    sync(world)
    assert not DatedSession.objects.filter(date=THURSDAY).exists()
    assert DatedSession.objects.filter(date=THURSDAY + dt.timedelta(days=7)).exists()


def test_follows_schedule_says_what_the_calendar_may_still_replace(world):
    weekly_session = monday_writing(world)
    now = NOW

    def occurrence(**fields: Any) -> DatedSession:
        values: dict[str, Any] = {
            "provider": world.provider,
            "classroom": world.classroom,
            "date": DEC_7,
            "start": dt.time(9),
            "end": dt.time(9, 30),
            "standing": weekly_session,
            **fields,
        }
        return DatedSession(**values)

    assert follows_schedule(occurrence(), now)
    assert follows_schedule(occurrence(date=TODAY, start=dt.time(12, 1)), now)
    for fields in (
        {"date": MONDAY},
        {"date": TODAY, "start": dt.time(12)},
        {"status": SessionStatus.LOGGED},
        {"status": SessionStatus.SIGNED},
        {"cancel_reason": "Class trip"},
        {"is_makeup": True},
        {"is_override": True},
        {"is_imported": True},
        {"standing": None},
    ):
        assert not follows_schedule(occurrence(**fields), now), fields


# --- Students, providers, the audit trail --------------------------------------------------


def test_an_inactive_student_drops_out_of_future_occurrences_only(world):
    second = add_student(world)
    monday_writing(world, [world.student, second])
    stored_ahead(world.provider, before=NOV_2)
    past = past_rows()
    future = DatedSession.objects.filter(date__gte=TODAY).count()
    second.active = False
    second.save()
    sync(world)
    assert past_rows() == past
    assert {m["student_id"] for m in past[1]} == {world.student.pk, second.pk}
    assert DatedSession.objects.filter(date__gte=TODAY).count() == future
    assert set(
        SessionStudent.objects.filter(session__date__gte=TODAY).values_list("student", flat=True)
    ) == {world.student.pk}
    # Alone in a session, a student who left takes its future occurrences with them.
    world.student.active = False
    world.student.save()
    sync(world)
    assert not DatedSession.objects.filter(date__gte=TODAY).exists()
    assert past_rows() == past


def test_other_providers_are_not_touched(world):
    other = standing_schedule(world.other_provider)
    standing_session(
        other,
        classroom=world.other_classroom,
        day="mon",
        start=dt.time(9),
        end=dt.time(9, 30),
        students=[world.other_student],
    )
    calendar_sync(provider=world.other_provider, actor=None)
    theirs = rows(provider=world.other_provider)
    monday_and_thursday(world)
    sync(world)
    assert rows(provider=world.other_provider) == theirs
    assert DatedSession.objects.filter(provider=world.provider).exists()


def test_calendar_sync_district_syncs_every_provider_with_a_schedule(world):
    monday_writing(world)
    other = standing_schedule(world.other_provider)
    standing_session(
        other,
        classroom=world.other_classroom,
        day="thu",
        start=dt.time(10),
        end=dt.time(10, 30),
        students=[world.other_student],
    )
    assert calendar_sync_district(district=world.district, actor=None) == 2
    assert DatedSession.objects.filter(provider=world.other_provider).exists()
    assert calendar_sync_district(district=world.district, actor=None) == 0


def test_changes_are_audited_per_student_with_ids_only(world):
    second = add_student(world, first_name="Quinn", last_name="Marsh")
    schedule = standing_schedule(world.provider)
    weekly(world, schedule, "mon", dt.time(9), students=[world.student, second])
    weekly(world, schedule, "thu", dt.time(10))
    sync(world)
    created = AuditEntry.objects.filter(object_type=SESSION, action="create").order_by("student_id")
    assert [e.student_id for e in created] == [world.student.pk, second.pk]
    mine = sorted(DatedSession.objects.values_list("pk", flat=True))
    mondays = sorted(DatedSession.objects.filter(date__week_day=2).values_list("pk", flat=True))
    assert created[0].detail == {"sessions": mine, "by": "calendar"}
    assert created[1].detail == {"sessions": mondays, "by": "calendar"}
    assert {e.actor for e in created} == {world.provider.user}
    # A student who left: their Monday occurrences are removed and made again without
    # them, one entry per student and kind, ids only.
    second.active = False
    second.save()
    sync(world)
    removed = AuditEntry.objects.filter(object_type=SESSION, action="delete")
    assert sorted(e.student_id or 0 for e in removed) == [world.student.pk, second.pk]
    assert {tuple(e.detail["sessions"]) for e in removed} == {tuple(mondays)}
    for entry in AuditEntry.objects.filter(object_type=SESSION):
        text = str(entry.detail)
        for name in ("Avery", "Quinn", "Marsh", "Sample"):
            assert name not in text
    # The daily command writes as nobody.
    SessionStudent.objects.filter(session__date=DEC_7).delete()  # records are PROTECTed
    DatedSession.objects.filter(date=DEC_7).delete()
    calendar_sync(provider=world.provider, actor=None)
    (nightly,) = AuditEntry.objects.filter(object_type=SESSION, action="create", actor=None)
    assert nightly.student_id == world.student.pk
