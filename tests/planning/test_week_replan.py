"""A one-week re-plan (RunKind.WEEK): a dated change is answered for its week only.

The clock stands on Wednesday 2026-12-02 at noon. The provider's schedule (Mon 09:00
writing, Thu 10:00 centers) has been in force since September and stored since Nov 2;
next Thursday, Dec 10, the class has an assembly instead of centers. The re-plan runs
through `plan_run_create` and the task on the ImmediateBackend (tests/planning/conftest.py).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from time_machine import TimeMachineFixture

from pushin.accounts.models import AuditEntry
from pushin.district.models import ActivityBlock, ExceptionKind
from pushin.district.services import timetable_exception_create
from pushin.planning.losses import Loss, named_losses
from pushin.planning.models import PlanRun, RunDecision, RunKind, RunStatus
from pushin.planning.scenario_build import IdMap
from pushin.planning.services import (
    AcceptRefused,
    LossesNotConfirmed,
    plan_accept,
    plan_run_create,
    week_plan_accept,
)
from pushin.planning.week import WeekChange
from pushin.sessions.calendar import calendar_sync
from pushin.sessions.models import DatedSession, SessionStatus, SessionStudent
from pushin.sessions.services import attendance_record, session_call_off
from pushin.vocabulary import Activity, MissReason, Weekday
from tests.conftest import TODAY
from tests.factories import World, make_student
from tests.planning.helpers import TINY_LIMIT, september_schedule, session_rows
from tests.sessions.factories import SCHOOL_TZ, standing_session

WEEK = dt.date(2026, 12, 7)  # next week's Monday
WEEK_END = WEEK + dt.timedelta(days=4)
THURSDAY = WEEK + dt.timedelta(days=3)
FRIDAY = WEEK + dt.timedelta(days=4)
CHANGED = "The week changed since this plan was made (a session was logged, moved or "
CHANGED += "has started): re-plan the week again."


def friday_centers(world: World) -> ActivityBlock:
    """Room 2A also has literacy centers on Fridays, 10:00-10:45."""
    return ActivityBlock.objects.create(
        classroom=world.classroom,
        day=Weekday.FRI,
        start=dt.time(10),
        end=dt.time(10, 45),
        activity=Activity.CENTERS,
    )


def thursday_is(world: World, kind: str, activity: str = "") -> None:
    """The teacher reports a change for next Thursday's centers block only."""
    timetable_exception_create(
        actor=world.teacher,
        classroom=world.classroom,
        date=THURSDAY,
        start=dt.time(10),
        end=dt.time(10, 45),
        kind=kind,
        activity=activity,
    )


def week_run(world: World, day: dt.date = THURSDAY) -> PlanRun:
    run = plan_run_create(
        user=world.provider.user,
        district=world.district,
        providers=[world.provider],
        kind=RunKind.WEEK,
        week_of=day,
        time_limit=TINY_LIMIT,
    )
    assert run.status == RunStatus.DONE, run.error
    return run


def outside_the_week() -> dict[str, list[tuple[object, ...]]]:
    return {
        "past": session_rows(date__lt=TODAY),
        "week before": session_rows(date__gte=WEEK - dt.timedelta(days=7), date__lt=WEEK),
        "week after": session_rows(
            date__gte=WEEK + dt.timedelta(days=7), date__lte=WEEK_END + dt.timedelta(days=7)
        ),
        "every other day": session_rows(date__gte=WEEK + dt.timedelta(days=7)),
    }


@pytest.fixture
def assembly(pworld: World) -> World:
    september_schedule(pworld)
    friday_centers(pworld)
    thursday_is(pworld, ExceptionKind.ACTIVITY, Activity.ASSEMBLY)
    return pworld


def test_the_run_replans_that_weeks_stored_sessions(assembly: World) -> None:
    monday, thursday = DatedSession.objects.filter(date__gte=WEEK, date__lte=WEEK_END)
    run = week_run(assembly, THURSDAY)  # any day of the week names its Monday
    assert (run.kind, run.week_of) == (RunKind.WEEK, WEEK)
    assert sorted(run.week_sessions) == [monday.pk, thursday.pk]
    previous = {s["id"] for s in run.scenario["previous_plan"]["sessions"]}
    assert previous == {f"d{monday.pk}", f"d{thursday.pk}"}
    # Monday is kept (its id too); Thursday's session goes to Friday's centers.
    days = {s["day"]: s["id"] for s in run.plan_data["sessions"]}
    assert sorted(days) == ["fri", "mon"]
    assert days["mon"] == f"d{monday.pk}"


