"""data_point_add and data_point_undo: one observation per tap, in the goal's method."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from pushin.accounts.models import AuditEntry
from pushin.caseload.models import Goal, Method
from pushin.sessions.models import Amendment, DataPoint, SessionStatus
from pushin.sessions.services import attendance_record, data_point_add, data_point_undo
from tests.sessions.factories import dated_session


@pytest.fixture
def record(world):
    return dated_session(world).members.get()


def _method(record, method):
    Goal.objects.filter(pk=record.focus_goal_id).update(method=method)


def test_trial_marks_the_student_delivered(world, record):
    point = data_point_add(actor=world.provider.user, record=record, correct=True)
    assert (point.kind, point.correct, point.goal_id) == ("trial", True, record.focus_goal_id)
    assert point.recorded_by == world.provider.user
    record.refresh_from_db()
    assert (record.attendance, record.minutes_delivered) == ("delivered", 30)
    assert record.session.status == SessionStatus.LOGGED
    entry = AuditEntry.objects.get(object_type="therapy_sessions.datapoint")
    assert entry.action == "create"
    assert entry.detail == {
        "session": record.session_id,
        "record": record.pk,
        "kind": "trial",
        "late": False,
    }


def test_trial_needs_correct_or_not(world, record):
    with pytest.raises(ValidationError) as error:
        data_point_add(actor=world.provider.user, record=record)
    assert error.value.message_dict == {"correct": ["Tap ✓ correct or ✗ not yet."]}
    assert not DataPoint.objects.exists()


@pytest.mark.parametrize(
    ("method", "kwargs", "expected"),
    [
        (Method.PROMPT_LEVEL, {"prompt": "verbal"}, ("prompt", "verbal", None, "")),
        (Method.RUBRIC, {"value": 3}, ("rubric", "", 3, "")),
        (Method.DURATION, {"value": 95}, ("duration", "", 95, "")),
        (Method.LATENCY, {"value": 12}, ("duration", "", 12, "")),
        (Method.FREQUENCY, {}, ("frequency", "", 1, "")),
        (Method.NARRATIVE, {"text": " Copied 3 words "}, ("narrative", "", None, "Copied 3 words")),
    ],
)
def test_each_method(world, record, method, kwargs, expected):
    _method(record, method)
    point = data_point_add(actor=world.provider.user, record=record, **kwargs)
    assert (point.kind, point.prompt, point.value, point.text) == expected


@pytest.mark.parametrize(
    ("method", "kwargs", "field"),
    [
        (Method.PROMPT_LEVEL, {"prompt": "shouting"}, "prompt"),
        (Method.RUBRIC, {"value": 5}, "value"),
        (Method.DURATION, {}, "value"),
        (Method.FREQUENCY, {"value": 0}, "value"),
        (Method.NARRATIVE, {"text": "   "}, "text"),
    ],
)
def test_bad_values_are_refused(world, record, method, kwargs, field):
    _method(record, method)
    with pytest.raises(ValidationError) as error:
        data_point_add(actor=world.provider.user, record=record, **kwargs)
    assert list(error.value.message_dict) == [field]


def test_no_data_without_a_goal_named_or_a_focus_goal(world, record):
    record.focus_goal = None
    record.save()
    with pytest.raises(ValidationError) as error:
        data_point_add(actor=world.provider.user, record=record, correct=True)
    assert error.value.message_dict == {"goal": ["Choose the goal this data is for."]}
    goal = Goal.objects.get(iep__student=record.student)
    point = data_point_add(actor=world.provider.user, record=record, goal=goal, correct=True)
    assert point.goal == goal


def test_data_for_each_goal_worked_on_in_one_session(world, record):
    """Not one focus goal at a time: each point names its goal, in that goal's method."""
    focus = Goal.objects.get(pk=record.focus_goal_id)
    second = Goal.objects.create(
        iep=focus.iep,
        domain="self_care",
        text="Unpacks at arrival.",
        method=Method.PROMPT_LEVEL,
        target="independent",
    )
    actor = world.provider.user
    data_point_add(actor=actor, record=record, correct=True)
    data_point_add(actor=actor, record=record, goal=second, prompt="verbal")
    data_point_add(actor=actor, record=record, goal=focus, correct=False)
    data_point_add(actor=actor, record=record, goal=second, prompt="independent")
    assert list(DataPoint.objects.order_by("pk").values_list("goal_id", "kind")) == [
        (focus.pk, "trial"),
        (second.pk, "prompt"),
        (focus.pk, "trial"),
        (second.pk, "prompt"),
    ]
    # A prompt goal takes a prompt level, whatever the focus goal's method.
    with pytest.raises(ValidationError) as error:
        data_point_add(actor=actor, record=record, goal=second, correct=True)
    assert list(error.value.message_dict) == ["prompt"]


