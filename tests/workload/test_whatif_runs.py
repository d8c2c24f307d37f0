"""Capacity what-if runs (pushin/workload/whatif.py, tasks.py): asked for, solved on the
task queue, and their figures the same as re-solving the changed week by hand."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from pushin.district.models import ActivityBlock
from pushin.planning.models import RunStatus, StandingSchedule
from pushin.planning.recovery import STALLED_ERROR, runs_recover
from pushin.scheduling.scenario import parse_scenario
from pushin.scheduling.solve import solve
from pushin.scheduling.whatif import caseload_of, groups_to_individual, outcome, remove_school
from pushin.sessions.models import DatedSession
from pushin.vocabulary import Activity, Weekday
from pushin.workload.models import WhatIfKind, WhatIfRun
from pushin.workload.tasks import SOLVER_WORKERS, whatif_run_execute
from pushin.workload.whatif import (
    CUT_SHORT,
    Point,
    argument,
    provider_week,
    run_points,
    whatif_run_cancel,
    whatif_run_create,
)
from tests.factories import World, make_student, make_world
from tests.planning.conftest import give_availability

pytestmark = pytest.mark.django_db

LIMIT = 3.0  # an upper bound: these weeks are proven optimal in well under a second


@pytest.fixture(autouse=True)
def _immediate_tasks(settings) -> None:
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "solver"],
        }
    }
    settings.PUSHIN_WHATIF_TIME_LIMIT = LIMIT


@pytest.fixture
def wworld(db: None) -> World:
    """The provider's caseload: the world's student in Room 2A (Maple; Monday writing and
    Thursday centers, 45 minutes each: one 30-minute session a block, in groups of up to
    three), 60 minutes a week in 30-minute sessions."""
    world = make_world()
    give_availability(world)
    return world


@pytest.fixture
def two_schools(wworld: World) -> World:
    """And a student in Room K1 (Cedar), which has Tuesday and Friday blocks too."""
    for day, start, activity in ((Weekday.TUE, 9, Activity.WRITING), (Weekday.FRI, 10, "centers")):
        ActivityBlock.objects.create(
            classroom=wworld.other_classroom,
            day=day,
            start=dt.time(start),
            end=dt.time(start, 45),
            activity=activity,
        )
    make_student(ref="S-0009", classroom=wworld.other_classroom, provider=wworld.provider)
    return wworld


def _create(world: World, capture, **terms) -> WhatIfRun:
    with capture(execute=True):
        run = whatif_run_create(actor=world.provider.user, provider=world.provider, **terms)
    run.refresh_from_db()
    return run


def _by_hand(week) -> dict[str, object]:
    """The figures of re-solving a changed week directly, as the worker does."""
    return dataclasses.asdict(outcome(week, solve(week, time_limit=LIMIT, workers=SOLVER_WORKERS)))


def test_a_size_run_solves_each_caseload_on_the_queue(
    wworld: World, django_capture_on_commit_callbacks
) -> None:
    run = _create(wworld, django_capture_on_commit_callbacks, kind=WhatIfKind.SIZE, sizes=[1, 3, 4])
    assert run.status == RunStatus.DONE, run.error
    assert run.progress == "Done"
    assert run.labels == ["1 student", "3 students", "4 students"]
    assert run.params == {"seed": 0, "sizes": [1, 3, 4], "individual": False}
    # The figures are those of changing the week and solving it by hand.
    base = parse_scenario(run.scenario)
    assert base == provider_week(wworld.provider)
    assert len(base.students) == 1
    for point, size in zip(run.points, [1, 3, 4], strict=True):
        expected = _by_hand(caseload_of(base, size, seed=0))
        assert point["label"] == run.labels[[1, 3, 4].index(size)]
        assert point == {"label": point["label"], **expected}
    points = run_points(run)
    assert [p.students for p in points] == [1, 3, 4]
    assert all(p.status == "optimal" and p.travel_minutes == 0 for p in points)
    # Room 2A has two 30-minute sessions a week of up to three students, and each student
    # needs both: three students fit, a fourth leaves 60 minutes short.
    assert [p.short_minutes for p in points] == [0, 0, 60]
    short = points[2].short_students
    assert short in (1, 2)  # one student without both sessions, or two without one
    assert argument(run, points) == [
        f"At 4 students, {short} cannot be seen in class with all their minutes; at 3, all can.",
        "With today's caseload of 1 student, every student can be seen in class with all "
        "their minutes.",
    ]


def test_groups_individual_on_top_of_sizes(
    wworld: World, django_capture_on_commit_callbacks
) -> None:
    run = _create(
        wworld,
        django_capture_on_commit_callbacks,
        kind=WhatIfKind.SIZE,
        sizes=[1, 2],
        individual=True,
    )
    assert run.status == RunStatus.DONE, run.error
    base = parse_scenario(run.scenario)
    for point, size in zip(run.points, [1, 2], strict=True):
        expected = _by_hand(groups_to_individual(caseload_of(base, size, seed=0)))
        assert point == {"label": run.labels[size - 1], **expected}
    points = run_points(run)
    # Alone, Room 2A's two blocks see one student a week: a second one is short.
    assert [p.short_minutes for p in points] == [0, 60]
    short = points[1].short_students
    assert argument(run, points) == [
        f"At 2 students, {short} cannot be seen individually in class with all their "
        "minutes; at 1, all can."
    ]


def test_a_school_taken_away(two_schools: World, django_capture_on_commit_callbacks) -> None:
    school = f"sch{two_schools.other_school.pk}"
    run = _create(
        two_schools,
        django_capture_on_commit_callbacks,
        kind=WhatIfKind.REMOVE_SCHOOL,
        school=school,
    )
    assert run.status == RunStatus.DONE, run.error
    assert run.labels == ["As today", "Without Cedar Elementary"]
    base = parse_scenario(run.scenario)
    assert run.points[0] == {"label": "As today", **_by_hand(base)}
    assert run.points[1] == {
        "label": "Without Cedar Elementary",
        **_by_hand(remove_school(base, school)),
    }
    today, without = run_points(run)
    assert (today.students, without.students) == (2, 1)
    assert (today.mandated_minutes, without.mandated_minutes) == (120, 60)
    assert argument(run, [today, without]) == [
        "Today, with 2 students, every student can be seen in class with all their minutes; "
        "0 minutes of travel a week.",
        "Without Cedar Elementary (1 student), every student can be seen in class with all "
        "their minutes; 0 minutes of travel a week.",
    ]


def test_groups_to_individual_against_today(
    wworld: World, django_capture_on_commit_callbacks
) -> None:
    make_student(ref="S-0010", classroom=wworld.classroom, provider=wworld.provider)
    run = _create(wworld, django_capture_on_commit_callbacks, kind=WhatIfKind.INDIVIDUAL)
    assert run.status == RunStatus.DONE, run.error
    base = parse_scenario(run.scenario)
    assert run.points[1] == {
        "label": "Every group session individual",
        **_by_hand(groups_to_individual(base)),
    }
    today, alone = run_points(run)
    # Two students of Room 2A share its two sessions today; alone, 60 minutes are short.
    assert (today.short_minutes, alone.short_minutes) == (0, 60)
    assert today.short_students == 0
    if alone.short_students == 1:
        words = "1 student cannot"
    else:
        words = f"{alone.short_students} students cannot"
    assert argument(run, [today, alone]) == [
        "Today, with 2 students, every student can be seen in class with all their minutes; "
        "0 minutes of travel a week.",
        f"With every group session individual (2 students), {words} be seen individually in "
        "class with all their minutes (60 minutes a week short); 0 minutes of travel a week.",
    ]


def test_a_whatif_never_touches_the_schedule_or_the_record(
    wworld: World, django_capture_on_commit_callbacks
) -> None:
    before = (
        StandingSchedule.objects.count(),
        DatedSession.objects.count(),
        list(wworld.provider.students.values_list("pk", "classroom_id").order_by("pk")),
    )
    _create(wworld, django_capture_on_commit_callbacks, kind=WhatIfKind.SIZE, sizes=[4])
    after = (
        StandingSchedule.objects.count(),
        DatedSession.objects.count(),
        list(wworld.provider.students.values_list("pk", "classroom_id").order_by("pk")),
    )
    assert before == after


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        ({"kind": WhatIfKind.SIZE, "sizes": []}, "Give at least one caseload size."),
        ({"kind": WhatIfKind.SIZE, "sizes": list(range(1, 14))}, "That is 13 caseload sizes"),
        ({"kind": WhatIfKind.SIZE, "sizes": [0, 3]}, "at least 1 student"),
        ({"kind": WhatIfKind.REMOVE_SCHOOL, "school": "sch999999"}, "one of the caseload's"),
        ({"kind": "bigger"}, "Unknown what-if 'bigger'"),
    ],
)
def test_a_whatif_that_cannot_be_run_says_why(wworld: World, terms, message) -> None:
    with pytest.raises(ValidationError, match=message):
        whatif_run_create(actor=wworld.provider.user, provider=wworld.provider, **terms)
    assert not WhatIfRun.objects.exists()


def test_the_only_school_cannot_be_taken_away(wworld: World) -> None:
    with pytest.raises(ValidationError, match="Maple Elementary is the caseload's only school"):
        whatif_run_create(
            actor=wworld.provider.user,
            provider=wworld.provider,
            kind=WhatIfKind.REMOVE_SCHOOL,
            school=f"sch{wworld.school.pk}",
        )


def test_a_caseload_with_nobody_to_plan(world: World) -> None:
    world.student.providers.clear()
    with pytest.raises(ValidationError, match="nothing to change"):
        whatif_run_create(actor=world.provider.user, provider=world.provider, kind="individual")


def test_a_queued_run_cancelled_is_never_solved(wworld: World) -> None:
    # Enqueued only after the commit, which this test never reaches: it stays queued.
    run = whatif_run_create(
        actor=wworld.provider.user, provider=wworld.provider, kind=WhatIfKind.INDIVIDUAL
    )
    assert run.status == RunStatus.QUEUED
    whatif_run_cancel(run=run, actor=wworld.provider.user)
    assert whatif_run_execute.call(run.pk) == RunStatus.CANCELLED
    run.refresh_from_db()
    assert (run.status, run.points) == (RunStatus.CANCELLED, [])
    with pytest.raises(ValidationError, match="already finished"):
        whatif_run_cancel(run=run, actor=wworld.provider.user)


def test_a_run_is_solved_once(wworld: World, django_capture_on_commit_callbacks) -> None:
    run = _create(wworld, django_capture_on_commit_callbacks, kind=WhatIfKind.INDIVIDUAL)
    finished = run.finished_at
    assert whatif_run_execute.call(run.pk) == RunStatus.DONE
    run.refresh_from_db()
    assert run.finished_at == finished


def test_a_run_whose_worker_died_is_failed_as_stalled(wworld: World, settings) -> None:
    run = whatif_run_create(
        actor=wworld.provider.user, provider=wworld.provider, kind=WhatIfKind.INDIVIDUAL
    )
    silent = timezone.now() - dt.timedelta(seconds=settings.PUSHIN_SOLVER_LEASE_SECONDS + 5)
    WhatIfRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, started_at=silent, heartbeat_at=silent, claimed_by="gone:1"
    )
    recovered = runs_recover(now=timezone.now())
    assert recovered.whatif_runs == [run.pk]
    run.refresh_from_db()
    assert (run.status, run.error) == (RunStatus.FAILED, STALLED_ERROR)
    assert run.progress.startswith("Stalled")
    assert not runs_recover(now=timezone.now())


@pytest.mark.django_db(transaction=True)
def test_the_database_queue_and_worker(settings) -> None:
    """The production path: the request enqueues in the database, the worker solves."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "solver"]}
    }
    from django_tasks_db.models import DBTaskResult

    world = make_world()
    give_availability(world)
    run = whatif_run_create(actor=world.provider.user, provider=world.provider, kind="individual")
    queued = DBTaskResult.objects.get()
    assert (queued.task_path, queued.queue_name) == (
        "pushin.workload.tasks.whatif_run_execute",
        "solver",
    )
    assert run.status == RunStatus.QUEUED
    call_command(
        "db_worker", queue_name="solver", batch=True, startup_delay=False, reload=False, verbosity=0
    )
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    assert [p.short_students for p in run_points(run)] == [0, 0]