def test_accepting_changes_that_week_only(assembly: World) -> None:
    monday, thursday = DatedSession.objects.filter(date__gte=WEEK, date__lte=WEEK_END)
    monday_before = session_rows(pk=monday.pk)
    run = week_run(assembly)
    others = outside_the_week()
    assert all(others.values())  # there is something to compare in each

    change = week_plan_accept(run=run, user=assembly.provider.user)

    assert change == WeekChange(moved=1, added=0, called_off=0)
    assert outside_the_week() == others
    assert session_rows(pk=monday.pk) == monday_before  # kept as it was
    moved = DatedSession.objects.get(pk=thursday.pk)  # the same row, moved for the day
    assert (moved.date, moved.original_date, moved.is_override) == (FRIDAY, THURSDAY, True)
    assert dt.time(10) <= moved.start
    assert moved.end <= dt.time(10, 45)
    assert (moved.activity, moved.standing_id, moved.status) == (
        "centers",
        thursday.standing_id,
        SessionStatus.PLANNED,
    )
    assert [m.student_id for m in moved.members.all()] == [assembly.student.pk]
    week = DatedSession.objects.filter(date__gte=WEEK, date__lte=WEEK_END)
    assert sorted(week.values_list("pk", flat=True)) == sorted([monday.pk, thursday.pk])
    run.refresh_from_db()
    assert run.decision == RunDecision.ACCEPTED
    entry = AuditEntry.objects.get(
        object_type="therapy_sessions.datedsession", object_id=str(moved.pk), action="update"
    )
    assert entry.student_id == assembly.student.pk
    assert entry.detail == {
        "moved_from": f"{THURSDAY} 10:00",
        "moved_to": f"{FRIDAY} {moved.start:%H:%M}",
    }
    # The calendar respects the override: Thursday's weekly occurrence is not put back.
    assert not calendar_sync(provider=assembly.provider, actor=None).changed
    assert outside_the_week() == others


def test_a_week_without_room_calls_the_session_off_once_confirmed(pworld: World) -> None:
    september_schedule(pworld)
    thursday_is(pworld, ExceptionKind.CANCELLED)  # and no other block fits that week
    thursday = DatedSession.objects.get(date=THURSDAY)
    run = week_run(pworld)
    others = outside_the_week()
    key = f"st{pworld.student.pk}"
    with pytest.raises(LossesNotConfirmed) as refused:
        week_plan_accept(run=run, user=pworld.provider.user)
    assert str(refused.value) == (
        "this plan leaves students with fewer minutes: read the warning and confirm it"
    )
    assert refused.value.losses == [Loss(student=key, before=60, after=30)]
    assert [v.sentence for v in named_losses(run, user=pworld.provider.user)] == [
        "Avery Sample loses 30 of 60 minutes."
    ]
    assert DatedSession.objects.get(pk=thursday.pk).cancel_reason == ""  # nothing written

    change = week_plan_accept(
        run=run,
        user=pworld.provider.user,
        losses_confirmed=True,
        reason=MissReason.STUDENT_UNAVAILABLE,
    )
    assert change == WeekChange(moved=0, added=0, called_off=1)
    called_off = DatedSession.objects.get(pk=thursday.pk)
    assert called_off.cancel_reason == "Left out by a one-week re-plan (a dated timetable change)."
    assert (called_off.date, called_off.is_override, called_off.status) == (
        THURSDAY,
        True,
        SessionStatus.LOGGED,
    )
    (record,) = SessionStudent.objects.filter(session=called_off)
    assert record.attendance == MissReason.STUDENT_UNAVAILABLE
    assert outside_the_week() == others


