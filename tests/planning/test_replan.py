from __future__ import annotations

import datetime as dt

from django.urls import reverse

from pushin.district.models import ActivityBlock, ExceptionKind, TimetableException
from pushin.planning.models import (
    PlanRun,
    RunDecision,
    RunKind,
    RunStatus,
    ScheduledSession,
    StandingSchedule,
)
from pushin.planning.services import plan_accept, plan_reject, plan_run_create
from pushin.sessions.calendar import calendar_sync
from pushin.vocabulary import Activity, Weekday
from tests.factories import World
from tests.planning.helpers import TINY_LIMIT, standing

MONDAY = dt.date(2026, 12, 7)  # next week (the clock stands on Wednesday 2026-12-02)


def known_schedule(world: World) -> StandingSchedule:
    """Mon 09:00-09:30 writing and Thu 10:00-10:30 centers, Thursday pinned."""
    schedule = standing(world)
    schedule.sessions.filter(day=Weekday.MON).update(start=dt.time(9), end=dt.time(9, 30))
    schedule.sessions.filter(day=Weekday.THU).update(
        start=dt.time(10), end=dt.time(10, 30), pinned=True
    )
    return schedule


def teacher_changes_the_week(world: World) -> None:
    """Monday's writing becomes a weekly quiz; writing moves to Wednesday."""
    ActivityBlock.objects.filter(classroom=world.classroom, day=Weekday.MON).update(
        activity=Activity.TEST
    )
    ActivityBlock.objects.create(
        classroom=world.classroom,
        day=Weekday.WED,
        start=dt.time(9),
        end=dt.time(9, 45),
        activity=Activity.WRITING,
    )


def replan(world: World, week_of: dt.date | None = None) -> PlanRun:
    return plan_run_create(
        user=world.provider.user,
        district=world.district,
        providers=[world.provider],
        kind=RunKind.REPLAN,
        week_of=week_of,
        time_limit=TINY_LIMIT,
    )


def test_replan_keeps_the_pinned_session_and_moves_the_broken_one(pworld: World) -> None:
    schedule = known_schedule(pworld)
    thursday = schedule.sessions.get(day=Weekday.THU)
    teacher_changes_the_week(pworld)
    run = replan(pworld)
    assert run.status == RunStatus.DONE, run.error
    assert run.scenario["pinned"] == [thursday.plan_session_id]
    previous_ids = {s["id"] for s in run.scenario["previous_plan"]["sessions"]}
    assert previous_ids == set(schedule.sessions.values_list("plan_session_id", flat=True))
    sessions = {s["day"]: s for s in run.plan_data["sessions"]}
    assert set(sessions) == {"wed", "thu"}
    assert sessions["thu"]["id"] == thursday.plan_session_id
    assert sessions["thu"]["start"] == "10:00"
    assert run.plan_data["stats"]["moved_sessions"] == 1


def test_result_page_shows_the_diff_to_accept_or_reject(pworld: World, login) -> None:
    known_schedule(pworld)
    teacher_changes_the_week(pworld)
    client = login(pworld.provider.user)
    response = client.post(reverse("planning:replan", args=[pworld.provider.pk]))
    run = PlanRun.objects.get(kind=RunKind.REPLAN)
    assert response["Location"] == reverse("planning:run", args=[run.pk])
    page = client.get(response["Location"]).content.decode()
    assert "What changes" in page
    assert "1 kept · 1 moved · 0 added · 0 dropped" in page
    assert "Mon 09:00-09:30, Test / assessment, Room 2A: Avery Sample" in page
    assert "Wed 09:" in page
    assert "Accept as the standing schedule" in page
    assert "Reject, keep the current one" in page


def test_accepting_a_replan_keeps_pins(pworld: World) -> None:
    old = known_schedule(pworld)
    teacher_changes_the_week(pworld)
    run = replan(pworld)
    [new] = plan_accept(run=run, user=pworld.provider.user)
    old.refresh_from_db()
    assert not old.active
    thursday = new.sessions.get(day=Weekday.THU)
    assert thursday.pinned
    assert not new.sessions.get(day=Weekday.WED).pinned
    wednesday = new.sessions.get(day=Weekday.WED)
    assert wednesday.block is not None
    assert wednesday.block.day == "wed"


