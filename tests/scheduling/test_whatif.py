"""The capacity what-if's transforms (pushin/scheduling/whatif.py) on a hand-made week."""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest

from pushin.scheduling.plan import Plan, PlannedSession, plan_from_dict
from pushin.scheduling.scenario import (
    Block,
    Classroom,
    Goal,
    Provider,
    Scenario,
    School,
    Student,
    TravelLeg,
    Window,
    parse_scenario,
    scenario_to_dict,
)
from pushin.scheduling.solve import solve
from pushin.scheduling.whatif import (
    SYNTHETIC_PREFIX,
    WhatIfError,
    add_students,
    caseload_of,
    groups_to_individual,
    outcome,
    remove_school,
    remove_students,
)


def _student(ident: str, room: str, minutes: int, *domains: str, **terms: object) -> Student:
    return Student(
        id=ident,
        classroom=room,
        provider="p1",
        goals=tuple(Goal(f"{ident}-g{n}", d) for n, d in enumerate(domains)),
        minutes_per_week=minutes,
        session_minutes=30,
        **terms,  # type: ignore[arg-type]
    )


def week() -> Scenario:
    """Two schools. Room a1 (Maple) has two 60-minute blocks, room for four 30-minute
    sessions a week, and four students: st1 and st5 group mandates (60 min each), st2
    individual (30), st3 a group pull-out (30). Room b1 (Cedar) has st4, a group mandate
    of 60 minutes in groups of at most two. Thursdays are the provider's at Maple."""
    blocks = {
        "a1": (
            Block("a1-mon", "mon", 540, 600, "writing"),
            Block("a1-thu", "thu", 600, 660, "centers"),
        ),
        "b1": (
            Block("b1-mon", "mon", 660, 705, "writing"),
            Block("b1-fri", "fri", 600, 645, "centers"),
        ),
    }
    return Scenario(
        schools=(School("s1", "Maple"), School("s2", "Cedar")),
        providers=(
            Provider(
                "p1",
                "A. Rivera",
                available=(
                    Window("thu", 480, 900, "s1"),
                    *(Window(d, 480, 900) for d in ("mon", "tue", "wed", "fri")),
                ),
            ),
        ),
        classrooms=(
            Classroom("a1", "s1", "B. Chen", blocks["a1"]),
            Classroom("b1", "s2", "C. Diaz", blocks["b1"]),
        ),
        students=(
            _student("st1", "a1", 60, "handwriting", grouping="group_ok", comfort="small_group"),
            _student("st2", "a1", 30, "fine_motor", "sensory"),
            _student("st3", "a1", 30, "attention", delivery="pull_out", grouping="group_ok"),
            _student("st4", "b1", 60, "social", grouping="group_ok", max_group=2),
            _student("st5", "a1", 60, "handwriting", grouping="group_ok"),
        ),
        travel=(TravelLeg("s1", "s2", 20),),
    )


def _valid(scenario: Scenario) -> Scenario:
    """Written out and read back by the engine's own parser: the scenario is valid."""
    return parse_scenario(scenario_to_dict(scenario))


def test_added_students_follow_the_caseloads_mix() -> None:
    base = week()
    grown = add_students(base, 400, seed=3)
    assert len(grown.students) == 405
    assert grown.students[:5] == base.students
    added = grown.students[5:]
    assert len({s.id for s in grown.students}) == 405
    assert all(s.id.startswith(SYNTHETIC_PREFIX) for s in added)
    # Every term comes from a student of the caseload...
    terms = {
        (s.minutes_per_week, s.session_minutes, s.delivery, s.grouping, s.max_group, s.comfort)
        for s in base.students
    }
    for student in added:
        assert (
            student.minutes_per_week,
            student.session_minutes,
            student.delivery,
            student.grouping,
            student.max_group,
            student.comfort,
        ) in terms
        assert tuple(g.domain for g in student.goals) in {
            tuple(g.domain for g in s.goals) for s in base.students
        }
        assert len({g.id for g in student.goals}) == len(student.goals)
        assert student.unavailable == ()
    # ... in the caseload's proportions: room a1 holds 4 of 5 students, so about 4/5 of
    # the added students go there (400 draws: 320 expected, well inside 280..360).
    rooms = Counter(s.classroom for s in added)
    assert set(rooms) == {"a1", "b1"}
    assert 280 <= rooms["a1"] <= 360
    minutes = Counter(s.minutes_per_week for s in added)
    assert 200 <= minutes[60] <= 280  # 3 of the 5 have 60 minutes: 240 expected
    assert _valid(grown).students == grown.students