def test_refused_when_a_session_of_the_week_was_logged_meanwhile(
    assembly: World, time_machine: TimeMachineFixture
) -> None:
    monday = DatedSession.objects.get(date=WEEK)
    run = week_run(assembly)
    # Monday, 10:00: the 09:00 session happened and is logged.
    time_machine.move_to(dt.datetime.combine(WEEK, dt.time(10), tzinfo=SCHOOL_TZ), tick=False)
    attendance_record(
        actor=assembly.provider.user,
        record=SessionStudent.objects.get(session=monday),
        attendance="delivered",
    )
    week = session_rows(date__gte=WEEK, date__lte=WEEK_END)
    with pytest.raises(AcceptRefused) as refused:
        week_plan_accept(run=run, user=assembly.provider.user)
    assert str(refused.value) == CHANGED
    assert session_rows(date__gte=WEEK, date__lte=WEEK_END) == week
    run.refresh_from_db()
    assert run.decision == RunDecision.PENDING


def test_refused_when_a_session_was_called_off_meanwhile(assembly: World) -> None:
    monday = DatedSession.objects.get(date=WEEK)
    run = week_run(assembly)
    session_call_off(
        actor=assembly.provider.user,
        session=monday,
        attendance=MissReason.PROVIDER_ABSENT,
        reason="Training day",
    )
    with pytest.raises(AcceptRefused) as refused:
        week_plan_accept(run=run, user=assembly.provider.user)
    assert str(refused.value) == CHANGED
    assert DatedSession.objects.get(date=THURSDAY).is_override is False


def test_refused_when_the_week_has_new_sessions(assembly: World) -> None:
    run = week_run(assembly)
    schedule = DatedSession.objects.get(date=WEEK).standing
    assert schedule is not None
    standing_session(
        schedule.schedule,
        classroom=assembly.classroom,
        day="fri",
        start=dt.time(10),
        end=dt.time(10, 30),
        students=[assembly.student],
    )
    calendar_sync(provider=assembly.provider, actor=None)
    with pytest.raises(AcceptRefused) as refused:
        week_plan_accept(run=run, user=assembly.provider.user)
    assert str(refused.value) == (
        "The week has new sessions since this plan was made: re-plan the week again."
    )


def test_a_week_run_is_not_accepted_as_a_weekly_schedule(assembly: World) -> None:
    run = week_run(assembly)
    with pytest.raises(AcceptRefused, match="use week_plan_accept"):
        plan_accept(run=run, user=assembly.provider.user)


# --- The pages -----------------------------------------------------------------------------


def test_the_replan_button_with_a_week_makes_a_one_week_run(assembly: World, login) -> None:
    client = login(assembly.provider.user)
    url = reverse("planning:provider", args=[assembly.provider.pk])
    page = client.get(url, {"week": WEEK.isoformat()}).content.decode()
    assert "Re-plan the week of Dec 7 only" in page
    response = client.post(
        reverse("planning:replan", args=[assembly.provider.pk]), {"week": WEEK.isoformat()}
    )
    run = PlanRun.objects.get()
    assert response["Location"] == reverse("planning:run", args=[run.pk])
    assert (run.kind, run.week_of) == (RunKind.WEEK, WEEK)
    page = client.get(response["Location"]).content.decode()
    assert "Re-plan one week" in page
    assert "This re-plan changes the week of Dec 7 only" in page
    assert "Apply to the week of Dec 7 only" in page
    assert 'name="effective_from"' not in page
    assert 'id="losses"' not in page


def test_the_accept_form_applies_the_week_and_says_so(assembly: World, login) -> None:
    thursday = DatedSession.objects.get(date=THURSDAY)
    run = week_run(assembly)
    client = login(assembly.provider.user)
    response = client.post(
        reverse("planning:run_accept", args=[run.pk]),
        {"reason": MissReason.PROVIDER_CONFLICT.value},
    )
    assert response["Location"] == f"{reverse('sessions:week')}?date={WEEK.isoformat()}"
    page = client.get(response["Location"]).content.decode()
    assert (
        "Applied to the week of December 7 only: 1 moved, 0 added, 0 called off. "
        "Other weeks are unchanged."
    ) in page
    assert DatedSession.objects.get(pk=thursday.pk).date == FRIDAY