def test_no_data_for_another_students_goal(world, record):
    theirs = Goal.objects.get(iep__student=world.other_student)
    with pytest.raises(ValidationError) as error:
        data_point_add(actor=world.provider.user, record=record, goal=theirs, correct=True)
    assert error.value.message_dict == {"goal": ["Choose one of this student's goals."]}
    assert not DataPoint.objects.exists()


def test_no_data_for_an_absent_student(world, record):
    attendance_record(actor=world.provider.user, record=record, attendance="student_absent")
    with pytest.raises(ValidationError) as error:
        data_point_add(actor=world.provider.user, record=record, correct=True)
    assert error.value.message_dict == {
        "attendance": [
            "This student is marked “Student absent”: record them as delivered before taking data."
        ]
    }


def test_undo_removes_the_last_point_only(world, record):
    first = data_point_add(actor=world.provider.user, record=record, correct=True)
    data_point_add(actor=world.provider.user, record=record, correct=False)
    removed = data_point_undo(actor=world.provider.user, record=record)
    assert removed.correct is False
    assert list(DataPoint.objects.values_list("pk", flat=True)) == [first.pk]
    entry = AuditEntry.objects.get(object_type="therapy_sessions.datapoint", action="delete")
    assert entry.student_id == world.student.pk
    assert not Amendment.objects.exists()  # before signing an undo is just a correction


def test_undo_with_nothing_to_undo(world, record):
    with pytest.raises(ValidationError) as error:
        data_point_undo(actor=world.provider.user, record=record)
    assert error.value.messages == ["There is no data to undo."]


def test_after_signing_data_is_a_late_entry_and_undo_an_amendment(world, record):
    data_point_add(actor=world.provider.user, record=record, correct=True)
    record.session.status = SessionStatus.SIGNED
    record.session.save()
    late = data_point_add(actor=world.provider.user, record=record, correct=False)
    amendment = Amendment.objects.get()
    assert (amendment.field, amendment.old_value, amendment.reason) == ("data", None, "Late entry")
    assert amendment.new_value == {
        "id": late.pk,
        "goal": record.focus_goal_id,
        "kind": "trial",
        "correct": False,
        "prompt": "",
        "value": None,
        "text": "",
    }
    with pytest.raises(ValidationError) as error:
        data_point_undo(actor=world.provider.user, record=record)
    assert "reason" in error.value.message_dict
    data_point_undo(actor=world.provider.user, record=record, reason="Tapped the wrong student")
    removal = Amendment.objects.order_by("pk").last()
    assert removal is not None
    assert (removal.field, removal.new_value) == ("data", None)
    assert removal.old_value == {**amendment.new_value}  # the removed point, kept
    assert Amendment.objects.count() == 2  # both kept


def test_trial_summary_counts_trials_only_after_a_method_change(world, record):
    """A goal whose method changed keeps its old points; they are not trials."""
    from pushin.sessions.selectors import record_detail

    _method(record, Method.NARRATIVE)
    data_point_add(actor=world.provider.user, record=record, text="Copied the date")
    _method(record, Method.PERCENT_TRIALS)
    for correct in (True, True, False):
        data_point_add(actor=world.provider.user, record=record, correct=correct)
    record.refresh_from_db()
    summary = record_detail(record, record.session.date).summary
    assert summary is not None
    assert (summary.correct, summary.trials) == (2, 3)
