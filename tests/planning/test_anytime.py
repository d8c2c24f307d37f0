"""Anytime planning in the app (pushin/planning/anytime.py): the best plan so far while a
run solves, accept now, stop here, keep improving."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from pushin.accounts.models import AuditEntry
from pushin.planning import tasks
from pushin.planning.anytime import plan_run_improve, plan_run_stop
from pushin.planning.models import PlanRun, RunDecision, RunStatus, StandingSchedule
from pushin.planning.services import AcceptRefused
from pushin.scheduling.anytime import Anytime, progress_plan
from pushin.scheduling.bounded import Cancelled, solve_bounded
from pushin.scheduling.generate import generate_preset
from pushin.scheduling.plan import plan_from_dict, plan_to_dict
from pushin.scheduling.scenario import parse_scenario, scenario_to_dict
from pushin.scheduling.solve import solve
from pushin.sessions.models import DatedSession
from pushin.vocabulary import MissReason
from tests.factories import World
from tests.planning.helpers import solved_run

DUMMY_TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.dummy.DummyBackend",
        "QUEUES": ["default", "solver"],
    }
}


def running_with_best(world: World) -> PlanRun:
    """A run still solving, with a best plan so far (the finished plan of the same week,
    marked feasible as a draft is)."""
    run = solved_run(world)
    best = {**run.plan_data, "status": "feasible"}
    PlanRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING,
        plan=None,
        best_plan=best,
        best_at=timezone.now(),
        finished_at=None,
        started_at=timezone.now(),
        claimed_by="test-worker",
        heartbeat_at=timezone.now(),
        progress="Solving (up to 5 seconds)",
    )
    run.refresh_from_db()
    return run


# --- The worker ------------------------------------------------------------------------------


def test_the_worker_records_the_best_plan_so_far(pworld: World, monkeypatch) -> None:
    """The real solve in its child process, on a week big enough to improve for a while:
    the best plan so far reaches the run's row while it runs, and goes once it is done."""
    monkeypatch.setattr(tasks, "PROGRESS_SECONDS", 0.2)
    scenario = scenario_to_dict(generate_preset("small", seed=0))
    run = PlanRun.objects.create(
        district=pworld.district, scenario=scenario, time_limit=3.0, status=RunStatus.QUEUED
    )
    run.providers.set([pworld.provider])
    seen: list[tuple[str, dict[str, Any] | None, str]] = []
    write = tasks.BestPlanWriter.__call__

    def watched(self: tasks.BestPlanWriter, plan: dict[str, Any]) -> None:
        write(self, plan)
        row = PlanRun.objects.get(pk=run.pk)
        seen.append((row.status, row.best_plan, row.progress))

    monkeypatch.setattr(tasks.BestPlanWriter, "__call__", watched)
    assert tasks.plan_run_execute.call(run.pk) == RunStatus.DONE
    written = [(status, best, words) for status, best, words in seen if best is not None]
    assert written, "no best plan so far was written while solving"
    parsed = parse_scenario(scenario)
    for status, best, words in written:
        assert status == RunStatus.RUNNING
        assert best is not None
        assert best["status"] == "feasible"
        assert plan_from_dict(best).stats.extra["stage_values"] is not None
        assert "best so far serves" in words
    from pushin.scheduling.check import check_plan

    assert check_plan(parsed, plan_from_dict(written[-1][1])) == []
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert run.best_plan is None  # the draft goes: the run's plan is the final one
    assert run.seconds_used > 0


