"""Issue 14 and 11 through planning: a transition-program room and a preschool room go into
the scenario with their grades' activities, and the engine places goals at the new
defaults (a fine-motor goal in a science block, a work task, a lab)."""

from __future__ import annotations

import datetime as dt

from pushin.caseload.models import Goal
from pushin.collaboration.printables import ruling_for
from pushin.collaboration.selectors import printable_url, student_grade
from pushin.district.models import ActivityBlock
from pushin.planning.scenario_build import scenario_build
from pushin.scheduling.check import check_plan
from pushin.scheduling.solve import solve
from pushin.vocabulary import Activity, Domain, Weekday
from tests.factories import World


def _only_block(world: World, activity: str, day: str = Weekday.TUE) -> None:
    ActivityBlock.objects.filter(classroom=world.classroom).delete()
    ActivityBlock.objects.create(
        classroom=world.classroom,
        day=day,
        start=dt.time(9),
        end=dt.time(9, 50),
        activity=activity,
    )


def _plan(world: World):
    scenario, _ = scenario_build(district=world.district, providers=[world.provider])
    plan = solve(scenario, time_limit=5)
    assert check_plan(scenario, plan) == []
    return scenario, plan


def test_a_fine_motor_goal_is_scheduled_in_science(pworld: World) -> None:
    """Science weighed 0 before issue 11; now a fine-motor goal is seen there."""
    Goal.objects.filter(iep__student=pworld.student).update(domain=Domain.FINE_MOTOR)
    _only_block(pworld, Activity.SCIENCE)
    scenario, plan = _plan(pworld)
    mine = [s for s in plan.sessions if f"st{pworld.student.pk}" in s.students]
    assert mine, plan.shortfalls
    room = scenario.classroom_by_id[f"c{pworld.classroom.pk}"]
    assert {b.activity for b in room.blocks if b.id in {s.block for s in mine}} == {"science"}
    assert plan.stats.fit_minutes >= 0.7 * 30


def test_a_transition_program_room_plans_at_work_tasks(pworld: World) -> None:
    pworld.classroom.grade = "18-22"
    pworld.classroom.save()
    pworld.student.grade = "18-22"
    pworld.student.save()
    Goal.objects.filter(iep__student=pworld.student).update(domain=Domain.SELF_CARE)
    _only_block(pworld, Activity.VOCATIONAL)
    scenario, plan = _plan(pworld)
    room = scenario.classroom_by_id[f"c{pworld.classroom.pk}"]
    assert [b.activity for b in room.blocks] == ["vocational"]
    assert any(f"st{pworld.student.pk}" in s.students for s in plan.sessions)
    # and its paper is the secondary ruling, not the preschool one
    assert student_grade(pworld.student) == "18-22"
    url = printable_url("raised_line", student_grade(pworld.student))
    assert url is not None
    assert "grade=18-22" in url
    assert ruling_for("18-22").height < ruling_for("PK3").height


def test_a_preschool_room_keeps_its_grade_and_wide_paper(pworld: World) -> None:
    pworld.classroom.grade = "PK3"
    pworld.classroom.save()
    pworld.student.grade = ""
    pworld.student.save()
    assert student_grade(pworld.student) == "PK3"  # the classroom's
    url = printable_url("bold_lines", student_grade(pworld.student))
    assert url is not None
    assert "grade=PK3" in url
    assert ruling_for("PK3").height == 1.25 * 72
    scenario, _ = scenario_build(district=pworld.district, providers=[pworld.provider])
    assert f"st{pworld.student.pk}" in {s.id for s in scenario.students}


def test_a_student_without_a_known_grade_gets_the_chooser(pworld: World) -> None:
    chooser = printable_url("box", "")
    assert chooser is not None
    assert "grade=" not in chooser
    assert printable_url("box", "14") == chooser
