from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pushin.caseload.models import Goal
from pushin.district.models import ActivityBlock, ExceptionKind, TimetableException
from pushin.district.services import closure_create
from pushin.planning.models import ScheduledSession, ScheduledSessionStudent, StandingSchedule
from pushin.planning.selectors import schedule_flags_for
from pushin.sessions.calendar import calendar_sync
from pushin.vocabulary import Activity, Weekday
from tests.factories import World, make_student
from tests.planning.helpers import standing

# Next week (the clock stands on Wednesday 2026-12-02): its sessions are stored ahead.
MONDAY = dt.date(2026, 12, 7)
THURSDAY = MONDAY + dt.timedelta(days=3)


def fixed_schedule(world: World) -> StandingSchedule:
    """A standing schedule with known times: Mon 09:00-09:30 and Thu 10:00-10:30, and its
    dated sessions stored ahead at those times."""
    schedule = standing(world)
    schedule.sessions.filter(day=Weekday.MON).update(start=dt.time(9), end=dt.time(9, 30))
    schedule.sessions.filter(day=Weekday.THU).update(start=dt.time(10), end=dt.time(10, 30))
    calendar_sync(provider=world.provider, actor=None)
    return schedule


def test_no_flags_while_nothing_changed(pworld: World) -> None:
    fixed_schedule(pworld)
    flags = schedule_flags_for(pworld.provider, MONDAY)
    assert flags.has_schedule
    assert flags.flags == []


def test_no_schedule_no_flags(pworld: World) -> None:
    flags = schedule_flags_for(pworld.provider, MONDAY)
    assert not flags.has_schedule
    assert flags.flags == []


def test_a_teachers_block_change_flags_the_session_every_week(pworld: World) -> None:
    schedule = fixed_schedule(pworld)
    # A group of three on Monday: one flag for the session, not one per student.
    monday = schedule.sessions.get(day=Weekday.MON)
    for number in (3, 4):
        student = make_student(
            ref=f"S-{number:04d}", classroom=pworld.classroom, provider=pworld.provider
        )
        ScheduledSessionStudent.objects.create(
            session=monday, student=student, focus_goal=Goal.objects.get(iep__student=student)
        )
    writing = ActivityBlock.objects.get(classroom=pworld.classroom, day=Weekday.MON)
    writing.activity = Activity.TEST  # the teacher moved the weekly quiz here
    writing.save()
    flags = schedule_flags_for(pworld.provider, None, reader=pworld.provider.user)
    [flag] = flags.flags
    assert flag.source == "timetable"
    assert flag.rule == 2
    assert flag.session is not None
    assert flag.session.day == "mon"
    # Goal and block in the vocabulary's words, not the engine's ids.
    assert flag.message == (
        "the handwriting / visual-motor goal does not fit Test / assessment (Mon 09:00-09:45)"
    )
    assert "does not suit the student's goals" in flag.rule_words


def test_a_shortened_block_flags_the_session(pworld: World) -> None:
    fixed_schedule(pworld)
    centers = ActivityBlock.objects.get(classroom=pworld.classroom, day=Weekday.THU)
    centers.start = dt.time(10, 15)
    centers.save()
    [flag] = schedule_flags_for(pworld.provider, None).flags
    assert (flag.source, flag.rule) == ("timetable", 1)
    assert flag.session is not None
    assert flag.session.day == "thu"
    assert "is not inside block" in flag.message
    assert "Literacy centers (Thu 10:15-10:45)" in flag.message


def test_a_change_of_the_usual_week_is_not_flagged_again_for_the_week(pworld: World, login) -> None:
    """The week's stored sessions ("d<pk>") break the same rule as their weekly sessions
    ("sess-N"): one flag, of the usual week, and no 'Re-plan the week ... only' for it."""
    fixed_schedule(pworld)
    centers = ActivityBlock.objects.get(classroom=pworld.classroom, day=Weekday.THU)
    centers.start = dt.time(10, 15)
    centers.save()
    flags = schedule_flags_for(pworld.provider, MONDAY)
    assert [(f.source, f.rule) for f in flags.flags] == [("timetable", 1)]
    assert flags.week_flags == []
    url = reverse("planning:provider", args=[pworld.provider.pk])
    page = login(pworld.provider.user).get(url, {"week": "2026-12-07"}).content.decode()
    assert "1 problem" in page
    assert "Re-plan the week of Dec 7 only" not in page


def test_a_dated_exception_flags_only_its_week(pworld: World) -> None:
    fixed_schedule(pworld)
    TimetableException.objects.create(
        classroom=pworld.classroom,
        date=THURSDAY,
        start=dt.time(10),
        end=dt.time(10, 45),
        kind=ExceptionKind.ACTIVITY,
        activity=Activity.TEST,
    )
    flags = schedule_flags_for(pworld.provider, MONDAY)
    [flag] = flags.flags
    assert flag.source == "week"
    assert flag.session is not None
    assert flag.session.day == "thu"
    assert flags.week_flags == [flag]
    assert flags.timetable_flags == []
    assert schedule_flags_for(pworld.provider, MONDAY + dt.timedelta(days=7)).flags == []
    assert schedule_flags_for(pworld.provider, None).flags == []


