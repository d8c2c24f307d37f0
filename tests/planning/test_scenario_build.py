from __future__ import annotations

import datetime as dt
import json

import pytest

from pushin.caseload.models import (
    FitWeight,
    Goal,
    GoalFitOverride,
    MandateVersion,
    Method,
    StudentUnavailability,
)
from pushin.district.models import (
    ActivityBlock,
    BusyTime,
    Closure,
    ExceptionKind,
    TimetableException,
)
from pushin.planning.scenario_build import IdMap, scenario_build
from pushin.scheduling.scenario import parse_scenario, scenario_to_dict
from pushin.vocabulary import Activity, Delivery, Domain, Weekday
from tests.factories import World, make_student

# A school week inside the test world's school year: Monday 2026-10-05.
MONDAY = dt.date(2026, 10, 5)
THURSDAY = MONDAY + dt.timedelta(days=3)


def build(world: World, week_of: dt.date | None = None):
    return scenario_build(district=world.district, providers=[world.provider], week_of=week_of)


def roundtrip(scenario):
    """Through JSON and the engine's own parser, as the task will read it."""
    return parse_scenario(json.loads(json.dumps(scenario_to_dict(scenario))))


def test_ids_are_opaque_and_map_back(pworld: World) -> None:
    scenario, id_map = build(pworld)
    parsed = roundtrip(scenario)
    student = parsed.students[0]
    assert [s.id for s in parsed.students] == [f"st{pworld.student.pk}"]
    assert student.provider == f"p{pworld.provider.pk}"
    assert student.classroom == f"c{pworld.classroom.pk}"
    goal = Goal.objects.get(iep__student=pworld.student)
    assert [g.id for g in student.goals] == [f"g{goal.pk}"]
    assert student.goals[0].domain == "handwriting"
    assert student.minutes_per_week == 60
    assert student.session_minutes == 30
    assert student.grouping == "group_ok"
    assert {s.id for s in parsed.schools} == {
        f"sch{pworld.school.pk}",
        f"sch{pworld.other_school.pk}",
    }
    assert parsed.travel_minutes(f"sch{pworld.school.pk}", f"sch{pworld.other_school.pk}") == 15
    blocks = {b.id: b for b in parsed.classroom_by_id[f"c{pworld.classroom.pk}"].blocks}
    writing = ActivityBlock.objects.get(classroom=pworld.classroom, day=Weekday.MON)
    assert blocks[f"b{writing.pk}"].start == 9 * 60
    assert blocks[f"b{writing.pk}"].activity == "writing"
    assert len(parsed.providers[0].available) == 5
    # Only the planned provider's students and their classrooms are in the scenario.
    assert f"c{pworld.other_classroom.pk}" not in parsed.classroom_by_id
    assert id_map.students == {f"st{pworld.student.pk}": pworld.student.pk}
    assert id_map.blocks[f"b{writing.pk}"] == writing.pk
    assert IdMap.from_json(json.loads(json.dumps(id_map.to_json()))) == id_map


def test_no_student_names_in_the_scenario(pworld: World) -> None:
    scenario, _ = build(pworld)
    text = json.dumps(scenario_to_dict(scenario))
    for student in (pworld.student, pworld.other_student):
        assert student.first_name not in text
        assert student.last_name not in text
        assert student.ref not in text


def test_busy_unavailable_and_daily_limit(pworld: World) -> None:
    BusyTime.objects.create(
        provider=pworld.provider, day=Weekday.TUE, start=dt.time(12), end=dt.time(12, 30)
    )
    StudentUnavailability.objects.create(
        student=pworld.student, day=Weekday.WED, start=dt.time(10), end=dt.time(10, 30)
    )
    pworld.provider.max_direct_minutes_per_day = 240
    pworld.provider.save()
    parsed = roundtrip(build(pworld)[0])
    provider = parsed.providers[0]
    assert [(b.day, b.start, b.end) for b in provider.busy] == [("tue", 720, 750)]
    assert provider.max_direct_minutes_per_day == 240
    assert [(u.day, u.start) for u in parsed.students[0].unavailable] == [("wed", 600)]


def test_dated_exceptions_apply_only_for_their_week(pworld: World) -> None:
    centers = ActivityBlock.objects.get(classroom=pworld.classroom, day=Weekday.THU)
    writing = ActivityBlock.objects.get(classroom=pworld.classroom, day=Weekday.MON)
    # This Thursday 10:15-10:30 is a test, in the middle of centers.
    TimetableException.objects.create(
        classroom=pworld.classroom,
        date=THURSDAY,
        start=dt.time(10, 15),
        end=dt.time(10, 30),
        kind=ExceptionKind.ACTIVITY,
        activity=Activity.TEST,
    )
    # This Monday's writing is cancelled from 09:00 to 09:30.
    TimetableException.objects.create(
        classroom=pworld.classroom,
        date=MONDAY,
        start=dt.time(9),
        end=dt.time(9, 30),
        kind=ExceptionKind.CANCELLED,
    )
    usual = roundtrip(build(pworld)[0])
    assert len(usual.classrooms[0].blocks) == 2

    scenario, id_map = build(pworld, week_of=THURSDAY)  # any day of the week will do
    week = roundtrip(scenario)
    spans = {(b.id, b.day, b.start, b.end, b.activity) for b in week.classrooms[0].blocks}
    test_id = next(b.id for b in week.classrooms[0].blocks if b.activity == "test")
    assert spans == {
        (f"b{writing.pk}", "mon", 570, 585, "writing"),
        (f"b{centers.pk}", "thu", 600, 615, "centers"),
        (test_id, "thu", 615, 630, "test"),
        (f"b{centers.pk}.2", "thu", 630, 645, "centers"),
    }
    assert id_map.week_of == MONDAY
    assert id_map.blocks[f"b{centers.pk}.2"] == centers.pk
    assert id_map.blocks[test_id] is None
    # The next week is the usual one.
    later = roundtrip(build(pworld, week_of=MONDAY + dt.timedelta(days=7))[0])
    assert len(later.classrooms[0].blocks) == 2


