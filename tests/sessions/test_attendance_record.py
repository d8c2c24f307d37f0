"""attendance_record: delivered (whole or cut short) or why the session did not happen."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from pushin.accounts.models import AuditEntry
from pushin.sessions.models import Attendance, SessionStatus
from pushin.sessions.services import attendance_record
from tests.sessions.factories import dated_session


@pytest.fixture
def record(world):
    return dated_session(world).members.get()


def test_delivered_defaults_to_the_whole_session(world, record):
    attendance_record(actor=world.provider.user, record=record, attendance="delivered")
    record.refresh_from_db()
    assert (record.attendance, record.minutes_delivered, record.short_reason) == (
        "delivered",
        30,
        "",
    )
    assert record.session.status == SessionStatus.LOGGED
    entry = AuditEntry.objects.get(action="update", object_type="therapy_sessions.sessionstudent")
    assert entry.detail == {
        "session": record.session_id,
        "fields": ["attendance", "minutes_delivered"],
    }
    assert entry.student_id == world.student.pk


def test_cut_short_needs_a_reason(world, record):
    with pytest.raises(ValidationError) as error:
        attendance_record(
            actor=world.provider.user, record=record, attendance="delivered", minutes=20
        )
    assert error.value.message_dict == {
        "short_reason": ["Say why the session was cut short (20 of 30 minutes)."]
    }
    attendance_record(
        actor=world.provider.user,
        record=record,
        attendance="delivered",
        minutes=20,
        short_reason="student_unavailable",
    )
    record.refresh_from_db()
    assert (record.minutes_delivered, record.short_reason) == (20, "student_unavailable")


def test_full_minutes_drop_a_cut_short_reason(world, record):
    attendance_record(
        actor=world.provider.user,
        record=record,
        attendance="delivered",
        minutes=30,
        short_reason="provider_conflict",
    )
    record.refresh_from_db()
    assert record.short_reason == ""


@pytest.mark.parametrize(
    ("minutes", "message"),
    [
        (31, "At most 30 minutes: the session lasts 30."),
        (
            0,
            "A delivered session lasts at least 1 minute; "
            "if it did not happen, choose why instead.",
        ),
    ],
)
def test_minutes_out_of_range(world, record, minutes, message):
    with pytest.raises(ValidationError) as error:
        attendance_record(
            actor=world.provider.user, record=record, attendance="delivered", minutes=minutes
        )
    assert error.value.message_dict == {"minutes_delivered": [message]}


@pytest.mark.parametrize(
    "reason",
    [
        Attendance.STUDENT_ABSENT,
        Attendance.STUDENT_UNAVAILABLE,
        Attendance.PROVIDER_ABSENT,
        Attendance.PROVIDER_CONFLICT,
        Attendance.SCHOOL_CLOSURE,
    ],
)
def test_a_miss_delivers_no_minutes(world, record, reason):
    attendance_record(
        actor=world.provider.user, record=record, attendance=reason, minutes=25, short_reason="x"
    )
    record.refresh_from_db()
    assert (record.attendance, record.minutes_delivered, record.short_reason) == (reason, 0, "")


def test_unknown_attendance_is_refused(world, record):
    with pytest.raises(ValidationError) as error:
        attendance_record(actor=world.provider.user, record=record, attendance="maybe")
    assert error.value.message_dict == {"attendance": ["Choose what happened for this student."]}