def test_the_run_page_names_the_losses_and_asks_for_confirmation(pworld: World, login) -> None:
    september_schedule(pworld)
    thursday_is(pworld, ExceptionKind.CANCELLED)
    run = week_run(pworld)
    client = login(pworld.provider.user)
    page = client.get(reverse("planning:run", args=[run.pk])).content.decode()
    assert "This plan leaves 1 student with fewer minutes that week:" in page
    assert "Avery Sample loses 30 of 60 minutes." in page
    assert 'name="confirm_losses"' in page
    assert 'name="reason"' in page
    # Not confirmed: refused with the reason, nothing called off.
    url = reverse("planning:run_accept", args=[run.pk])
    refused = client.post(url, {"reason": MissReason.PROVIDER_CONFLICT.value})
    assert refused.status_code == 400
    assert (
        "Not accepted: this plan leaves students with fewer minutes: read the warning and "
        "confirm it."
    ) in refused.content.decode()
    assert DatedSession.objects.get(date=THURSDAY).cancel_reason == ""
    # Confirmed: called off, with the reason chosen.
    done = client.post(
        url, {"reason": MissReason.STUDENT_UNAVAILABLE.value, "confirm_losses": "on"}
    )
    assert done.status_code == 302
    (record,) = SessionStudent.objects.filter(session__date=THURSDAY)
    assert record.attendance == MissReason.STUDENT_UNAVAILABLE
    assert IdMap.from_json(run.id_map).students == {f"st{pworld.student.pk}": pworld.student.pk}


def _accept_after_a_call_off(world: World, login) -> tuple[PlanRun, str]:
    run = week_run(world)
    session_call_off(
        actor=world.provider.user,
        session=DatedSession.objects.get(date=WEEK),
        attendance=MissReason.PROVIDER_ABSENT,
        reason="Training day",
    )
    response = login(world.provider.user).post(
        reverse("planning:run_accept", args=[run.pk]),
        {"reason": MissReason.PROVIDER_CONFLICT.value},
    )
    assert response.status_code == 400
    run.refresh_from_db()
    return run, response.content.decode()


def test_the_page_says_when_the_week_changed(assembly: World, login) -> None:
    run, page = _accept_after_a_call_off(assembly, login)
    assert f"Not accepted: {CHANGED}" in page
    assert run.decision == RunDecision.PENDING
    assert not DatedSession.objects.filter(is_override=True).exists()


def test_the_week_changed_refusal_ends_with_one_full_stop(assembly: World, login) -> None:
    _, page = _accept_after_a_call_off(assembly, login)
    assert f"<li>Not accepted: {CHANGED}</li>" in page


# --- Accepted later; students the scenario left out ----------------------------------------


THIS_THURSDAY = dt.date(2026, 12, 3)


def moved_to_early_thursday(world: World) -> PlanRun:
    """This week's Thursday (Dec 3) centers become an assembly; the re-plan, made on
    Wednesday, moves the session to Thursday's early writing block (08:00-08:45)."""
    september_schedule(world)
    ActivityBlock.objects.create(
        classroom=world.classroom,
        day=Weekday.THU,
        start=dt.time(8),
        end=dt.time(8, 45),
        activity=Activity.WRITING,
    )
    timetable_exception_create(
        actor=world.teacher,
        classroom=world.classroom,
        date=THIS_THURSDAY,
        start=dt.time(10),
        end=dt.time(10, 45),
        kind=ExceptionKind.ACTIVITY,
        activity=Activity.ASSEMBLY,
    )
    run = week_run(world, THIS_THURSDAY)
    [moved] = run.plan_data["sessions"]
    assert (moved["day"], moved["start"] < "09:00") == ("thu", True)
    return run


def test_a_plan_whose_new_time_has_gone_by_is_refused_and_stays_open(
    pworld: World, time_machine: TimeMachineFixture
) -> None:
    """Accepted on Thursday at 09:00, the early time has gone by (the 10:00 session it
    moves away from has not started): refused, nothing written, the run undecided."""
    run = moved_to_early_thursday(pworld)
    [moved] = run.plan_data["sessions"]
    time_machine.move_to(dt.datetime.combine(THIS_THURSDAY, dt.time(9), tzinfo=SCHOOL_TZ))
    week = session_rows(date__gte=THIS_THURSDAY - dt.timedelta(days=3))

    with pytest.raises(AcceptRefused) as refused:
        week_plan_accept(run=run, user=pworld.provider.user)
    assert str(refused.value) == (
        f"This plan places a session at a time that has gone by (Thu Dec 3 {moved['start']}): "
        "re-plan the week again."
    )
    assert session_rows(date__gte=THIS_THURSDAY - dt.timedelta(days=3)) == week
    run.refresh_from_db()
    assert run.decision == RunDecision.PENDING