def test_adding_is_deterministic_and_nested() -> None:
    base = week()
    assert add_students(base, 12, seed=1) == add_students(base, 12, seed=1)
    assert add_students(base, 12, seed=1) != add_students(base, 12, seed=2)
    # The students added for 5 are the first 5 of those added for 12.
    assert add_students(base, 12, seed=1).students[:10] == add_students(base, 5, seed=1).students
    assert add_students(base, 0, seed=1).students == base.students


def test_removing_students_is_seeded_and_nested() -> None:
    base = add_students(week(), 15, seed=0)
    fewer = remove_students(base, 5, seed=4)
    assert len(fewer.students) == 15
    assert set(fewer.students) <= set(base.students)
    assert remove_students(base, 5, seed=4) == fewer
    assert set(remove_students(base, 9, seed=4).students) < set(fewer.students)
    assert remove_students(base, 20, seed=4).students == ()
    with pytest.raises(WhatIfError, match="cannot remove 21 of 20"):
        remove_students(base, 21, seed=4)


def test_caseload_of_a_size() -> None:
    base = week()
    assert len(caseload_of(base, 10, seed=0).students) == 10
    assert caseload_of(base, 10, seed=0) == add_students(base, 5, seed=0)
    assert caseload_of(base, 2, seed=0) == remove_students(base, 3, seed=0)
    assert caseload_of(base, 5, seed=0).students == base.students
    with pytest.raises(WhatIfError):
        caseload_of(base, -1, seed=0)


def test_an_empty_caseload_has_no_mix() -> None:
    empty = remove_students(week(), 5, seed=0)
    with pytest.raises(WhatIfError, match="no students to draw a mix from"):
        add_students(empty, 1, seed=0)


def test_remove_a_school() -> None:
    base = week()
    without = remove_school(base, "s1")
    assert [s.id for s in without.schools] == ["s2"]
    assert [room.id for room in without.classrooms] == ["b1"]
    assert [s.id for s in without.students] == ["st4"]  # the others leave with room a1
    assert without.travel == ()
    # Thursday was the provider's at Maple: it stays theirs, at any school.
    windows = without.providers[0].available
    assert len(windows) == 5
    assert all(window.school is None for window in windows)
    assert _valid(without).students == without.students
    # Their minutes are not counted any more.
    assert sum(s.minutes_per_week for s in without.students) == 60
    with pytest.raises(WhatIfError, match="no school 's9'"):
        remove_school(base, "s9")


def test_groups_become_individual_push_in() -> None:
    base = week()
    single = groups_to_individual(base)
    assert [(s.id, s.grouping, s.delivery) for s in single.students] == [
        ("st1", "individual", "push_in"),
        ("st2", "individual", "push_in"),
        ("st3", "individual", "push_in"),  # was a group pull-out
        ("st4", "individual", "push_in"),
        ("st5", "individual", "push_in"),
    ]
    # Only grouping and delivery change: minutes, goals and rooms stay.
    for before, after in zip(base.students, single.students, strict=True):
        assert (before.minutes_per_week, before.goals, before.classroom) == (
            after.minutes_per_week,
            after.goals,
            after.classroom,
        )
    assert groups_to_individual(single) == single


def test_transforms_drop_a_previous_plan_and_pins() -> None:
    session = PlannedSession("sess-1", "p1", "a1", "a1-mon", "mon", 540, 570, "push_in", ("st1",))
    base = week()
    planned = Scenario(
        **{**base.__dict__, "previous_plan": Plan("optimal", (session,)), "pinned": ("sess-1",)}
    )
    for changed in (
        add_students(planned, 1, seed=0),
        remove_students(planned, 1, seed=0),
        remove_school(planned, "s2"),
        groups_to_individual(planned),
    ):
        assert changed.previous_plan is None
        assert changed.pinned == ()


