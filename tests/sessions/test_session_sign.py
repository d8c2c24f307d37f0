"""session_sign: every student has an attendance; then the session is signed."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from pushin.accounts.models import AuditEntry
from pushin.sessions.models import SessionStatus
from pushin.sessions.services import attendance_record, session_sign
from tests.sessions.factories import add_student, dated_session


def test_sign_needs_every_attendance(world):
    second = add_student(world)
    session = dated_session(world, [world.student, second])
    first = session.members.get(student=world.student)
    attendance_record(actor=world.provider.user, record=first, attendance="delivered")
    with pytest.raises(ValidationError) as error:
        session_sign(actor=world.provider.user, session=session)
    assert error.value.messages == [
        "Record the attendance of every student before signing (1 missing)."
    ]
    session.refresh_from_db()
    assert session.status == SessionStatus.LOGGED


def test_sign_sets_who_and_when(world):
    session = dated_session(world)
    attendance_record(
        actor=world.provider.user, record=session.members.get(), attendance="student_absent"
    )
    signed = session_sign(actor=world.provider.user, session=session)
    session.refresh_from_db()
    assert session.status == SessionStatus.SIGNED
    assert session.signed_by == world.provider.user
    assert session.signed_at is not None
    assert signed.pk == session.pk
    entry = AuditEntry.objects.filter(action="update").latest("pk")
    assert entry.detail == {"session": session.pk, "signed": True}
    assert entry.student_id == world.student.pk
    with pytest.raises(ValidationError) as error:
        session_sign(actor=world.provider.user, session=session)
    assert error.value.messages == ["This session is already signed."]
