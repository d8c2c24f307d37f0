"""record_amend: a signed record changes only by amendments that keep every old value."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from pushin.accounts.models import AuditEntry
from pushin.caseload.models import Goal
from pushin.sessions.models import Amendment
from pushin.sessions.services import (
    attendance_record,
    record_amend,
    session_note_set,
    session_sign,
)
from tests.sessions.factories import dated_session


@pytest.fixture
def signed(world):
    session = dated_session(world)
    record = session.members.get()
    attendance_record(actor=world.provider.user, record=record, attendance="delivered")
    session_note_set(actor=world.provider.user, record=record, note="Good focus")
    session_sign(actor=world.provider.user, session=session)
    record.refresh_from_db()
    return record


def test_amendments_keep_history_and_never_overwrite(world, signed):
    user = world.provider.user
    attendance_record(
        actor=user,
        record=signed,
        attendance="delivered",
        minutes=20,
        short_reason="student_unavailable",
        reason="Fire drill at 9:20",
    )
    attendance_record(
        actor=user, record=signed, attendance="student_absent", reason="Wrong student logged"
    )
    signed.refresh_from_db()
    # The record shows the amended values ...
    assert (signed.attendance, signed.minutes_delivered, signed.short_reason) == (
        "student_absent",
        0,
        "",
    )
    # ... and every step is kept, in order.
    history = list(
        Amendment.objects.filter(record=signed).values_list(
            "field", "old_value", "new_value", "reason"
        )
    )
    assert history == [
        ("minutes_delivered", 30, 20, "Fire drill at 9:20"),
        ("short_reason", "", "student_unavailable", "Fire drill at 9:20"),
        ("attendance", "delivered", "student_absent", "Wrong student logged"),
        ("minutes_delivered", 20, 0, "Wrong student logged"),
        ("short_reason", "student_unavailable", "", "Wrong student logged"),
    ]
    assert all(a.made_by == user for a in Amendment.objects.all())
    entries = AuditEntry.objects.filter(action="update", detail__has_key="amended")
    assert entries.count() == 2


def test_reason_is_required(world, signed):
    with pytest.raises(ValidationError) as error:
        record_amend(actor=world.provider.user, record=signed, values={"note": "x"}, reason=" ")
    assert error.value.message_dict == {"reason": ["Say why the signed record changes."]}
    assert not Amendment.objects.exists()


def test_same_value_makes_no_amendment(world, signed):
    assert (
        record_amend(
            actor=world.provider.user, record=signed, values={"note": "Good focus"}, reason="r"
        )
        == []
    )


def test_amended_state_must_still_be_valid(world, signed):
    with pytest.raises(ValidationError) as error:
        record_amend(
            actor=world.provider.user,
            record=signed,
            values={"minutes_delivered": 10},
            reason="Left early",
        )
    assert list(error.value.message_dict) == ["short_reason"]


def test_focus_goal_by_id_must_be_the_students(world, signed):
    foreign = Goal.objects.get(iep__student=world.other_student)
    with pytest.raises(ValidationError):
        record_amend(
            actor=world.provider.user,
            record=signed,
            values={"focus_goal": foreign.pk},
            reason="x",
        )


def test_only_signed_sessions_are_amended(world):
    record = dated_session(world).members.get()
    with pytest.raises(ValidationError) as error:
        record_amend(actor=world.provider.user, record=record, values={"note": "x"}, reason="r")
    assert error.value.messages == ["Only a signed session is amended; change the record directly."]


def test_unknown_fields_are_a_programming_error(world, signed):
    with pytest.raises(ValueError, match="not amendable"):
        record_amend(actor=world.provider.user, record=signed, values={"student": 1}, reason="r")