def test_outcome_counts_what_a_plan_leaves_short() -> None:
    # Room a1 has room for four 30-minute sessions a week. As it is, st1 and st5 share
    # two, st2 has one alone and st3 one pull-out: everybody is seen.
    base = week()
    seen = outcome(base, solve(base, time_limit=5, workers=2))
    assert seen.students == 5
    assert seen.mandated_minutes == 240
    assert (seen.short_students, seen.short_minutes) == (0, 0)
    assert seen.scheduled_minutes == 240
    assert seen.all_seen
    # Every group individual: a1's students need six sessions, so 60 minutes stay short.
    single = groups_to_individual(base)
    alone = outcome(single, solve(single, time_limit=5, workers=2))
    assert alone.short_minutes == 60
    assert alone.short_students in (1, 2)
    assert not alone.all_seen
    assert alone.scheduled_minutes == 180


def test_outcome_figures_from_a_known_plan() -> None:
    base = week()
    plan = plan_from_dict(
        {
            "format": "pushin-plan/1",
            "status": "feasible",
            "sessions": [
                {"id": "x1", "provider": "p1", "classroom": "a1", "block": "a1-mon", "day": "mon",
                 "start": "09:00", "end": "09:30", "delivery": "push_in",
                 "students": ["st1", "st5"], "focus": {"st1": "st1-g0", "st5": "st5-g0"}},
                {"id": "x2", "provider": "p1", "classroom": "b1", "block": "b1-mon", "day": "mon",
                 "start": "11:00", "end": "11:30", "delivery": "push_in", "students": ["st4"],
                 "focus": {"st4": "st4-g0"}},
                {"id": "x3", "provider": "p1", "classroom": "a1", "block": "a1-thu", "day": "thu",
                 "start": "10:00", "end": "10:30", "delivery": "push_in", "students": ["st1"],
                 "focus": {"st1": "st1-g0"}},
            ],
            "shortfalls": [],
            "stats": {},
        }
    )  # fmt: skip
    figures = outcome(base, plan)
    # st1 60 of 60, st2 0 of 30, st3 0 of 30, st4 30 of 60, st5 30 of 60.
    assert figures.scheduled_minutes == 60 + 30 + 30
    assert (figures.short_students, figures.short_minutes) == (4, 30 + 30 + 30 + 30)
    # Monday: Maple at 09:00, then Cedar at 11:00: one 20-minute drive.
    assert figures.travel_minutes == 20
    assert figures.provider_minutes == 3 * 30 + 20
    # A feasible plan that does not say which level it left unproven proves nothing.
    assert figures.status == "feasible"
    assert (figures.short_proven, figures.short_minutes_bound) == (False, 0)


def test_outcome_reads_what_the_solver_proved() -> None:
    base = week()
    plan = solve(base, time_limit=5, workers=2)
    assert plan.status == "optimal"
    assert (outcome(base, plan).short_proven, outcome(base, plan).short_minutes_bound) == (True, 0)

    def cut(level: str | None, bound: float | None) -> tuple[bool, int]:
        stats = dataclasses.replace(
            plan.stats, unproven_level=level, bound=bound, shortfall_minutes=0
        )
        figures = outcome(base, dataclasses.replace(plan, status="feasible", stats=stats))
        return figures.short_proven, figures.short_minutes_bound

    # The shortfall proven, a later level (fit) cut short: the shortfall is exact.
    assert cut("fit_minutes", 812.5) == (True, 0)
    # The shortfall itself cut short: what is proven is the bound, never above the plan's.
    single = groups_to_individual(base)
    short = solve(single, time_limit=5, workers=2)
    stats = dataclasses.replace(short.stats, unproven_level="shortfall", bound=29.5)
    figures = outcome(single, dataclasses.replace(short, status="feasible", stats=stats))
    assert (figures.short_proven, figures.short_minutes, figures.short_minutes_bound) == (
        False,
        60,
        30,
    )
    stats = dataclasses.replace(short.stats, unproven_level="shortfall", bound=90.0)
    figures = outcome(single, dataclasses.replace(short, status="feasible", stats=stats))
    assert figures.short_minutes_bound == 60
    assert cut("shortfall", None) == (False, 0)
