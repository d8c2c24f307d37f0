"""session_plan_set: the focus goal and the strategy to try, changeable on arrival."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from pushin.accounts.models import AuditEntry
from pushin.caseload.models import IEP, Goal, Method
from pushin.collaboration.models import Strategy, StudentStrategy
from pushin.sessions.models import Amendment, SessionStatus
from pushin.sessions.services import session_plan_set
from tests.sessions.factories import dated_session


@pytest.fixture
def record(world):
    return dated_session(world).members.get()


@pytest.fixture
def slant_board(world):
    # The district's starter library (seeded with the district) has it.
    strategy = Strategy.objects.get(district=world.district, name="Slant board")
    StudentStrategy.objects.create(student=world.student, strategy=strategy)
    return strategy


def _second_goal(world) -> Goal:
    iep = IEP.objects.get(student=world.student)
    return Goal.objects.create(
        iep=iep,
        domain="sensory",
        text="Stays regulated in group work.",
        method=Method.RUBRIC,
        target="3 of 4",
    )


def test_sets_focus_strategy_and_words(world, record, slant_board):
    goal = _second_goal(world)
    result = session_plan_set(
        actor=world.provider.user,
        record=record,
        focus_goal=goal,
        strategy=slant_board,
        strategy_text="  then a movement break ",
    )
    record.refresh_from_db()
    assert (record.focus_goal, record.strategy, record.strategy_text) == (
        goal,
        slant_board,
        "then a movement break",
    )
    assert result.pk == record.pk
    entry = AuditEntry.objects.get(object_type="therapy_sessions.sessionstudent", action="update")
    assert entry.student_id == world.student.pk
    assert entry.detail == {
        "session": record.session_id,
        "fields": ["focus_goal", "strategy", "strategy_text"],
    }
    assert record.session.status == SessionStatus.PLANNED  # a plan is not a log


def test_unchanged_plan_writes_nothing(world, record):
    session_plan_set(
        actor=world.provider.user, record=record, focus_goal=record.focus_goal, strategy=None
    )
    assert not AuditEntry.objects.filter(action="update").exists()


def test_goal_of_another_student_is_refused(world, record):
    foreign = Goal.objects.get(iep__student=world.other_student)
    with pytest.raises(ValidationError) as error:
        session_plan_set(
            actor=world.provider.user, record=record, focus_goal=foreign, strategy=None
        )
    assert error.value.message_dict == {"focus_goal": ["Choose one of this student's goals."]}
    record.refresh_from_db()
    assert record.focus_goal != foreign


def test_strategy_not_chosen_for_the_student_is_refused(world, record):
    other = Strategy.objects.create(
        district=world.district, name="Fidget of ours", how_to="Hold it."
    )
    with pytest.raises(ValidationError) as error:
        session_plan_set(
            actor=world.provider.user, record=record, focus_goal=record.focus_goal, strategy=other
        )
    assert "strategy" in error.value.message_dict


def test_after_signing_the_change_is_an_amendment(world, record):
    record.session.status = SessionStatus.SIGNED
    record.session.save()
    record.attendance, record.minutes_delivered = "delivered", 30
    record.save()
    old_goal = record.focus_goal
    goal = _second_goal(world)
    with pytest.raises(ValidationError) as error:
        session_plan_set(actor=world.provider.user, record=record, focus_goal=goal, strategy=None)
    assert error.value.message_dict == {"reason": ["Say why the signed record changes."]}
    session_plan_set(
        actor=world.provider.user,
        record=record,
        focus_goal=goal,
        strategy=None,
        reason="Student was dysregulated; worked on regulation",
    )
    record.refresh_from_db()
    assert record.focus_goal == goal
    (amendment,) = Amendment.objects.filter(record=record)
    assert (amendment.field, amendment.old_value, amendment.new_value) == (
        "focus_goal",
        old_goal.pk,
        goal.pk,
    )
    assert amendment.made_by == world.provider.user
