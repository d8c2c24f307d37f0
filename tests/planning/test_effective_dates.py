"""Effective-dated schedules: a plan is accepted from a date, never before today; the
schedule it replaces ends the day before; a move of a schedule in force before today
edits a copy in force from today; a weekly re-plan that costs a student minutes is
accepted only once the provider confirms the named losses.

The clock stands on Wednesday 2026-12-02 at noon (tests/conftest.py).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from time_machine import TimeMachineFixture

from pushin.accounts.models import AuditEntry
from pushin.district.models import ActivityBlock, Closure
from pushin.planning.losses import Loss, named_losses
from pushin.planning.models import (
    PlanRun,
    RunDecision,
    RunKind,
    RunStatus,
    ScheduledSession,
    StandingSchedule,
)
from pushin.planning.scenario_build import IdMap
from pushin.planning.services import (
    AcceptRefused,
    LossesNotConfirmed,
    default_effective_from,
    plan_accept,
    plan_run_create,
    schedule_edition,
    session_move,
)
from pushin.sessions.calendar import calendar_sync, schedules_in_force
from pushin.sessions.models import DatedSession
from pushin.vocabulary import Activity, Weekday
from tests.conftest import TODAY
from tests.factories import World
from tests.planning.helpers import TINY_LIMIT, september_schedule, session_rows, solved_run
from tests.sessions.factories import SCHOOL_TZ, standing_schedule, standing_session

THURSDAY = dt.date(2026, 12, 3)  # the next school day
DEC_7 = dt.date(2026, 12, 7)
DEC_14 = dt.date(2026, 12, 14)
PAST = "a schedule cannot start in the past (Tue Dec 1); choose today (Wed Dec 2) or later"
LOSSES = "this plan leaves students with fewer minutes: read the warning and confirm it"


def replan(world: World) -> PlanRun:
    run = plan_run_create(
        user=world.provider.user,
        district=world.district,
        providers=[world.provider],
        kind=RunKind.REPLAN,
        time_limit=TINY_LIMIT,
    )
    assert run.status == RunStatus.DONE, run.error
    return run


def writing_moves_to_wednesday(world: World) -> None:
    """For good: Monday's writing becomes a weekly quiz, writing moves to Wednesday."""
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


def student_key(run: PlanRun, world: World) -> str:
    (key,) = [k for k, pk in IdMap.from_json(run.id_map).students.items() if pk == world.student.pk]
    return key


# --- From when -----------------------------------------------------------------------------


def test_accept_starts_on_the_next_school_day_by_default(pworld: World) -> None:
    run = solved_run(pworld)
    assert default_effective_from(run) == THURSDAY
    [schedule] = plan_accept(run=run, user=pworld.provider.user)
    assert (schedule.effective_from, schedule.effective_to, schedule.active) == (
        THURSDAY,
        None,
        True,
    )
    # Its dated sessions start there: nothing today, nothing before.
    assert min(DatedSession.objects.values_list("date", flat=True)) == THURSDAY


def test_the_default_skips_closures_weekends_and_waits_for_the_planned_week(
    pworld: World, time_machine: TimeMachineFixture
) -> None:
    run = solved_run(pworld)
    Closure.objects.create(district=pworld.district, name="Snow", start=THURSDAY, end=THURSDAY)
    assert default_effective_from(run) == THURSDAY + dt.timedelta(days=1)
    time_machine.move_to(dt.datetime(2026, 12, 4, 16, tzinfo=SCHOOL_TZ), tick=False)  # Friday
    assert default_effective_from(run) == DEC_7
    time_machine.move_to(dt.datetime(2026, 12, 2, 12, tzinfo=SCHOOL_TZ), tick=False)
    later = plan_run_create(
        user=pworld.provider.user,
        district=pworld.district,
        providers=[pworld.provider],
        week_of=DEC_14 + dt.timedelta(days=2),
        time_limit=TINY_LIMIT,
    )
    assert later.week_of == DEC_14
    assert default_effective_from(later) == DEC_14


def test_accept_is_refused_before_today_and_after_the_year(pworld: World) -> None:
    run = solved_run(pworld)
    with pytest.raises(AcceptRefused) as refused:
        plan_accept(run=run, user=pworld.provider.user, effective_from=TODAY - dt.timedelta(1))
    assert str(refused.value) == PAST
    with pytest.raises(AcceptRefused) as late:
        plan_accept(run=run, user=pworld.provider.user, effective_from=dt.date(2027, 6, 21))
    assert str(late.value) == "Mon Jun 21, 2027 is after the school year ends (Jun 18, 2027)"
    assert not StandingSchedule.objects.exists()
    assert not DatedSession.objects.exists()
    run.refresh_from_db()
    assert run.decision == RunDecision.PENDING
    # Today itself is allowed.
    [schedule] = plan_accept(run=run, user=pworld.provider.user, effective_from=TODAY)
    assert schedule.effective_from == TODAY


