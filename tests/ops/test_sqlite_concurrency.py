"""SQLite, the zero-set-up default, under ordinary use by several people at once.

Each test puts its world in a file (the tests' in-memory database locks differently) and
serves it with `manage.py runserver`, as `make run` does; phones (threads, each signed in
on its own) then hit it together, released by a barrier. Afterwards the file comes back
into the tests' database, to check what the server wrote. Before WAL and immediate
transactions (pushin/settings.py), 20 phones logging a session got "database is locked"
500s for most of their 60 requests, and a double-clicked "Plan the week" or two accepts
at once answered 500 too.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from pushin.planning.models import PlanRun, RunDecision, RunStatus, StandingSchedule
from pushin.planning.services import plan_run_create
from pushin.sessions.models import DataPoint, SessionStudent
from tests.factories import PASSWORD, World
from tests.ops.http import Answer, Phone, server
from tests.planning.conftest import give_availability
from tests.sessions.factories import add_student, dated_session
from tests.sessions.helpers import record_url
from tests.signing_in import authenticator_for, current_code
from tests.worker_process import WorkerDatabase

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own locking"),
]
T = TypeVar("T")
IMMEDIATE = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default", "solver"],
    }
}


@contextlib.contextmanager
def served(directory: Path) -> Iterator[str]:
    """The tests' database as it is now, in a file served by runserver; when the block
    ends, the file as the server left it back in the tests' database."""
    database = WorkerDatabase.of_tests(directory)
    database.share()
    with server(
        database,
        "runserver", "127.0.0.1:{port}", "--noreload",
        clock=timezone.now(),
        directory=directory,
    ) as (base, _process):  # fmt: skip
        yield base
    database.take_back()


def together(calls: list[Callable[[], T]]) -> list[T]:
    """Run every call in its own thread, all released at once; their results in order."""
    barrier = threading.Barrier(len(calls))
    results: dict[int, T] = {}
    errors: list[BaseException] = []

    def run(index: int, call: Callable[[], T]) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return [results[index] for index in range(len(calls))]


def signed_in(base: str, username: str, *, code: str = "") -> Phone:
    phone = Phone(base)
    phone.sign_in(username, PASSWORD, code=code)
    return phone


def test_twenty_phones_logging_at_once_get_no_error(world: World, tmp_path: Path) -> None:
    students = [world.student] + [
        add_student(world, ref=f"S-1{n:03d}", first_name=f"Pupil{n}") for n in range(19)
    ]
    records = list(dated_session(world, students).members.order_by("pk"))
    assert len(records) == 20

    def log(phone: Phone, record: SessionStudent) -> list[int]:
        answers = [
            phone.post(record_url("attendance", record), {"attendance": "delivered"}, htmx=True),
            phone.post(record_url("data_add", record), {"correct": "true"}, htmx=True),
            phone.post(record_url("note", record), {"note": "Wrote two lines."}, htmx=True),
        ]  # fmt: skip
        return [answer.status for answer in answers]

    with served(tmp_path) as base:
        phones = [signed_in(base, world.provider.user.username) for _ in records]
        statuses = together(
            [functools.partial(log, p, r) for p, r in zip(phones, records, strict=True)]
        )

    assert statuses == [[200, 200, 200]] * 20
    logged = SessionStudent.objects.filter(pk__in=[r.pk for r in records])
    assert (
        sorted(logged.values_list("attendance", "note")) == [("delivered", "Wrote two lines.")] * 20
    )
    assert DataPoint.objects.filter(record__in=records).count() == 20


@pytest.fixture
def planning_world(world: World, settings) -> World:
    settings.TASKS = IMMEDIATE
    settings.PUSHIN_PLAN_TIME_LIMIT = 2.0
    give_availability(world)
    return world


def test_plan_the_week_clicked_twice_queues_one_plan(planning_world: World, tmp_path: Path) -> None:
    world = planning_world
    provider = world.provider
    with served(tmp_path) as base:  # the database queue there: runs wait for a worker
        phone = signed_in(base, provider.user.username)
        url = reverse("planning:run_create")
        clicks = together([lambda: phone.post(url, {"provider": str(provider.pk)})] * 2)
        [run_page] = {click.location for click in clicks}
        page = phone.get(run_page)

    assert [click.status for click in clicks] == [302, 302]
    [run] = PlanRun.objects.all()
    assert run_page == reverse("planning:run", args=[run.pk])
    assert run.status == RunStatus.QUEUED
    # The second click is told: the page it lands on says so (once).
    assert page.status == 200
    assert page.text.count("This plan was already on its way") == 1


def accept(phone: Phone, run: PlanRun) -> Answer:
    return phone.post(
        reverse("planning:run_accept", args=[run.pk]), {"effective_from": "2026-12-07"}
    )


def test_one_plan_accepted_in_two_tabs_at_once(planning_world: World, tmp_path: Path) -> None:
    world = planning_world
    provider = world.provider
    run = plan_run_create(user=provider.user, district=world.district, providers=[provider])
    assert run.status == RunStatus.DONE

    with served(tmp_path) as base:
        tabs = [signed_in(base, provider.user.username) for _ in range(2)]
        answers = together([functools.partial(accept, tab, run) for tab in tabs])

    assert sorted(answer.status for answer in answers) == [302, 400]
    [refused] = [answer for answer in answers if answer.status == 400]
    assert "Not accepted: this plan is already accepted." in refused.text
    [schedule] = StandingSchedule.objects.filter(provider=provider)
    assert (schedule.source_run_id, schedule.active) == (run.pk, True)


def test_two_plans_accepted_at_once_one_wins(planning_world: World, tmp_path: Path) -> None:
    """The provider and the administrator each planned the provider's week and accept at
    the same moment: one schedule, and the other is told someone was first."""
    world = planning_world
    provider = world.provider
    mine = plan_run_create(user=provider.user, district=world.district, providers=[provider])
    theirs = plan_run_create(user=world.admin, district=world.district, providers=[provider])
    authenticator = authenticator_for(world.admin)  # administrators must use two-factor

    with served(tmp_path) as base:
        people = [
            signed_in(base, provider.user.username),
            signed_in(base, world.admin.username, code=current_code(authenticator)),
        ]
        answers = together([lambda: accept(people[0], mine), lambda: accept(people[1], theirs)])

    assert sorted(answer.status for answer in answers) == [302, 409]
    [winner] = [
        run for run, answer in zip((mine, theirs), answers, strict=True) if answer.status == 302
    ]
    [refused] = [answer for answer in answers if answer.status == 409]
    assert "Not accepted: someone accepted another plan a moment ago." in refused.text
    [schedule] = StandingSchedule.objects.filter(provider=provider)
    assert (schedule.source_run_id, schedule.active) == (winner.pk, True)
    decisions = sorted(PlanRun.objects.values_list("decision", flat=True))
    assert decisions == sorted([RunDecision.ACCEPTED, RunDecision.PENDING])
