"""The demo district reaches past elementary school (issue 14): a middle school and a
transition program, with secondary timetables, older students' goals and mandates, and a
plan that places them at the new activities."""

from __future__ import annotations

import pytest

from pushin.caseload.models import Student
from pushin.demo.district import demo_district_load
from pushin.demo.secondary import ROOMS, SCHOOLS, with_secondary_programs
from pushin.district.models import ActivityBlock, Classroom, District, School
from pushin.planning.scenario_build import scenario_build
from pushin.scheduling.check import check_plan
from pushin.scheduling.generate import generate_preset
from pushin.scheduling.scenario import parse_scenario, scenario_to_dict
from pushin.scheduling.solve import solve

pytestmark = pytest.mark.django_db


def test_the_secondary_world_is_valid_and_solves() -> None:
    world = with_secondary_programs(generate_preset("tiny"))
    scenario = parse_scenario(scenario_to_dict(world))  # the format's checks pass
    older = [s for s in scenario.students if s.classroom in ROOMS]
    assert len(older) == 7
    plan = solve(scenario, time_limit=10)
    assert check_plan(scenario, plan) == []
    placed = {
        (session.classroom, block.activity)
        for session in plan.sessions
        if session.classroom in ROOMS
        for room in scenario.classrooms
        if room.id == session.classroom
        for block in room.blocks
        if block.id == session.block
    }
    activities = {activity for _, activity in placed}
    # Older students are seen at the secondary and transition activities.
    assert activities & {"lab", "lecture", "vocational", "community_outing", "class_change"}


def test_small_demo_has_a_middle_school_and_a_transition_program() -> None:
    summary = demo_district_load(size="small")
    district = District.objects.get(pk=summary.district_id)
    schools = {school.name: school for school in School.objects.filter(district=district)}
    assert {s.name for s in SCHOOLS.values()} <= set(schools)
    middle = schools["Bluestone Middle School"]
    program = schools["Riverbend Transition Program"]
    assert sorted(Classroom.objects.filter(school=middle).values_list("grade", flat=True)) == [
        "6",
        "8",
    ]
    room = Classroom.objects.get(school=program)
    assert room.grade == "18-22"
    activities = set(
        ActivityBlock.objects.filter(classroom=room).values_list("activity", flat=True)
    )
    assert {"vocational", "community_outing"} <= activities
    middle_activities = set(
        ActivityBlock.objects.filter(classroom__school=middle).values_list("activity", flat=True)
    )
    assert {"lecture", "lab", "class_change"} <= middle_activities

    older = Student.objects.filter(classroom__school__in=[middle, program]).prefetch_related(
        "ieps__goals", "ieps__services__versions", "providers"
    )
    assert older.count() == 7
    assert sorted({s.grade for s in older}) == ["18-22", "6", "8"]
    for student in older:
        assert student.providers.exists()
        iep = student.ieps.get()
        assert iep.goals.exists()
        assert iep.services.get().versions.exists()
    texts = [g.text for s in older.filter(grade="18-22") for g in s.ieps.get().goals.all()]
    assert any("work site" in text or "packaging" in text for text in texts)

    # Planning reads them: the scenario the app builds carries the new grades' rooms.
    provider = older[0].providers.get()
    scenario, id_map = scenario_build(district=district, providers=[provider])
    planned = {id_map.students[s.id] for s in scenario.students}
    assert {s.pk for s in older} <= planned
    activities = {block.activity for room in scenario.classrooms for block in room.blocks}
    assert {"vocational", "community_outing", "lab", "lecture", "class_change"} <= activities