def test_the_older_schedule_ends_the_day_before(pworld: World) -> None:
    [first] = plan_accept(run=solved_run(pworld), user=pworld.provider.user)
    [second] = plan_accept(run=solved_run(pworld), user=pworld.provider.user, effective_from=DEC_14)
    first.refresh_from_db()
    assert (first.effective_from, first.effective_to, first.active) == (
        THURSDAY,
        dt.date(2026, 12, 13),
        False,
    )
    assert (second.effective_from, second.effective_to, second.active) == (DEC_14, None, True)
    assert schedules_in_force(pworld.provider.pk, TODAY) == [first, second]
    # One accepted from an earlier date replaces the second before it ever began.
    [third] = plan_accept(run=solved_run(pworld), user=pworld.provider.user, effective_from=DEC_7)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.effective_to == dt.date(2026, 12, 6)
    assert second.never_in_force
    assert schedules_in_force(pworld.provider.pk, TODAY) == [first, third]


def test_sessions_before_the_date_keep_their_times(pworld: World) -> None:
    old = september_schedule(pworld)
    past = session_rows(date__lt=TODAY)
    assert past  # the past holds sessions nobody logged
    writing_moves_to_wednesday(pworld)
    # The daily sync relabels what is ahead (Monday is a quiz now), never the past.
    calendar_sync(provider=pworld.provider, actor=None)
    assert session_rows(date__lt=TODAY) == past
    before = session_rows(date__lt=DEC_14)
    run = replan(pworld)
    plan_accept(run=run, user=pworld.provider.user, effective_from=DEC_14)
    old.refresh_from_db()
    assert (old.effective_to, old.active) == (dt.date(2026, 12, 13), False)
    assert session_rows(date__lt=DEC_14) == before  # Dec 3, 7 and 10 too, not only the past
    ahead = DatedSession.objects.filter(date__gte=DEC_14)
    weekdays = set(ahead.values_list("date__week_day", flat=True))
    assert weekdays == {4, 5}  # Wednesday and Thursday from Dec 14 on, no Monday
    assert all(
        s.standing is not None and s.standing.schedule.source_run_id == run.pk
        for s in ahead.select_related("standing__schedule")
    )


def test_the_schedule_page_shows_the_history_with_its_dates(pworld: World, login) -> None:
    september_schedule(pworld)
    plan_accept(run=solved_run(pworld), user=pworld.provider.user, effective_from=DEC_7)
    page = login(pworld.provider.user).get(reverse("planning:schedule", args=[pworld.provider.pk]))
    text = page.content.decode()
    assert "In force from Mon Dec 7, 2026" in text
    assert "Dec 7, 2026 &ndash; now" in text
    assert "Aug 31, 2026 &ndash; Dec 6, 2026" in text


# --- The accept form -----------------------------------------------------------------------


def test_the_accept_form_asks_from_when(pworld: World, login) -> None:
    run = solved_run(pworld)
    client = login(pworld.provider.user)
    page = client.get(reverse("planning:run", args=[run.pk])).content.decode()
    assert 'name="effective_from" value="2026-12-03"' in page
    assert "Sessions before this date stay as they were." in page
    url = reverse("planning:run_accept", args=[run.pk])
    past = client.post(url, {"effective_from": "2026-12-01"})
    assert past.status_code == 400
    assert f"Not accepted: {PAST}." in past.content.decode()
    missing = client.post(url, {})
    assert missing.status_code == 400
    assert "Choose the first day the new schedule is in force." in missing.content.decode()
    assert not StandingSchedule.objects.exists()
    done = client.post(url, {"effective_from": "2026-12-14"})
    assert done.status_code == 302
    assert StandingSchedule.objects.get().effective_from == DEC_14


# --- A move edits from today on ------------------------------------------------------------