def _point(students: int, short: int, minutes: int = 0) -> Point:
    return Point(
        label=f"{students}",
        students=students,
        short_students=short,
        short_minutes=minutes,
        status="optimal",
    )


def test_the_argument_reads_from_the_figures() -> None:
    run = WhatIfRun(kind=WhatIfKind.SIZE, params={"sizes": [], "individual": False})
    run.scenario = {"students": [{}] * 60}
    curve = [_point(50, 0), _point(55, 0), _point(60, 3, 90), _point(72, 14, 420)]
    assert argument(run, curve) == [
        "At 72 students, 14 cannot be seen in class with all their minutes; at 55, all can.",
        "With today's caseload of 60 students, 3 students cannot be seen in class with all "
        "their minutes (90 minutes a week short).",
    ]
    assert argument(run, [_point(60, 0), _point(80, 0)]) == [
        "Even at 80 students, every student can be seen in class with all their minutes."
    ]
    assert argument(run, [_point(60, 2, 60), _point(70, 9, 300)]) == [
        "At 70 students, 9 cannot be seen in class with all their minutes; even at 60, 2 cannot."
    ]
    # A point the solver could not finish says nothing.
    failed = Point(label="90", students=90, error="Too large")
    assert argument(run, [_point(55, 0), failed]) == [
        "Even at 55 students, every student can be seen in class with all their minutes."
    ]
    assert argument(run, [failed]) == []
    # A shortfall the time limit left unproven is said to be what the best plan found.
    unproven = dataclasses.replace(_point(72, 14, 420), short_proven=False, short_minutes_bound=60)
    assert argument(run, [_point(55, 0), unproven]) == [
        "At 72 students, 14 cannot be seen in class with all their minutes; at 55, all can.",
        CUT_SHORT,
    ]
    assert CUT_SHORT.startswith("Where the scheduler reached its time limit")
