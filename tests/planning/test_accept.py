from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from pushin.accounts.models import AuditEntry
from pushin.caseload.models import Goal
from pushin.district.models import ActivityBlock
from pushin.planning.models import (
    RunDecision,
    RunStatus,
    ScheduledSession,
    StandingSchedule,
)
from pushin.planning.services import plan_accept
from pushin.scheduling.timeutil import parse_hhmm
from tests.factories import World
from tests.planning.helpers import solved_run


def test_accept_makes_the_standing_schedule(pworld: World) -> None:
    run = solved_run(pworld)
    [schedule] = plan_accept(run=run, user=pworld.provider.user)
    assert schedule.active
    assert schedule.provider == pworld.provider
    assert schedule.accepted_by == pworld.provider.user
    assert schedule.source_run == run
    run.refresh_from_db()
    assert run.decision == RunDecision.ACCEPTED
    goal = Goal.objects.get(iep__student=pworld.student)
    stored = {
        (s.plan_session_id, s.day, s.start.hour * 60 + s.start.minute, s.block_id)
        for s in schedule.sessions.all()
    }
    planned = {
        (s["id"], s["day"], parse_hhmm(s["start"]), int(s["block"][1:]))
        for s in run.plan_data["sessions"]
    }
    assert stored == planned
    for session in schedule.sessions.all():
        assert session.classroom == pworld.classroom
        assert isinstance(session.block, ActivityBlock)
        [member] = session.members.all()
        assert member.student == pworld.student
        assert member.focus_goal == goal
        assert not session.pinned
    audits = AuditEntry.objects.filter(object_type="planning.standingschedule")
    assert [(a.student_id, a.action) for a in audits] == [(pworld.student.pk, "create")]


def test_a_new_acceptance_keeps_the_old_schedule_as_history(pworld: World) -> None:
    first = plan_accept(run=solved_run(pworld), user=pworld.provider.user)[0]
    second = plan_accept(run=solved_run(pworld), user=pworld.admin)[0]
    first.refresh_from_db()
    assert not first.active
    assert second.active
    assert StandingSchedule.objects.filter(provider=pworld.provider).count() == 2
    assert ScheduledSession.objects.filter(schedule=first).count() == 2  # history kept
    assert second.accepted_by == pworld.admin


def test_only_a_finished_undecided_run_is_accepted(pworld: World) -> None:
    run = solved_run(pworld)
    plan_accept(run=run, user=pworld.provider.user)
    with pytest.raises(ValueError, match="already accepted"):
        plan_accept(run=run, user=pworld.provider.user)
    failed = solved_run(pworld)
    failed.status = RunStatus.FAILED
    failed.save()
    with pytest.raises(ValueError, match="finished"):
        plan_accept(run=failed, user=pworld.provider.user)
    assert StandingSchedule.objects.count() == 1


def test_accepting_for_all_providers(pworld: World) -> None:
    run = solved_run(pworld, providers=[pworld.provider, pworld.other_provider])
    schedules = plan_accept(run=run, user=pworld.admin)
    assert {s.provider for s in schedules} == {pworld.provider, pworld.other_provider}
    for schedule in schedules:
        students = {m.student for s in schedule.sessions.all() for m in s.members.all()}
        expected = pworld.student if schedule.provider == pworld.provider else pworld.other_student
        assert students == {expected}


def test_accept_view_goes_to_the_schedule_page(pworld: World, login) -> None:
    run = solved_run(pworld)
    client = login(pworld.provider.user)
    url = reverse("planning:run_accept", args=[run.pk])
    response = client.post(url, {"effective_from": "2026-12-07"})
    assert response["Location"] == reverse("planning:schedule", args=[pworld.provider.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Accepted: the standing weekly schedule from Monday December 7." in page
    assert "My standing schedule" in page
    assert "Avery Sample" in page
    assert StandingSchedule.objects.get().effective_from == dt.date(2026, 12, 7)
    # Accepting again is refused with a message, nothing changes.
    again = client.post(url, {"effective_from": "2026-12-07"}, follow=True)
    assert "already accepted" in again.content.decode()
    assert StandingSchedule.objects.count() == 1


def test_schedule_page_lists_sessions_monday_first(pworld: World, login) -> None:
    plan_accept(run=solved_run(pworld), user=pworld.provider.user)
    page = login(pworld.provider.user).get(reverse("planning:schedule", args=[pworld.provider.pk]))
    text = page.content.decode()
    assert 0 < text.index("<td>Mon ") < text.index("<td>Thu ")
