"""Logging follows time: delivered minutes, data and signing wait for the session's start.

The services refuse each with one exact message (`services.not_started_message`); the
rule is `DatedSession.has_started`: dated before today, or today at or after its start.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from pushin.accounts.models import AuditEntry
from pushin.sessions.models import Amendment, DataPoint, SessionStatus
from pushin.sessions.services import (
    attendance_record,
    data_point_add,
    not_started_message,
    record_amend,
    session_note_set,
    session_sign,
)
from pushin.vocabulary import MissReason
from tests.conftest import TODAY
from tests.sessions.timing import AHEAD, AHEAD_MAKEUP, AHEAD_MISS, THURSDAY, at, upcoming


def refused(call, **kwargs) -> list[str]:
    with pytest.raises(ValidationError) as error:
        call(**kwargs)
    return error.value.messages


def test_future_delivered_is_refused(world):
    session = upcoming(world)
    record = session.members.get()
    assert refused(
        attendance_record, actor=world.provider.user, record=record, attendance="delivered"
    ) == [AHEAD]
    record.refresh_from_db()
    session.refresh_from_db()
    assert (record.attendance, record.minutes_delivered) == ("", None)
    assert session.status == SessionStatus.PLANNED
    assert not AuditEntry.objects.filter(action="update").exists()


def test_future_minutes_are_refused(world):
    record = upcoming(world).members.get()
    assert refused(
        attendance_record,
        actor=world.provider.user,
        record=record,
        attendance="delivered",
        minutes=20,
        short_reason=MissReason.PROVIDER_CONFLICT,
    ) == [AHEAD]
    record.refresh_from_db()
    assert record.minutes_delivered is None


def test_one_students_miss_ahead_points_to_calling_the_session_off(world):
    record = upcoming(world).members.get()
    assert refused(
        attendance_record,
        actor=world.provider.user,
        record=record,
        attendance=MissReason.STUDENT_ABSENT,
    ) == [AHEAD_MISS]
    record.refresh_from_db()
    assert record.attendance == ""


def test_future_data_point_is_refused(world):
    record = upcoming(world).members.get()
    assert refused(data_point_add, actor=world.provider.user, record=record, correct=True) == [
        AHEAD
    ]
    assert not DataPoint.objects.exists()
    record.refresh_from_db()
    assert record.attendance == ""  # taking data did not mark the student delivered


def test_future_sign_is_refused(world):
    session = upcoming(world)
    record = session.members.get()
    # Even with every attendance recorded (data written before the rule existed).
    record.attendance, record.minutes_delivered = "delivered", 30
    record.save()
    assert refused(session_sign, actor=world.provider.user, session=session) == [AHEAD]
    session.refresh_from_db()
    assert (session.status, session.signed_at, session.signed_by) == ("planned", None, None)


def test_makeup_in_the_future_is_refused(world):
    session = upcoming(world, makeup=True)
    record = session.members.get()
    assert not_started_message(session) == AHEAD_MAKEUP
    assert refused(
        attendance_record, actor=world.provider.user, record=record, attendance="delivered"
    ) == [AHEAD_MAKEUP]
    assert refused(data_point_add, actor=world.provider.user, record=record, correct=True) == [
        AHEAD_MAKEUP
    ]
    assert refused(session_sign, actor=world.provider.user, session=session) == [AHEAD_MAKEUP]


def test_later_today_is_refused_until_its_start(world, time_machine):
    session = upcoming(world, date=TODAY, start=dt.time(14), end=dt.time(14, 30))
    record = session.members.get()
    assert refused(
        attendance_record, actor=world.provider.user, record=record, attendance="delivered"
    ) == [
        "This session starts Wed Dec 2 at 14:00: delivered minutes, data and signing open "
        "when it starts."
    ]
    at(time_machine, TODAY, 13, 59)
    assert not session.has_started()
    at(time_machine, TODAY, 14)  # at its start it has started
    attendance_record(actor=world.provider.user, record=record, attendance="delivered")
    record.refresh_from_db()
    assert (record.attendance, record.minutes_delivered) == ("delivered", 30)


def test_once_started_everything_opens(world, time_machine):
    session = upcoming(world)
    record = session.members.get()
    at(time_machine, THURSDAY, 10, 5)
    data_point_add(actor=world.provider.user, record=record, correct=True)
    attendance_record(
        actor=world.provider.user,
        record=record,
        attendance="delivered",
        minutes=20,
        short_reason=MissReason.PROVIDER_CONFLICT,
    )
    session_sign(actor=world.provider.user, session=session)
    session.refresh_from_db()
    record.refresh_from_db()
    assert session.status == SessionStatus.SIGNED
    assert (record.attendance, record.minutes_delivered) == ("delivered", 20)
    assert DataPoint.objects.filter(record=record).count() == 1


def test_a_signed_future_record_is_not_amended_into_delivered_minutes(world):
    """A record signed before the rule existed: delivered minutes stay refused, but it can
    be corrected to what really happened."""
    session = upcoming(world)
    record = session.members.get()
    record.attendance, record.minutes_delivered = MissReason.PROVIDER_ABSENT, 0
    record.save()
    session.status = SessionStatus.SIGNED
    session.save()
    assert refused(
        record_amend,
        actor=world.provider.user,
        record=record,
        values={"attendance": "delivered", "minutes_delivered": 30},
        reason="Went after all",
    ) == [AHEAD]
    assert not Amendment.objects.exists()
    record_amend(
        actor=world.provider.user,
        record=record,
        values={"attendance": MissReason.SCHOOL_CLOSURE},
        reason="Snow day announced",
    )
    record.refresh_from_db()
    assert record.attendance == MissReason.SCHOOL_CLOSURE


def test_a_note_written_ahead_does_not_log_the_session(world, time_machine):
    session = upcoming(world)
    record = session.members.get()
    session_note_set(actor=world.provider.user, record=record, note="Bring the slant board")
    session.refresh_from_db()
    record.refresh_from_db()
    assert record.note == "Bring the slant board"
    assert session.status == SessionStatus.PLANNED
    at(time_machine, THURSDAY, 10, 30)
    session_note_set(actor=world.provider.user, record=record, note="Used the slant board")
    session.refresh_from_db()
    assert session.status == SessionStatus.LOGGED
