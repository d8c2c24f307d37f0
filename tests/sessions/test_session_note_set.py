"""session_note_set: a short note per student; amended, never overwritten, once signed."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from pushin.accounts.models import AuditEntry
from pushin.sessions.models import Amendment, DatedSession, SessionStatus, SessionStudent
from pushin.sessions.services import session_note_set
from tests.sessions.factories import dated_session


@pytest.fixture
def record(world):
    return dated_session(world).members.get()


def test_sets_the_note_and_logs_the_session(world, record):
    session_note_set(actor=world.provider.user, record=record, note="  Used the slant board. ")
    record.refresh_from_db()
    assert record.note == "Used the slant board."
    assert record.session.status == SessionStatus.LOGGED
    entry = AuditEntry.objects.get(action="update")
    assert entry.detail == {"session": record.session_id, "fields": ["note"]}
    assert "slant" not in str(entry.detail)  # the audit holds no note text


def test_too_long(world, record):
    with pytest.raises(ValidationError) as error:
        session_note_set(actor=world.provider.user, record=record, note="x" * 2001)
    assert error.value.message_dict == {"note": ["Keep the note under 2000 characters."]}


def test_signed_note_change_is_an_amendment(world, record):
    session_note_set(actor=world.provider.user, record=record, note="First")
    SessionStudent.objects.filter(pk=record.pk).update(attendance="delivered", minutes_delivered=30)
    DatedSession.objects.filter(pk=record.session_id).update(status=SessionStatus.SIGNED)
    session_note_set(actor=world.provider.user, record=record, note="Second", reason="Typo")
    record.refresh_from_db()
    assert record.note == "Second"
    (amendment,) = Amendment.objects.all()
    assert (amendment.old_value, amendment.new_value, amendment.reason) == (
        "First",
        "Second",
        "Typo",
    )