def test_a_cancelled_block_and_a_closure(pworld: World) -> None:
    fixed_schedule(pworld)
    TimetableException.objects.create(
        classroom=pworld.classroom,
        date=MONDAY,
        start=dt.time(9),
        end=dt.time(9, 45),
        kind=ExceptionKind.CANCELLED,
    )
    [flag] = schedule_flags_for(pworld.provider, MONDAY).flags
    assert flag.session is not None
    assert (flag.source, flag.session.day, flag.rule) == ("week", "mon", 1)
    # A closure that Monday: no school, so the session simply does not happen.
    closure_create(
        actor=pworld.admin, district=pworld.district, name="Holiday", start=MONDAY, end=MONDAY
    )
    flags = schedule_flags_for(pworld.provider, MONDAY)
    assert flags.flags == []
    assert flags.closed_days == ["mon"]


def test_the_planning_page_lists_flags_with_a_replan_button(pworld: World, login) -> None:
    fixed_schedule(pworld)
    TimetableException.objects.create(
        classroom=pworld.classroom,
        date=THURSDAY,
        start=dt.time(10),
        end=dt.time(10, 45),
        kind=ExceptionKind.ACTIVITY,
        activity=Activity.TEST,
    )
    url = reverse("planning:provider", args=[pworld.provider.pk])
    page = login(pworld.provider.user).get(url, {"week": "2026-12-09"}).content.decode()
    assert "1 problem" in page
    assert "Week of Dec 7" in page
    assert "Re-plan the week of Dec 7 only" in page
    assert 'name="week" value="2026-12-07"' in page
    # Only a dated change: no every-week re-plan is offered.
    assert "Re-plan every week" not in page
    quiet = login(pworld.provider.user).get(url, {"week": "2026-12-14"}).content.decode()
    assert "passes every rule" in quiet
    assert "Re-plan" not in quiet


def test_a_change_of_the_usual_week_offers_an_every_week_replan(pworld: World, login) -> None:
    fixed_schedule(pworld)
    ActivityBlock.objects.filter(classroom=pworld.classroom, day=Weekday.MON).update(
        activity=Activity.TEST
    )
    url = reverse("planning:provider", args=[pworld.provider.pk])
    page = login(pworld.provider.user).get(url, {"week": "2026-12-14"}).content.decode()
    assert "Every week" in page
    assert "Re-plan every week, with minimal changes" in page


def _count_queries(client, url: str, params: dict[str, str]) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url, params)
    assert page.status_code == 200
    return len(queries), page.content.decode()


def test_flag_pages_do_not_grow_with_sessions(
    pworld: World, login, django_assert_max_num_queries
) -> None:
    schedule = fixed_schedule(pworld)
    monday = ActivityBlock.objects.get(classroom=pworld.classroom, day=Weekday.MON)

    def more_students(numbers: range) -> None:
        """Students each with a weekly session on Monday 09:15 and its dated sessions
        stored ahead: the provider's double-booked Monday is flagged many times over,
        with names and rooms."""
        for number in numbers:
            student = make_student(
                ref=f"S-{number:04d}", classroom=pworld.classroom, provider=pworld.provider
            )
            session = ScheduledSession.objects.create(
                schedule=schedule,
                plan_session_id=f"x-{number}",
                classroom=pworld.classroom,
                block=monday,
                day=Weekday.MON,
                start=dt.time(9, 15),
                end=dt.time(9, 45),
            )
            ScheduledSessionStudent.objects.create(
                session=session,
                student=student,
                focus_goal=Goal.objects.get(iep__student=student),
            )
        calendar_sync(provider=pworld.provider, actor=None)

    client = login(pworld.provider.user)
    planning = reverse("planning:provider", args=[pworld.provider.pk])
    week = {"week": MONDAY.isoformat()}
    client.get(planning, week)  # the first request after signing in writes the session
    more_students(range(3, 4))
    few, _ = _count_queries(client, planning, week)
    more_students(range(4, 23))
    many, page = _count_queries(client, planning, week)
    assert many == few
    assert page.count('class="flag flag-timetable"') >= 20
    # The usual week's and that week's scenarios and their names, whatever the size, and
    # the capacity card (mandates in force, the weekly schedule's travel: 8 queries); each
    # scenario reads the provider's lessons as busy time (2 queries).
    with django_assert_max_num_queries(70):
        client.get(planning, week)
    # The page and nav, not per session; two of them read the fit of each student's goal
    # (the district's fit table and the goals' own overrides).
    with django_assert_max_num_queries(17):
        page = client.get(reverse("planning:schedule", args=[pworld.provider.pk]))
    assert page.content.decode().count("Move</a>") == 22


def test_a_deleted_block_is_flagged_in_words(pworld: World) -> None:
    fixed_schedule(pworld)
    ActivityBlock.objects.filter(classroom=pworld.classroom, day=Weekday.THU).delete()
    [flag] = schedule_flags_for(pworld.provider, None).flags
    assert flag.rule == 1
    assert flag.message == "block (a block removed from the timetable) is not in Room 2A"