def test_closure_days_have_no_blocks_and_no_availability(pworld: World) -> None:
    Closure.objects.create(district=pworld.district, name="Teacher day", start=MONDAY, end=MONDAY)
    scenario, id_map = build(pworld, week_of=MONDAY)
    week = roundtrip(scenario)
    assert id_map.closed_days == ["mon"]
    assert {b.day for b in week.classrooms[0].blocks} == {"thu"}
    assert "mon" not in {w.day for w in week.providers[0].available}


def test_fit_edits_and_goal_overrides(pworld: World) -> None:
    FitWeight.objects.create(
        district=pworld.district, domain=Domain.HANDWRITING, activity=Activity.MATH, weight=0.9
    )
    goal = Goal.objects.get(iep__student=pworld.student)
    other_goal = Goal.objects.create(
        iep=goal.iep,
        domain=Domain.HANDWRITING,
        text="Copies from the board.",
        method=Method.PERCENT_TRIALS,
        target="80%",
    )
    GoalFitOverride.objects.create(goal=goal, activity=Activity.SCIENCE, weight=0.7)
    scenario, id_map = build(pworld)
    parsed = roundtrip(scenario)
    domains = {g.id: g.domain for g in parsed.students[0].goals}
    # The overridden goal has its own domain; its sibling keeps the shared one.
    assert domains == {f"g{goal.pk}": f"goal-{goal.pk}", f"g{other_goal.pk}": "handwriting"}
    assert id_map.synthetic_domains == {f"goal-{goal.pk}": goal.pk}
    assert parsed.fit_weight(f"goal-{goal.pk}", "science") == 0.7
    assert parsed.fit_weight(f"goal-{goal.pk}", "writing") == 1.0  # default kept
    assert parsed.fit_weight(f"goal-{goal.pk}", "math") == 0.9  # district edit kept
    assert parsed.fit_weight("handwriting", "math") == 0.9
    # The override stays with its goal: the shared row keeps the default (issue 11: 0.4).
    assert parsed.fit_weight("handwriting", "science") == 0.4


def test_consult_mandates_are_not_sessions(pworld: World) -> None:
    consult = make_student(
        ref="S-0003", classroom=pworld.classroom, provider=pworld.provider, first_name="Casey"
    )
    version = MandateVersion.objects.get(service__iep__student=consult)
    MandateVersion.objects.create(
        service=version.service,
        effective_from=version.effective_from + dt.timedelta(days=1),
        minutes=30,
        session_minutes=30,
        delivery=Delivery.CONSULT,
    )
    scenario, id_map = build(pworld, week_of=MONDAY)
    assert [s.id for s in scenario.students] == [f"st{pworld.student.pk}"]
    assert (consult.pk, pworld.provider.pk, "consult") in id_map.excluded


def test_mandate_version_in_force_for_the_week(pworld: World) -> None:
    version = MandateVersion.objects.get(service__iep__student=pworld.student)
    MandateVersion.objects.create(
        service=version.service,
        effective_from=dt.date(2026, 11, 2),
        minutes=90,
        session_minutes=30,
        delivery=Delivery.PULL_OUT,
    )
    before = roundtrip(build(pworld, week_of=MONDAY)[0]).students[0]
    after = roundtrip(build(pworld, week_of=dt.date(2026, 11, 9))[0]).students[0]
    assert (before.minutes_per_week, before.delivery) == (60, "push_in")
    assert (after.minutes_per_week, after.delivery, after.grouping) == (
        90,
        "pull_out",
        "individual",
    )


def test_all_providers_of_a_district(pworld: World) -> None:
    scenario, id_map = scenario_build(
        district=pworld.district, providers=[pworld.provider, pworld.other_provider]
    )
    parsed = roundtrip(scenario)
    assert {s.id for s in parsed.students} == {
        f"st{pworld.student.pk}",
        f"st{pworld.other_student.pk}",
    }
    assert len(parsed.classrooms) == 2
    assert set(id_map.providers.values()) == {pworld.provider.pk, pworld.other_provider.pk}


def test_build_is_a_handful_of_queries(pworld: World, django_assert_max_num_queries) -> None:
    for number in range(3, 23):
        make_student(ref=f"S-{number:04d}", classroom=pworld.classroom, provider=pworld.provider)
    with django_assert_max_num_queries(20):
        scenario, _ = build(pworld, week_of=MONDAY)
    assert len(scenario.students) == 21


@pytest.mark.parametrize("minutes", [300, 30 * 7])
def test_more_sessions_than_days_is_capped_and_reported(pworld: World, minutes: int) -> None:
    version = MandateVersion.objects.get(service__iep__student=pworld.student)
    MandateVersion.objects.create(
        service=version.service,
        effective_from=version.effective_from + dt.timedelta(days=1),
        minutes=minutes,
        session_minutes=30,
    )
    scenario, id_map = build(pworld, week_of=MONDAY)
    assert roundtrip(scenario).students[0].minutes_per_week == 150
    assert id_map.capped == {f"st{pworld.student.pk}": minutes - 150}
