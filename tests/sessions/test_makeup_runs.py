"""Makeup proposals on the task queue: the request enqueues, the worker solves, the run's
page polls until done and then offers the proposals to accept."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pushin.accounts.models import AuditAction, AuditEntry
from pushin.planning.models import RunStatus
from pushin.sessions.makeups import (
    MakeupPlan,
    Proposal,
    ProposalMember,
    Unplaced,
    makeup_owed,
    makeup_plan_from_result,
    makeup_result,
)
from pushin.sessions.models import MakeupRun, SessionStudent
from pushin.sessions.tasks import makeup_run_execute
from pushin.vocabulary import Delivery
from tests.caseload.personas import HTMX, PERSONAS, is_login_redirect, persona_user
from tests.factories import World
from tests.sessions.ledger_world import day
from tests.sessions.test_makeups import TODAY, makeup_world

IMMEDIATE = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default", "solver"],
    }
}
DATABASE = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "solver"]}
}


@pytest.fixture
def mworld(world, monkeypatch, settings) -> Any:
    """The shared makeup world (tests/sessions/test_makeups.py): one owed 30-minute miss."""
    return makeup_world(world, monkeypatch, settings)


@pytest.fixture
def immediate(settings) -> None:
    settings.TASKS = IMMEDIATE


@pytest.fixture
def queue(settings) -> None:
    settings.TASKS = DATABASE


def _ask(client: Any, world: World, capture: Any, days: int = 10) -> tuple[Any, MakeupRun]:
    """POST the makeup page, running the on-commit enqueue; the response and the run."""
    with capture(execute=True) as callbacks:
        response = client.post(reverse("minutes:makeups", args=[world.provider.pk]), {"days": days})
    assert len(callbacks) == 1  # the enqueue, after the run is committed
    run = MakeupRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("minutes:makeup_run", args=[world.provider.pk, run.pk])
    return response, run


def _proposal(world: Any, *, hour: int = 10) -> Proposal:
    return Proposal(
        provider_id=world.provider.pk,
        date=day(3),
        start=dt.time(hour),
        end=dt.time(hour, 30),
        classroom_id=world.classroom.pk,
        activity="centers",
        delivery=Delivery.PUSH_IN,
        members=(ProposalMember(world.student.pk, world.miss.pk, None),),
    )


def _done_run(world: Any, *, proposals: int = 1, provider: Any = None) -> MakeupRun:
    """A finished run, its result made by hand (no solver)."""
    plan = MakeupPlan(
        days=[day(2), day(3)],
        owed={},
        proposals=[_proposal(world, hour=8 + i % 6) for i in range(proposals)],
        unplaced=[Unplaced(world.other_student.pk, 30, ("no_block",))],
    )
    return MakeupRun.objects.create(
        provider=provider or world.provider,
        requested_by=world.provider.user,
        asked_on=TODAY,
        days=2,
        status=RunStatus.DONE,
        result=makeup_result(plan),
    )


def test_ask_then_the_run_page_shows_proposals_and_accepting_works(
    mworld, login, immediate, django_capture_on_commit_callbacks
) -> None:
    client = login(mworld.provider.user)
    response, run = _ask(client, mworld, django_capture_on_commit_callbacks)
    assert (run.status, run.days, run.asked_on, run.requested_by) == (
        RunStatus.DONE,
        10,
        TODAY,
        mworld.provider.user,
    )
    assert run.started_at is not None
    assert run.finished_at is not None
    assert run.error == ""
    assert isinstance(run.result, dict)
    assert len(run.result["proposals"]) == 1
    assert run.result["unplaced"] == []
    assert AuditEntry.objects.filter(
        action=AuditAction.CREATE, object_type="therapy_sessions.makeuprun", object_id=str(run.pk)
    ).exists()

    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "hx-trigger" not in html
    assert "Thu Nov 5" in html
    assert "Avery Sample" in html
    (row,) = page.context["proposal_rows"]
    assert AuditEntry.objects.filter(action=AuditAction.READ, object_id=str(run.pk)).exists()

    accepted = client.post(
        reverse("minutes:makeup_accept", args=[mworld.provider.pk]), {"proposal": row["token"]}
    )
    assert accepted.status_code == 302
    assert accepted["Location"] == reverse("minutes:provider", args=[mworld.provider.pk])
    assert SessionStudent.objects.get(makeup_for=mworld.miss).session.date == day(3)

    # Back on the run page: the accepted proposal is planned, so it is no longer offered.
    again = client.get(response["Location"])
    assert again.context["proposal_rows"] == []
    assert again.context["plan"].stale == 1
    assert "no longer shown" in again.content.decode()


def test_the_run_page_polls_until_the_worker_is_done(
    mworld, login, queue, django_capture_on_commit_callbacks
) -> None:
    client = login(mworld.provider.user)
    response, run = _ask(client, mworld, django_capture_on_commit_callbacks)
    assert run.status == RunStatus.QUEUED
    url = response["Location"]

    waiting = client.get(url)
    assert waiting.status_code == 200
    html = waiting.content.decode()
    assert "Finding times…" in html
    assert f'hx-get="{url}" hx-trigger="every 1s"' in html
    assert waiting.context["plan"] is None
    assert not AuditEntry.objects.filter(action=AuditAction.READ).exists()

    polled = client.get(url, **HTMX)
    assert polled.status_code == 200
    assert [t.name for t in polled.templates] == ["sessions/makeup_run_progress.html"]
    assert "Finding times…" in polled.content.decode()
    assert "HX-Refresh" not in polled

    assert makeup_run_execute.call(run.pk) == RunStatus.DONE
    done = client.get(url, **HTMX)
    assert done["HX-Refresh"] == "true"
    page = client.get(url)
    assert len(page.context["proposal_rows"]) == 1
    assert "hx-trigger" not in page.content.decode()


def test_the_request_never_runs_the_solver(
    mworld, login, queue, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    from django_tasks_db.models import DBTaskResult

    calls: list[object] = []
    monkeypatch.setattr("pushin.sessions.makeups.solve_bounded", lambda *a, **k: calls.append(a))
    monkeypatch.setattr("pushin.scheduling.solve.solve", lambda *a, **k: calls.append(a))
    client = login(mworld.provider.user)
    _, run = _ask(client, mworld, django_capture_on_commit_callbacks)
    assert calls == []
    assert (run.status, run.result, run.started_at) == (RunStatus.QUEUED, None, None)
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "pushin.sessions.tasks.makeup_run_execute"
    assert queued.args_kwargs == {"args": [run.pk], "kwargs": {}}
    assert queued.status == "READY"
    assert queued.queue_name == "solver"


@pytest.mark.django_db(transaction=True)
def test_the_database_queue_and_worker(mworld, login, queue) -> None:
    """The production path: the request enqueues in the database, `db_worker` solves."""
    from django_tasks_db.models import DBTaskResult

    client = login(mworld.provider.user)
    response = client.post(reverse("minutes:makeups", args=[mworld.provider.pk]), {"days": 10})
    run = MakeupRun.objects.get()
    assert response["Location"] == reverse("minutes:makeup_run", args=[mworld.provider.pk, run.pk])
    assert run.status == RunStatus.QUEUED
    assert DBTaskResult.objects.get().task_path == "pushin.sessions.tasks.makeup_run_execute"

    call_command(
        "db_worker", queue_name="*", batch=True, startup_delay=False, reload=False, verbosity=0
    )

    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    page = client.get(response["Location"])
    (row,) = page.context["proposal_rows"]
    assert row["proposal"].date == day(3)
    assert "Thu Nov 5" in page.content.decode()


def test_a_failing_run_is_stored_and_shown_as_failed(
    mworld, login, immediate, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    def broken(**kwargs: object) -> None:
        raise RuntimeError("the solver fell over")

    monkeypatch.setattr("pushin.sessions.tasks.makeup_propose", broken)
    client = login(mworld.provider.user)
    response, run = _ask(client, mworld, django_capture_on_commit_callbacks)
    assert run.status == RunStatus.FAILED
    assert run.error == "RuntimeError: the solver fell over"
    assert run.result is None
    assert run.started_at is not None
    assert run.finished_at is not None

    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Failed" in html
    assert "nothing was proposed" in html
    assert "hx-trigger" not in html
    assert page.context["plan"] is None
    assert page.context["proposal_rows"] == []
    assert "Avery Sample" in html  # still owed: listed, with the form to ask again
    assert client.get(response["Location"], **HTMX)["HX-Refresh"] == "true"


def test_a_run_is_solved_once(mworld, immediate) -> None:
    run = _done_run(mworld)
    finished = run.finished_at
    assert makeup_run_execute.call(run.pk) == RunStatus.DONE
    run.refresh_from_db()
    assert run.finished_at == finished
    assert makeup_run_execute.call(run.pk + 1000) == "missing"


def test_stored_result_round_trip_drops_stale_proposals(mworld) -> None:
    owed, _ = makeup_owed(provider=mworld.provider, today=TODAY)
    fresh, tampered = _proposal(mworld), _proposal(mworld, hour=11)
    not_owed = Proposal(
        **{
            **fresh.__dict__,
            "members": (ProposalMember(mworld.other_student.pk, mworld.miss.pk + 99, None),),
        }
    )
    result = makeup_result(
        MakeupPlan(
            days=[day(2)],
            owed=owed,
            proposals=[fresh, tampered, not_owed],
            unplaced=[Unplaced(mworld.other_student.pk, 30, ("no_block",))],
            not_plannable={mworld.other_student.pk: "no_goals"},
            errors=["oops"],
        )
    )
    result["proposals"][1] = result["proposals"][1][:-2] + "xx"
    plan = makeup_plan_from_result(result, owed=owed)
    assert plan.proposals == [fresh]
    assert plan.stale == 2
    assert plan.days == [day(2)]
    assert plan.unplaced == [Unplaced(mworld.other_student.pk, 30, ("no_block",))]
    assert plan.not_plannable == {mworld.other_student.pk: "no_goals"}
    assert plan.errors == ["oops"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_run_page_permissions(mworld, login, persona) -> None:
    run = _done_run(mworld)
    response = login(persona_user(mworld, persona)).get(
        reverse("minutes:makeup_run", args=[mworld.provider.pk, run.pk])
    )
    expected = {
        "provider": 200,
        "other_provider": 404,
        "teacher": 404,
        "other_teacher": 404,
        "para": 404,
        "admin": 200,
        "anonymous": "login",
    }[persona]
    if expected == "login":
        assert is_login_redirect(response)
    else:
        assert response.status_code == expected
    if expected == 200:
        assert len(response.context["proposal_rows"]) == 1


@pytest.mark.parametrize("persona", ["provider", "other_provider", "admin"])
def test_a_run_belongs_to_its_provider(mworld, login, persona) -> None:
    """Another provider's run under this provider's address is not found, for anyone."""
    theirs = _done_run(mworld, provider=mworld.other_provider)
    ours = _done_run(mworld)
    client = login(persona_user(mworld, persona))
    assert (
        client.get(reverse("minutes:makeup_run", args=[mworld.provider.pk, theirs.pk])).status_code
        == 404
    )
    assert (
        client.get(
            reverse("minutes:makeup_run", args=[mworld.other_provider.pk, ours.pk])
        ).status_code
        == 404
    )


def test_run_page_queries_do_not_grow_with_proposals(mworld, login) -> None:
    client = login(mworld.provider.user)

    def queries(proposals: int) -> int:
        run = _done_run(mworld, proposals=proposals)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("minutes:makeup_run", args=[mworld.provider.pk, run.pk]))
        assert len(response.context["proposal_rows"]) == proposals
        return len(captured)

    queries(1)  # the worker's first page computes the ledgers it then keeps (ledger_cache)
    assert queries(12) == queries(1)