def test_the_refused_page_re_plans_the_week_in_one_click(
    pworld: World, time_machine: TimeMachineFixture, login
) -> None:
    run = moved_to_early_thursday(pworld)
    now = dt.datetime.combine(THIS_THURSDAY, dt.time(9), tzinfo=SCHOOL_TZ)
    time_machine.move_to(now, tick=False)
    client = login(pworld.provider.user)
    page = client.post(
        reverse("planning:run_accept", args=[run.pk]),
        {"reason": MissReason.PROVIDER_CONFLICT.value},
    ).content.decode()
    assert "Not accepted: This plan places a session at a time that has gone by" in page
    assert "Re-plan the week of Nov 30 again" in page
    assert 'name="week" value="2026-11-30"' in page

    response = client.post(
        reverse("planning:replan", args=[pworld.provider.pk]), {"week": "2026-11-30"}
    )
    again = PlanRun.objects.exclude(pk=run.pk).get()
    assert response["Location"] == reverse("planning:run", args=[again.pk])
    assert (again.kind, again.week_of, again.status) == (RunKind.WEEK, run.week_of, "done")
    assert all(s["day"] != "thu" or s["start"] >= "09:00" for s in again.plan_data["sessions"])


def test_a_refusal_for_losses_offers_no_re_plan(pworld: World, login) -> None:
    september_schedule(pworld)
    thursday_is(pworld, ExceptionKind.CANCELLED)
    run = week_run(pworld)
    page = login(pworld.provider.user).post(
        reverse("planning:run_accept", args=[run.pk]),
        {"reason": MissReason.PROVIDER_CONFLICT.value},
    )
    assert page.status_code == 400
    assert "again</button>" not in page.content.decode()


def test_a_student_the_scenario_left_out_is_named_before_leaving_a_moved_session(
    assembly: World,
) -> None:
    """A second student sits in Thursday's session but is no longer on the provider's
    caseload, so the week's scenario does not know them; the re-plan moves the session
    to Friday for the first student only. The second student's loss is named and must be
    confirmed; once confirmed, their record leaves the session with an audit entry."""
    second = make_student(ref="S-0003", classroom=assembly.classroom, provider=None)
    thursday = DatedSession.objects.get(date=THURSDAY)
    SessionStudent.objects.create(session=thursday, student=second)
    run = week_run(assembly)
    assert f"st{second.pk}" not in str(run.scenario["previous_plan"])
    user = assembly.provider.user

    with pytest.raises(LossesNotConfirmed) as refused:
        week_plan_accept(run=run, user=user)
    assert refused.value.losses == [Loss(student=f"st{second.pk}", before=30, after=0)]
    assert [v.sentence for v in named_losses(run, user=user)] == [
        "a student is left with no session (30 minutes lost)."
    ]
    assert SessionStudent.objects.filter(session=thursday, student=second).exists()

    week_plan_accept(run=run, user=user, losses_confirmed=True)
    moved = DatedSession.objects.get(pk=thursday.pk)
    assert moved.date == FRIDAY
    assert [m.student_id for m in moved.members.all()] == [assembly.student.pk]
    left = AuditEntry.objects.get(action="delete", student_id=second.pk)
    assert (left.object_id, left.detail) == (str(thursday.pk), {"left_out_for_week_of": str(WEEK)})
    confirmed = AuditEntry.objects.get(object_type="planning.planrun", student_id=second.pk)
    assert confirmed.detail == {"losses_confirmed": True, "minutes_before": 30, "minutes_after": 0}


def test_a_student_named_only_among_the_losses_is_audited_as_read(assembly: World, login) -> None:
    """The district administrator sees every student of the district by name: one who is
    named only in the losses (not on the provider's caseload) gets a READ entry too."""
    second = make_student(ref="S-0003", classroom=assembly.classroom, provider=None)
    SessionStudent.objects.create(session=DatedSession.objects.get(date=THURSDAY), student=second)
    run = week_run(assembly)
    page = login(assembly.admin).get(reverse("planning:run", args=[run.pk])).content.decode()
    assert "Sam Sample is left with no session (30 minutes lost)." in page
    read = AuditEntry.objects.filter(action="read", student_id=second.pk, actor=assembly.admin)
    assert read.exists()