def test_accept_now_mid_run(pworld: World, login, settings, monkeypatch) -> None:
    """The provider accepts the best plan so far while the worker still solves: the run
    stops cleanly, the plan is accepted through the one accept, and the worker does not
    overwrite it. The solve is the real engine, in this process (no child), so the
    moment of the click is exact."""
    settings.TASKS = DUMMY_TASKS
    client = login(pworld.provider.user)
    client.post(reverse("planning:run_create"), {"provider": pworld.provider.pk})
    run = PlanRun.objects.get()
    assert run.status == RunStatus.QUEUED
    before = sorted(DatedSession.objects.values_list("pk", "date", "start", "status"))
    clicks: list[Any] = []

    def bounded(data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        scenario = parse_scenario(data)

        def progress(update: Any) -> None:
            kwargs["on_progress"](plan_to_dict(progress_plan(scenario, update)))
            if not clicks:  # the first best plan so far is on the page: accept it now
                row = PlanRun.objects.get(pk=run.pk)
                assert row.status == RunStatus.RUNNING
                assert row.best_plan is not None
                clicks.append(
                    client.post(
                        reverse("planning:run_accept_now", args=[run.pk]),
                        {"effective_from": "2026-12-03"},
                    )
                )
            if kwargs["should_stop"]():
                raise Cancelled("stopped")

        plan = solve(scenario, time_limit=2, anytime=Anytime(on_progress=progress))
        return plan_to_dict(plan)

    monkeypatch.setattr("pushin.planning.tasks.solve_bounded", bounded)
    assert tasks.plan_run_execute.call(run.pk) == RunStatus.DONE
    assert len(clicks) == 1
    response = clicks[0]
    assert response.status_code == 302
    assert response["Location"] == reverse("planning:schedule", args=[pworld.provider.pk])
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert run.decision == RunDecision.ACCEPTED
    assert run.progress == "Stopped early: the best plan so far"
    assert run.plan_data["stats"]["stopped_early"] is True
    schedule = StandingSchedule.objects.get(source_run=run)
    assert schedule.effective_from == dt.date(2026, 12, 3)
    assert schedule.sessions.count() == len(run.plan_data["sessions"])
    # Nothing before today changed.
    today = timezone.localdate()
    after = sorted(DatedSession.objects.values_list("pk", "date", "start", "status"))
    assert [row for row in after if row[1] < today] == [row for row in before if row[1] < today]
    assert AuditEntry.objects.filter(detail__status="stopped early").count() == 1


def test_keep_improving_starts_from_the_plan_and_counts_the_seconds(
    pworld: World, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    run = solved_run(pworld)
    starts: list[Any] = []
    bounded = solve_bounded

    def recorded(data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        starts.append(kwargs["start_from"])
        return bounded(data, **kwargs)

    monkeypatch.setattr("pushin.planning.tasks.solve_bounded", recorded)
    first = run.plan_data
    PlanRun.objects.filter(pk=run.pk).update(plan={**first, "status": "feasible"})
    run.refresh_from_db()
    used = run.seconds_used
    with django_capture_on_commit_callbacks(execute=True) as queued:
        run = plan_run_improve(run=run, user=pworld.provider.user)  # inline: solved at once
    assert len(queued) == 1  # enqueued once the run's row is committed
    assert starts == [{**first, "status": "feasible"}]  # from the plan it had
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert run.rounds == 2
    assert run.seconds_used > used
    assert run.best_plan is None
    # The tiny week is proven optimal: nothing is left to improve.
    assert run.plan_data["status"] == "optimal"
    assert run.plan_data["stats"]["shortfall_minutes"] == first["stats"]["shortfall_minutes"]
    with pytest.raises(AcceptRefused, match="proven optimal"):
        plan_run_improve(run=run, user=pworld.provider.user)


def test_keep_improving_has_a_limit(pworld: World, settings) -> None:
    settings.PUSHIN_PLAN_IMPROVE_TOTAL = 4.0
    run = solved_run(pworld)
    PlanRun.objects.filter(pk=run.pk).update(
        plan={**run.plan_data, "status": "feasible"}, seconds_used=3.5
    )
    run.refresh_from_db()
    with pytest.raises(AcceptRefused, match="had its 4 seconds"):
        plan_run_improve(run=run, user=pworld.provider.user)


def test_stop_without_a_plan_yet_is_refused(pworld: World, settings) -> None:
    settings.TASKS = DUMMY_TASKS
    run = solved_run(pworld)
    assert run.status == RunStatus.QUEUED
    with pytest.raises(AcceptRefused, match="no plan to take yet"):
        plan_run_stop(run=run, user=pworld.provider.user)


# --- The pages -------------------------------------------------------------------------------


def test_the_running_page_shows_the_best_plan_so_far(pworld: World, login) -> None:
    run = running_with_best(pworld)
    client = login(pworld.provider.user)
    page = client.get(reverse("planning:run", args=[run.pk])).content.decode()
    assert "Best plan so far" in page
    assert "Fully served" in page
    assert "1 of 1 student" in page
    assert "Accept the best plan now" in page
    assert "Stop here and review it" in page
    assert "plan-session school-" in page  # the grid of the best plan so far
    # The polled part has the figures too, and no names.
    partial = client.get(
        reverse("planning:run_progress", args=[run.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "1 of 1 student" in partial
    assert "hx-trigger" in partial
    assert "Avery" not in partial


def test_stop_here_keeps_the_plan_undecided(pworld: World, login) -> None:
    run = running_with_best(pworld)
    client = login(pworld.provider.user)
    response = client.post(reverse("planning:run_stop", args=[run.pk]))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert run.decision == RunDecision.PENDING
    assert not StandingSchedule.objects.exists()  # nothing is written until accept
    page = client.get(reverse("planning:run", args=[run.pk])).content.decode()
    assert "Stopped early with the best plan found so far" in page
    assert "Keep improving" in page
    assert "Accept as the standing schedule" in page


def test_a_proven_plan_says_no_more_improvement_is_possible(pworld: World, login) -> None:
    run = solved_run(pworld)
    page = login(pworld.provider.user).get(reverse("planning:run", args=[run.pk]))
    text = page.content.decode()
    assert "Proven optimal" in text
    assert "running longer would not improve it" in text
    assert "Keep improving" not in text


def test_who_may_take_the_best_plan(pworld: World, login) -> None:
    """Seeing a run is not deciding it: the supervisor-free other provider gets 404,
    an administrator may; a GET never stops or accepts anything."""
    run = running_with_best(pworld)
    client = login(pworld.other_provider.user)
    for name in ("run_accept_now", "run_stop", "run_improve"):
        assert client.post(reverse(f"planning:{name}", args=[run.pk])).status_code == 404
        assert client.get(reverse(f"planning:{name}", args=[run.pk])).status_code == 405
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING
    admin = login(pworld.admin)
    assert admin.post(reverse("planning:run_stop", args=[run.pk])).status_code == 302
    run.refresh_from_db()
    assert run.status == RunStatus.DONE


def test_accept_now_on_a_one_week_replan_changes_that_week_only(pworld: World, login) -> None:
    """The one-week re-plan's accept (week_plan_accept) takes the best plan so far too:
    the Thursday session moves to Friday that week, nothing else changes."""
    from pushin.district.models import ExceptionKind
    from pushin.vocabulary import Activity
    from tests.planning.helpers import september_schedule
    from tests.planning.test_week_replan import (
        FRIDAY,
        THURSDAY,
        WEEK,
        friday_centers,
        outside_the_week,
        thursday_is,
        week_run,
    )

    # test_week_replan's `assembly`: next Thursday's centers block is an assembly.
    world = pworld
    september_schedule(world)
    friday_centers(world)
    thursday_is(world, ExceptionKind.ACTIVITY, Activity.ASSEMBLY)
    thursday = DatedSession.objects.get(date=THURSDAY)
    run = week_run(world)
    before = outside_the_week()
    PlanRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING,
        best_plan={**run.plan_data, "status": "feasible"},
        plan=None,
        finished_at=None,
        claimed_by="test-worker",
        heartbeat_at=timezone.now(),
    )
    client = login(world.provider.user)
    page = client.get(reverse("planning:run", args=[run.pk])).content.decode()
    assert "Accept the best plan now, for the week of Dec 7 only" in page
    response = client.post(
        reverse("planning:run_accept_now", args=[run.pk]),
        {"reason": MissReason.PROVIDER_CONFLICT.value},
    )
    assert response["Location"] == f"{reverse('sessions:week')}?date={WEEK.isoformat()}"
    run.refresh_from_db()
    assert (run.status, run.decision) == (RunStatus.DONE, RunDecision.ACCEPTED)
    assert DatedSession.objects.get(pk=thursday.pk).date == FRIDAY
    assert outside_the_week() == before


def test_a_queued_round_of_keep_improving_can_be_accepted_at_once(
    pworld: World, login, settings
) -> None:
    """Waiting for a worker to keep improving, the run's plan so far is still there to
    take; the worker that comes later leaves it alone."""
    run = running_with_best(pworld)
    settings.TASKS = DUMMY_TASKS  # the round waits for a worker
    PlanRun.objects.filter(pk=run.pk).update(status=RunStatus.DONE)
    run.refresh_from_db()
    run.plan = run.best_plan
    run.save(update_fields=["plan"])
    run = plan_run_improve(run=run, user=pworld.provider.user)
    assert run.status == RunStatus.QUEUED
    client = login(pworld.provider.user)
    response = client.post(
        reverse("planning:run_accept_now", args=[run.pk]), {"effective_from": "2026-12-03"}
    )
    assert response.status_code == 302
    run.refresh_from_db()
    assert (run.status, run.decision) == (RunStatus.DONE, RunDecision.ACCEPTED)
    assert StandingSchedule.objects.filter(source_run=run).count() == 1
    assert tasks.plan_run_execute.call(run.pk) == RunStatus.DONE  # not claimed, not solved
    run.refresh_from_db()
    assert run.decision == RunDecision.ACCEPTED