def test_a_move_of_a_schedule_in_force_since_september_edits_a_copy_from_today(
    pworld: World, login
) -> None:
    original = september_schedule(pworld)
    past = session_rows(date__lt=TODAY)
    thursday = original.sessions.get(day=Weekday.THU)
    centers = ActivityBlock.objects.get(classroom=pworld.classroom, day=Weekday.THU)
    moved = session_move(
        session=thursday, user=pworld.provider.user, block=centers, start=dt.time(10, 15)
    )
    original.refresh_from_db()
    copy = moved.schedule
    assert copy.pk != original.pk
    assert (copy.effective_from, copy.effective_to, copy.active) == (TODAY, None, True)
    assert (original.effective_to, original.active) == (TODAY - dt.timedelta(days=1), False)
    # The weeks before keep their schedule: its Thursday is still at 10:00.
    thursday.refresh_from_db()
    assert (thursday.schedule_id, thursday.start) == (original.pk, dt.time(10))
    assert (moved.day, moved.start, moved.end) == ("thu", dt.time(10, 15), dt.time(10, 45))
    assert session_rows(date__lt=TODAY) == past
    ahead = DatedSession.objects.filter(date__gte=TODAY, date__week_day=5)
    assert set(ahead.values_list("start", flat=True)) == {dt.time(10, 15)}
    assert set(ahead.values_list("standing", flat=True)) == {moved.pk}
    mondays = DatedSession.objects.filter(date__gte=TODAY, date__week_day=2)
    assert set(mondays.values_list("standing__schedule", flat=True)) == {copy.pk}
    entry = AuditEntry.objects.get(object_type="planning.standingschedule", action="create")
    assert entry.detail == {"copy_of": original.pk, "from": str(TODAY)}
    # The copy began today: a second move edits it in place.
    again = session_move(session=moved, user=pworld.provider.user, block=centers, start=dt.time(10))
    assert again.pk == moved.pk
    assert StandingSchedule.objects.filter(provider=pworld.provider).count() == 2
    assert set(ahead.values_list("start", flat=True)) == {dt.time(10)}
    assert session_rows(date__lt=TODAY) == past
    # The schedule page lists both, with their dates.
    page = login(pworld.provider.user).get(reverse("planning:schedule", args=[pworld.provider.pk]))
    assert "Aug 31, 2026 &ndash; Dec 1, 2026" in page.content.decode()


def test_a_schedule_not_yet_in_force_before_today_is_edited_in_place(pworld: World) -> None:
    [schedule] = plan_accept(run=solved_run(pworld), user=pworld.provider.user)
    assert schedule_edition(schedule=schedule, user=pworld.provider.user) == schedule
    assert StandingSchedule.objects.count() == 1
    assert not AuditEntry.objects.filter(detail__has_key="copy_of").exists()


# --- A weekly re-plan that costs minutes ---------------------------------------------------


def every_block_is_a_test(world: World) -> None:
    ActivityBlock.objects.filter(classroom=world.classroom).update(activity=Activity.TEST)


def test_a_weekly_replan_that_drops_a_student_needs_the_losses_confirmed(
    pworld: World,
) -> None:
    old = september_schedule(pworld)
    every_block_is_a_test(pworld)
    calendar_sync(provider=pworld.provider, actor=None)
    run = replan(pworld)
    assert run.kind == RunKind.REPLAN
    assert run.plan_data["sessions"] == []
    rows = session_rows()
    with pytest.raises(LossesNotConfirmed) as refused:
        plan_accept(run=run, user=pworld.provider.user, effective_from=DEC_7)
    assert str(refused.value) == LOSSES
    assert refused.value.losses == [Loss(student=student_key(run, pworld), before=60, after=0)]
    assert [v.sentence for v in named_losses(run, user=pworld.provider.user)] == [
        "Avery Sample is left with no session (60 minutes lost)."
    ]
    # Nothing was written.
    assert session_rows() == rows
    assert StandingSchedule.objects.get(active=True) == old
    run.refresh_from_db()
    assert run.decision == RunDecision.PENDING

    [new] = plan_accept(
        run=run, user=pworld.provider.user, effective_from=DEC_7, losses_confirmed=True
    )
    assert not new.sessions.exists()
    assert not DatedSession.objects.filter(date__gte=DEC_7).exists()
    assert session_rows(date__lt=DEC_7) == [r for r in rows if dict(r[0])["date"] < DEC_7]


def test_a_replan_without_losses_needs_no_confirmation(pworld: World) -> None:
    september_schedule(pworld)
    writing_moves_to_wednesday(pworld)
    run = replan(pworld)
    assert named_losses(run, user=pworld.provider.user) == []
    [schedule] = plan_accept(run=run, user=pworld.provider.user)
    assert schedule.effective_from == THURSDAY


