"""session_flags: a dated exception over a session, said before the provider arrives."""

from __future__ import annotations

import datetime as dt

from pushin.caseload.models import FitWeight, Goal, GoalFitOverride
from pushin.district.models import TimetableException
from pushin.sessions.selectors import session_flags, sessions_of
from pushin.vocabulary import Activity
from tests.sessions.factories import (
    MONDAY,
    THURSDAY,
    add_student,
    standing_schedule,
    standing_session,
    stored_ahead,
)


def _thursday(world, students=None):
    schedule = standing_schedule(world.provider)
    standing_session(
        schedule,
        classroom=world.classroom,
        day="thu",
        start=dt.time(10),
        end=dt.time(10, 45),
        students=students or [world.student],
    )
    stored_ahead(world.provider, before=THURSDAY)
    return list(sessions_of(world.provider, THURSDAY, THURSDAY))


def _exception(world, **kwargs):
    values = {
        "classroom": world.classroom,
        "date": THURSDAY,
        "start": dt.time(10),
        "end": dt.time(10, 45),
        "activity": Activity.TEST,
    }
    values.update(kwargs)
    return TimetableException.objects.create(**values)


def test_a_test_does_not_fit_the_handwriting_goal(world):
    (session,) = _thursday(world)
    _exception(world)
    flags = session_flags([session])
    (flag,) = flags[session.pk]
    assert flag.level == "warn"
    assert flag.message == (
        "Thu Dec 3 10:00-10:45 is a test in Room 2A: the handwriting goal does not fit a test; "
        "re-plan or log as unavailable."
    )


def test_no_exception_no_flag_in_one_query(world, django_assert_num_queries):
    sessions = _thursday(world)
    with django_assert_num_queries(1):
        assert session_flags(sessions) == {}


def test_other_days_rooms_and_times_do_not_flag(world):
    sessions = _thursday(world)
    _exception(world, date=MONDAY + dt.timedelta(days=2))
    _exception(world, classroom=world.other_classroom)
    _exception(world, start=dt.time(10, 45), end=dt.time(11, 30))  # touches, no overlap
    assert session_flags(sessions) == {}


def test_a_partial_overlap_flags(world):
    (session,) = _thursday(world)
    _exception(world, start=dt.time(10, 30), end=dt.time(11), activity=Activity.ASSEMBLY)
    (flag,) = session_flags([session])[session.pk]
    assert flag.message.startswith("Thu Dec 3 10:30-11:00 is an assembly in Room 2A")


def test_cancelled_block(world, django_assert_num_queries):
    sessions = _thursday(world)
    _exception(world, kind="cancelled", activity="", note="Field trip")
    with django_assert_num_queries(1):
        flags = session_flags(sessions)
    (flag,) = flags[sessions[0].pk]
    assert flag.message == (
        "Thu Dec 3 10:00-10:45: the class activity in Room 2A is cancelled (Field trip); "
        "re-plan or log as unavailable."
    )


def test_an_activity_that_still_fits_is_information(world):
    sessions = _thursday(world)
    _exception(world, activity=Activity.ART)
    (flag,) = session_flags(sessions)[sessions[0].pk]
    assert flag.level == "info"
    assert flag.message == (
        "Thu Dec 3 10:00-10:45 is art in Room 2A: the handwriting goal still fits; adjust the plan."
    )


def test_district_edits_and_goal_overrides_count(world):
    sessions = _thursday(world)
    _exception(world, activity=Activity.ART)
    FitWeight.objects.create(
        district=world.district, domain="handwriting", activity=Activity.ART, weight=0
    )
    assert session_flags(sessions)[sessions[0].pk][0].level == "warn"
    goal = Goal.objects.get(iep__student=world.student)
    GoalFitOverride.objects.create(goal=goal, activity=Activity.ART, weight=0.5)
    assert session_flags(sessions)[sessions[0].pk][0].level == "info"


def test_group_lists_the_goals_that_do_not_fit(world):
    second = add_student(world)
    Goal.objects.filter(iep__student=second).update(domain="test_taking")
    third = add_student(world, ref="S-0004", first_name="Eli")
    Goal.objects.filter(iep__student=third).update(domain="sensory")
    sessions = _thursday(world, [world.student, second, third])
    _exception(world)
    (flag,) = session_flags(sessions)[sessions[0].pk]
    assert "the handwriting and sensory regulation goals do not fit a test" in flag.message
