"""A solver run is bounded: refused when too large, stopped when it runs away, and the
provider can cancel it; solver runs have a queue of their own."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pushin.planning.models import PlanRun, RunStatus
from pushin.planning.services import PlanInputError, plan_run_cancel, plan_run_create
from pushin.planning.tasks import plan_run_execute
from tests.factories import World
from tests.planning.helpers import TINY_LIMIT


def test_too_large_is_refused_before_anything_is_queued(pworld: World, settings) -> None:
    settings.PUSHIN_PLAN_MAX_CANDIDATES = 5
    with pytest.raises(PlanInputError) as refused:
        plan_run_create(
            user=pworld.provider.user, district=pworld.district, providers=[pworld.provider]
        )
    (message,) = refused.value.messages
    assert message.startswith("This plan is too large to run: 1 students could be seen in")
    assert message.endswith("the limit is 5. Plan fewer providers at once, or split the caseload.")
    assert not PlanRun.objects.exists()


def test_the_plan_page_says_why(pworld: World, login, settings) -> None:
    settings.PUSHIN_PLAN_MAX_STUDENTS = 0
    response = login(pworld.provider.user).post(
        reverse("planning:run_create"), {"provider": pworld.provider.pk}
    )
    assert response.status_code == 400
    assert "This plan is too large to run: 1 students in one run; the limit is 0." in (
        response.content.decode()
    )
    assert not PlanRun.objects.exists()


def _queued(world: World, settings) -> PlanRun:
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.dummy.DummyBackend",
            "QUEUES": ["default", "solver"],
        }
    }
    return plan_run_create(
        user=world.provider.user,
        district=world.district,
        providers=[world.provider],
        time_limit=TINY_LIMIT,
    )


def test_a_runaway_solve_fails_as_too_large_and_the_next_run_works(pworld: World, settings) -> None:
    run = _queued(pworld, settings)
    settings.PUSHIN_SOLVER_MEMORY_MB = 150
    assert plan_run_execute.call(run.pk) == RunStatus.FAILED
    run.refresh_from_db()
    assert (run.status, run.progress) == (RunStatus.FAILED, "Stopped: too large")
    assert run.error.startswith("Too large: the solve needed more than 150 MB of memory")
    settings.PUSHIN_SOLVER_MEMORY_MB = 4096
    again = _queued(pworld, settings)
    assert plan_run_execute.call(again.pk) == RunStatus.DONE


def test_cancelled_while_queued_is_never_solved(pworld: World, settings, login) -> None:
    run = _queued(pworld, settings)
    page = login(pworld.provider.user).get(reverse("planning:run", args=[run.pk]))
    assert reverse("planning:run_cancel", args=[run.pk]) in page.content.decode()
    response = login(pworld.provider.user).post(reverse("planning:run_cancel", args=[run.pk]))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == RunStatus.CANCELLED
    assert plan_run_execute.call(run.pk) == RunStatus.CANCELLED
    run.refresh_from_db()
    assert run.plan is None
    assert (
        "nothing changed"
        in login(pworld.provider.user).get(reverse("planning:run", args=[run.pk])).content.decode()
    )


def test_others_cannot_cancel(pworld: World, settings, login) -> None:
    run = _queued(pworld, settings)
    for person in (pworld.other_provider.user, pworld.teacher):
        response = login(person).post(reverse("planning:run_cancel", args=[run.pk]))
        assert response.status_code in (403, 404)
    run.refresh_from_db()
    assert run.status == RunStatus.QUEUED


def test_a_finished_run_cannot_be_cancelled(pworld: World, settings) -> None:
    run = plan_run_create(
        user=pworld.provider.user,
        district=pworld.district,
        providers=[pworld.provider],
        time_limit=TINY_LIMIT,
    )
    assert run.status == RunStatus.DONE
    with pytest.raises(ValueError, match="already finished"):
        plan_run_cancel(run=run, user=pworld.provider.user)


def test_solver_runs_go_to_their_own_queue() -> None:
    assert plan_run_execute.queue_name == "solver"