def test_the_run_page_warns_of_the_losses_and_the_form_confirms_them(pworld: World, login) -> None:
    september_schedule(pworld)
    every_block_is_a_test(pworld)
    run = replan(pworld)
    client = login(pworld.provider.user)
    page = client.get(reverse("planning:run", args=[run.pk])).content.decode()
    assert "This plan leaves 1 student with fewer minutes every week:" in page
    assert "Avery Sample is left with no session (60 minutes lost)." in page
    assert 'name="confirm_losses"' in page
    assert 'name="effective_from" value="2026-12-03"' in page
    url = reverse("planning:run_accept", args=[run.pk])
    refused = client.post(url, {"effective_from": "2026-12-07"})
    assert refused.status_code == 400
    assert f"Not accepted: {LOSSES}." in refused.content.decode()
    assert DatedSession.objects.filter(date__gte=DEC_7).exists()  # nothing written yet
    done = client.post(url, {"effective_from": "2026-12-07", "confirm_losses": "on"})
    assert done["Location"] == reverse("planning:schedule", args=[pworld.provider.pk])
    assert not DatedSession.objects.filter(date__gte=DEC_7).exists()
    assert DatedSession.objects.filter(date=THURSDAY).exists()  # before the date: kept
    assert ScheduledSession.objects.filter(schedule__active=True).count() == 0


def test_losses_are_judged_against_the_schedule_in_force_from_the_date_chosen(
    pworld: World, login
) -> None:
    """The re-plan is made from the newest schedule, one that begins on Dec 14 and has no
    session. Accepted from Dec 7, it replaces September's schedule for the week of Dec 7
    as well: the student's 60 minutes a week are lost then, and must be confirmed. From
    Dec 14 nothing is lost."""
    september_schedule(pworld)
    later = standing_schedule(pworld.provider, effective_from=DEC_14)
    every_block_is_a_test(pworld)
    run = replan(pworld)
    assert run.scenario["previous_plan"]["sessions"] == []  # the run began from `later`
    key = student_key(run, pworld)
    user = pworld.provider.user

    with pytest.raises(LossesNotConfirmed) as refused:
        plan_accept(run=run, user=user, effective_from=DEC_7)
    assert refused.value.losses == [Loss(student=key, before=60, after=0)]
    page = login(user).get(reverse("planning:run", args=[run.pk])).content.decode()
    assert "Avery Sample is left with no session (60 minutes lost)." in page  # from Dec 3
    assert StandingSchedule.objects.get(active=True) == later

    [new] = plan_accept(run=run, user=user, effective_from=DEC_14)
    assert new.effective_from == DEC_14


def test_a_fresh_plan_over_a_schedule_in_force_names_the_students_it_drops(
    pworld: World,
) -> None:
    """ "Plan the week" (not a re-plan) over September's schedule, with every block a test:
    the student's 60 weekly minutes go, and the accept waits for a confirmation."""
    september_schedule(pworld)
    every_block_is_a_test(pworld)
    run = solved_run(pworld)
    assert run.kind == RunKind.STANDING
    user = pworld.provider.user
    with pytest.raises(LossesNotConfirmed) as refused:
        plan_accept(run=run, user=user, effective_from=DEC_7)
    assert refused.value.losses == [Loss(student=student_key(run, pworld), before=60, after=0)]
    plan_accept(run=run, user=user, effective_from=DEC_7, losses_confirmed=True)
    assert AuditEntry.objects.filter(detail__losses_confirmed=True).count() == 1


def test_confirmed_losses_are_audited_per_student(pworld: World) -> None:
    september_schedule(pworld)
    every_block_is_a_test(pworld)
    run = replan(pworld)
    user = pworld.provider.user
    plan_accept(run=run, user=user, effective_from=DEC_7, losses_confirmed=True)
    entry = AuditEntry.objects.get(object_type="planning.planrun", detail__losses_confirmed=True)
    assert (entry.actor, entry.action, entry.object_id) == (user, "update", str(run.pk))
    assert entry.student_id == pworld.student.pk
    assert entry.detail == {"losses_confirmed": True, "minutes_before": 60, "minutes_after": 0}


def test_an_accept_without_losses_writes_no_loss_entry(pworld: World) -> None:
    september_schedule(pworld)
    writing_moves_to_wednesday(pworld)
    plan_accept(run=replan(pworld), user=pworld.provider.user)
    assert not AuditEntry.objects.filter(detail__has_key="losses_confirmed").exists()


def test_the_refused_page_names_the_losses_of_the_date_asked_for(pworld: World, login) -> None:
    """September's schedule gives the student 60 minutes a week, the one beginning Dec 14
    only Monday's 30. Asked for Dec 14, the page names 30 minutes lost, not 60."""
    september_schedule(pworld)
    later = standing_schedule(pworld.provider, effective_from=DEC_14)
    standing_session(
        later,
        classroom=pworld.classroom,
        day="mon",
        start=dt.time(9),
        end=dt.time(9, 30),
        students=[pworld.student],
    )
    every_block_is_a_test(pworld)
    run = replan(pworld)
    url = reverse("planning:run_accept", args=[run.pk])
    refused = login(pworld.provider.user).post(url, {"effective_from": "2026-12-14"})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "Avery Sample is left with no session (30 minutes lost)." in page
    assert "60 minutes lost" not in page