def test_rejecting_keeps_the_standing_schedule(pworld: World) -> None:
    old = known_schedule(pworld)
    teacher_changes_the_week(pworld)
    run = replan(pworld)
    plan_reject(run=run, user=pworld.provider.user)
    run.refresh_from_db()
    assert run.decision == RunDecision.REJECTED
    assert StandingSchedule.objects.get(active=True) == old


def test_a_broken_pin_is_let_go(pworld: World) -> None:
    known_schedule(pworld)
    # The pinned Thursday session's block is gone for good.
    ActivityBlock.objects.filter(classroom=pworld.classroom, day=Weekday.THU).update(
        activity=Activity.TEST
    )
    run = replan(pworld)
    assert run.status == RunStatus.DONE
    assert "pinned" not in run.scenario


def assembly_next_thursday(world: World) -> None:
    """Centers on Fridays too; next Thursday the centers block is an assembly."""
    ActivityBlock.objects.create(
        classroom=world.classroom,
        day=Weekday.FRI,
        start=dt.time(10),
        end=dt.time(10, 45),
        activity=Activity.CENTERS,
    )
    TimetableException.objects.create(
        classroom=world.classroom,
        date=MONDAY + dt.timedelta(days=3),
        start=dt.time(10),
        end=dt.time(10, 45),
        kind=ExceptionKind.ACTIVITY,
        activity=Activity.ASSEMBLY,
    )


def week_replan(world: World) -> PlanRun:
    return plan_run_create(
        user=world.provider.user,
        district=world.district,
        providers=[world.provider],
        kind=RunKind.WEEK,
        week_of=MONDAY,
        time_limit=TINY_LIMIT,
    )


def test_a_week_replan_works_around_that_weeks_exception(pworld: World) -> None:
    """A dated change is re-planned as a one-week run over that week's stored sessions."""
    known_schedule(pworld)
    ScheduledSession.objects.update(pinned=False)
    calendar_sync(provider=pworld.provider, actor=None)  # the known times, stored ahead
    assembly_next_thursday(pworld)
    run = week_replan(pworld)
    assert (run.kind, run.week_of) == (RunKind.WEEK, MONDAY)
    assert run.status == RunStatus.DONE, run.error
    days = sorted(s["day"] for s in run.plan_data["sessions"])
    assert days == ["fri", "mon"]


def test_a_week_replan_lets_go_of_a_pin_the_dated_change_breaks(pworld: World) -> None:
    """As an every-week re-plan does (replan_inputs): a pin the engine cannot keep would
    stop the run ('pinned session d<pk> is no longer possible in this scenario')."""
    known_schedule(pworld)  # Thursday 10:00 is pinned
    calendar_sync(provider=pworld.provider, actor=None)
    assembly_next_thursday(pworld)
    run = week_replan(pworld)
    assert run.status == RunStatus.DONE, run.error
    assert sorted(s["day"] for s in run.plan_data["sessions"]) == ["fri", "mon"]


def test_replan_without_a_schedule_explains(pworld: World, login) -> None:
    response = login(pworld.provider.user).post(
        reverse("planning:replan", args=[pworld.provider.pk])
    )
    assert response.status_code == 400
    assert "plan the week first" in response.content.decode()
    assert not PlanRun.objects.exists()


def test_diff_of_a_student_who_left_the_caseload(pworld: World, login) -> None:
    known_schedule(pworld)
    pworld.student.providers.clear()  # discharged from this provider's caseload
    run = replan(pworld)
    assert run.plan_data["sessions"] == []
    page = login(pworld.provider.user).get(reverse("planning:run", args=[run.pk]))
    text = page.content.decode()
    assert "0 kept · 0 moved · 0 added · 2 dropped" in text
    # No longer on this caseload, so no longer the provider's to see by name; never an id.
    assert "Mon 09:00-09:30, Writing, Room 2A: a student" in text
    assert "Avery" not in text
    assert f"st{pworld.student.pk}" not in text
