"""session_call_off and session_call_off_undo: a session called off before it starts."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from pushin.accounts.models import AuditAction, AuditEntry
from pushin.sessions.models import SessionStatus
from pushin.sessions.services import (
    attendance_record,
    session_call_off,
    session_call_off_undo,
    session_sign,
)
from pushin.vocabulary import MissReason
from tests.sessions.factories import add_student
from tests.sessions.timing import HAS_STARTED, NEEDS_REASON, THURSDAY, at, upcoming


def test_calling_off_ahead_records_every_students_miss_and_the_reason(world):
    second = add_student(world)
    session = upcoming(world, students=[world.student, second])
    called = session_call_off(
        actor=world.provider.user,
        session=session,
        attendance=MissReason.PROVIDER_ABSENT,
        reason="  Out for a training day  ",
    )
    session.refresh_from_db()
    assert called.pk == session.pk
    assert session.cancel_reason == "Out for a training day"
    assert session.is_called_off
    assert session.status == SessionStatus.LOGGED
    assert {(r.attendance, r.minutes_delivered, r.short_reason) for r in session.members.all()} == {
        (MissReason.PROVIDER_ABSENT, 0, "")
    }
    entries = AuditEntry.objects.filter(action=AuditAction.UPDATE).order_by("student_id")
    assert [e.student_id for e in entries] == sorted([world.student.pk, second.pk])
    assert entries[0].detail == {
        "session": session.pk,
        "fields": ["attendance", "minutes_delivered"],
        "called_off": True,
    }
    assert "training" not in str(list(entries.values_list("detail", flat=True)))


@pytest.mark.parametrize("reason", ["", "   "])
def test_calling_off_needs_a_reason(world, reason):
    session = upcoming(world)
    with pytest.raises(ValidationError) as error:
        session_call_off(
            actor=world.provider.user,
            session=session,
            attendance=MissReason.PROVIDER_ABSENT,
            reason=reason,
        )
    assert error.value.message_dict == {"reason": [NEEDS_REASON]}
    session.refresh_from_db()
    assert (session.cancel_reason, session.status) == ("", SessionStatus.PLANNED)
    assert session.members.get().attendance == ""


def test_calling_off_needs_a_miss_reason_not_delivered(world):
    session = upcoming(world)
    with pytest.raises(ValidationError) as error:
        session_call_off(
            actor=world.provider.user, session=session, attendance="delivered", reason="Trip"
        )
    assert error.value.message_dict == {"attendance": ["Choose why the session will not happen."]}


def test_a_started_session_is_not_called_off(world, time_machine):
    session = upcoming(world)
    at(time_machine, THURSDAY, 10)
    with pytest.raises(ValidationError) as error:
        session_call_off(
            actor=world.provider.user,
            session=session,
            attendance=MissReason.PROVIDER_ABSENT,
            reason="Sick",
        )
    assert error.value.messages == [HAS_STARTED]


def test_undo_ahead_puts_the_session_back(world):
    session = upcoming(world)
    session_call_off(
        actor=world.provider.user,
        session=session,
        attendance=MissReason.STUDENT_UNAVAILABLE,
        reason="Family trip",
    )
    session_call_off_undo(actor=world.provider.user, session=session)
    session.refresh_from_db()
    record = session.members.get()
    assert (session.cancel_reason, session.status) == ("", SessionStatus.PLANNED)
    assert (record.attendance, record.minutes_delivered) == ("", None)
    assert AuditEntry.objects.filter(action=AuditAction.UPDATE).latest("pk").detail == {
        "session": session.pk,
        "fields": ["attendance", "minutes_delivered"],
        "called_off": False,
    }
    with pytest.raises(ValidationError) as error:
        session_call_off_undo(actor=world.provider.user, session=session)
    assert error.value.messages == ["This session was not called off."]


def test_once_started_the_call_off_is_the_record(world, time_machine):
    """After the start the miss stands (undo refused) and the session can be signed; if it
    took place after all, delivered minutes replace the call-off."""
    session = upcoming(world)
    session_call_off(
        actor=world.provider.user,
        session=session,
        attendance=MissReason.PROVIDER_ABSENT,
        reason="Sick",
    )
    at(time_machine, THURSDAY, 11)
    with pytest.raises(ValidationError) as error:
        session_call_off_undo(actor=world.provider.user, session=session)
    assert error.value.messages == [HAS_STARTED]
    attendance_record(
        actor=world.provider.user, record=session.members.get(), attendance="delivered"
    )
    session.refresh_from_db()
    assert (session.cancel_reason, session.is_called_off) == ("", False)
    session_sign(actor=world.provider.user, session=session)
    session.refresh_from_db()
    assert session.status == SessionStatus.SIGNED
