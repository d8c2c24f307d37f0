from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from pushin.planning.models import PlanRun, RunStatus
from pushin.planning.scenario_build import IdMap
from pushin.planning.services import plan_run_create
from pushin.planning.tasks import finite_json, plan_run_execute
from pushin.planning.validation import check_plan
from pushin.scheduling.plan import plan_from_dict
from pushin.scheduling.scenario import parse_scenario
from tests.factories import World
from tests.planning.helpers import TINY_LIMIT, solved_run


def test_solve_through_the_task_gives_a_valid_plan(pworld: World) -> None:
    run = solved_run(pworld)
    assert run.status == RunStatus.DONE, run.error
    assert run.progress == "Done"
    assert run.error == ""
    assert run.started_at is not None
    assert run.finished_at is not None
    assert run.solve_seconds is not None
    plan = plan_from_dict(run.plan)
    scenario = parse_scenario(run.scenario)
    assert check_plan(scenario, plan) == []
    # 60 minutes a week in 30-minute sessions: Monday writing and Thursday centers.
    assert plan.stats.shortfall_minutes == 0
    assert sorted(s.day for s in plan.sessions) == ["mon", "thu"]
    key = f"st{pworld.student.pk}"
    assert all(s.students == (key,) for s in plan.sessions)
    assert IdMap.from_json(run.id_map).students == {key: pworld.student.pk}


def test_all_providers_in_one_run(pworld: World) -> None:
    run = solved_run(pworld, providers=[pworld.provider, pworld.other_provider])
    assert run.status == RunStatus.DONE
    plan = plan_from_dict(run.plan)
    assert {s.provider for s in plan.sessions} == {
        f"p{pworld.provider.pk}",
        f"p{pworld.other_provider.pk}",
    }
    assert set(run.providers.all()) == {pworld.provider, pworld.other_provider}


def test_a_refused_scenario_fails_the_run_with_the_reasons(pworld: World) -> None:
    run = solved_run(pworld)
    run.status = RunStatus.QUEUED
    run.scenario = {**run.scenario, "students": [{"id": "st1"}]}
    run.save()
    assert plan_run_execute.call(run.pk) == RunStatus.FAILED
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "missing key" in run.error
    assert run.finished_at is not None


def test_a_run_is_solved_once(pworld: World) -> None:
    run = solved_run(pworld)
    finished = run.finished_at
    assert plan_run_execute.call(run.pk) == RunStatus.DONE
    run.refresh_from_db()
    assert run.finished_at == finished


@pytest.mark.django_db(transaction=True)
def test_the_database_queue_and_worker(settings, pworld: World) -> None:
    """The production path: the request enqueues in the database, `db_worker` solves."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "solver"]}
    }
    from django_tasks_db.models import DBTaskResult

    run = plan_run_create(
        user=pworld.provider.user,
        district=pworld.district,
        providers=[pworld.provider],
        time_limit=TINY_LIMIT,
    )
    assert run.status == RunStatus.QUEUED
    assert run.progress.startswith("Waiting for a worker")
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "pushin.planning.tasks.plan_run_execute"
    assert queued.args_kwargs == {"args": [run.pk], "kwargs": {}}

    call_command(
        "db_worker", queue_name="*", batch=True, startup_delay=False, reload=False, verbosity=0
    )

    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    assert plan_from_dict(run.plan).stats.shortfall_minutes == 0
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert PlanRun.objects.count() == 1
    assert run.finished_at is not None
    assert dt.datetime.now(dt.UTC) >= run.finished_at


def test_non_finite_numbers_are_stored_as_null() -> None:
    assert finite_json({"bound": float("inf"), "gap": [float("nan"), 1.5], "n": 3}) == {
        "bound": None,
        "gap": [None, 1.5],
        "n": 3,
    }


def test_a_plan_breaking_many_rules_lists_the_first_and_counts_the_rest(
    pworld: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The engine's plan failing its checker stays visible on the run, bounded: one plan
    of every candidate broke 11 million rules, more text than one database value takes."""
    from pushin.planning import tasks
    from pushin.planning.validation import Problem

    many = [Problem(rule=1, message=f"two sessions at once ({n})") for n in range(250)]
    monkeypatch.setattr(tasks, "check_plan", lambda scenario, plan: many)
    run = solved_run(pworld)
    assert run.status == RunStatus.DONE
    lines = run.error.splitlines()
    assert lines[: tasks.PROBLEMS_LISTED] == [
        f"Rule 1: two sessions at once ({n})" for n in range(tasks.PROBLEMS_LISTED)
    ]
    assert lines[tasks.PROBLEMS_LISTED :] == ["… and 150 more"]
