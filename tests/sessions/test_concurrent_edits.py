"""One provider, two tabs (two test clients) on one session: both draw the page, the first
save wins, the second answers 409 with the record as it now is and what was entered, and
the database keeps the first's change (optimistic locking, pushin/concurrency.py)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from pushin.caseload.models import Goal, Method
from pushin.concurrency import EditConflict
from pushin.sessions.models import DataPoint, DatedSession, SessionStudent
from pushin.sessions.services import attendance_record, data_point_add, session_note_set
from pushin.vocabulary import Domain
from tests.edit_conflicts import HX, drawn_version, signed_in, text
from tests.factories import World
from tests.sessions.factories import dated_session
from tests.sessions.helpers import record_url
from tests.sessions.timing import upcoming

CONFLICT = (
    "This student's record was changed by someone else a moment ago; your changes were not "
    "saved — theirs are shown below, and what you entered is kept here."
)
SESSION_CONFLICT = (
    "This session was changed by someone else a moment ago; your changes were not saved — "
    "theirs are shown below, and what you entered is kept here."
)


def tab(world: World) -> Client:
    return signed_in(world.provider.user)


@pytest.fixture
def record(world: World) -> SessionStudent:
    return dated_session(world).members.get()


def two_tabs(world: World, record: SessionStudent, form: str) -> tuple[Client, Client, str]:
    """Both tabs open the session page; the version each one's `form` was drawn with."""
    first, second = tab(world), tab(world)
    page = reverse("sessions:detail", args=[record.session_id])
    versions = {
        drawn_version(client.get(page).content.decode(), record_url(form, record))
        for client in (first, second)
    }
    [version] = versions
    return first, second, version


def test_two_tabs_writing_the_note_the_second_is_refused_and_keeps_its_text(world, record):
    first, second, version = two_tabs(world, record, "note")
    url = record_url("note", record)

    saved = first.post(url, {"note": "Used the slant board.", "version": version}, headers=HX)
    refused = second.post(url, {"note": "Tried the pencil grip.", "version": version}, headers=HX)

    assert saved.status_code == 200
    assert refused.status_code == 409
    html = text(refused)
    assert CONFLICT in html
    assert "Tried the pencil grip." in html  # what they typed, shown again
    assert ">Used the slant board.</textarea>" in html  # and the note as it now is
    record.refresh_from_db()
    assert record.note == "Used the slant board."
    # The card they got is drawn at the new version: saving from it now goes through.
    again = second.post(
        url, {"note": "Tried the pencil grip.", "version": drawn_version(html, url)}, headers=HX
    )
    assert again.status_code == 200
    record.refresh_from_db()
    assert record.note == "Tried the pencil grip."


def test_without_htmx_the_conflict_shows_the_session_page_with_the_text(world, record):
    first, second, version = two_tabs(world, record, "note")
    url = record_url("note", record)
    first.post(url, {"note": "Used the slant board.", "version": version})

    refused = second.post(url, {"note": "Tried the pencil grip.", "version": version})

    assert refused.status_code == 409  # not a redirect: the text would be lost
    html = text(refused)
    assert CONFLICT in html
    assert "Tried the pencil grip." in html
    assert 'id="sign-button"' in html  # the whole session page
    assert SessionStudent.objects.get(pk=record.pk).note == "Used the slant board."


def test_two_tabs_recording_attendance(world, record):
    first, second, version = two_tabs(world, record, "attendance")
    url = record_url("attendance", record)

    first.post(url, {"attendance": "delivered", "version": version}, headers=HX)
    refused = second.post(url, {"attendance": "student_absent", "version": version}, headers=HX)

    assert refused.status_code == 409
    html = text(refused)
    assert CONFLICT in html
    assert "<dd>Student absent</dd>" in html
    record.refresh_from_db()
    assert (record.attendance, record.minutes_delivered) == ("delivered", 30)


def test_two_tabs_changing_the_plan_on_today(world, record, time_machine):
    first, second = tab(world), tab(world)
    today = f"{reverse('sessions:today')}?date=2026-11-30"
    url = record_url("plan", record)
    [version] = {drawn_version(c.get(today).content.decode(), url) for c in (first, second)}
    fields = {"view": "today", "focus_goal": "", "strategy": "", "version": version}

    first.post(url, {**fields, "strategy_text": "Slant board"}, headers=HX)
    refused = second.post(url, {**fields, "strategy_text": "Wiggle cushion"}, headers=HX)

    assert refused.status_code == 409
    html = text(refused)
    assert f'id="plan-{record.pk}"' in html  # the Today card, not the session page's
    assert CONFLICT in html
    assert "<dd>Wiggle cushion</dd>" in html
    assert "Saved" not in html
    assert SessionStudent.objects.get(pk=record.pk).strategy_text == "Slant board"


def test_data_is_refused_when_the_focus_goal_changed_meanwhile(world, record):
    goal = Goal.objects.create(
        iep=record.focus_goal.iep,
        domain=Domain.FINE_MOTOR,
        text="Opens a lunch container.",
        method=Method.PERCENT_TRIALS,
        target="4 of 5",
    )
    first, second, version = two_tabs(world, record, "data_add")
    plan = record_url("plan", record)
    first.post(plan, {"focus_goal": goal.pk, "strategy": "", "version": version}, headers=HX)

    refused = second.post(
        record_url("data_add", record), {"correct": "true", "version": version}, headers=HX
    )

    assert refused.status_code == 409
    assert "<dt>Correct</dt><dd>yes</dd>" in text(refused)
    assert not DataPoint.objects.exists()  # never counted against a goal they did not see


def test_data_taps_in_a_row_from_one_card_all_count(world, record):
    """Adding a point leaves the record as others see it: taps do not refuse each other."""
    attendance_record(actor=world.provider.user, record=record, attendance="delivered")
    record.refresh_from_db()
    first, second, version = two_tabs(world, record, "data_add")
    url = record_url("data_add", record)
    answers = [
        client.post(url, {"correct": correct, "version": version}, headers=HX)
        for client, correct in ((first, "true"), (first, "false"), (second, "true"))
    ]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert DataPoint.objects.filter(record=record).count() == 3


def test_undo_never_removes_a_point_the_card_did_not_show(world, record):
    attendance_record(actor=world.provider.user, record=record, attendance="delivered")
    data_point_add(actor=world.provider.user, record=record, correct=True)
    first, second, version = two_tabs(world, record, "data_undo")
    first.post(record_url("data_add", record), {"correct": "false", "version": version}, headers=HX)

    refused = second.post(
        record_url("data_undo", record), {"version": version, "points": "1"}, headers=HX
    )

    assert refused.status_code == 409
    assert [p.correct for p in DataPoint.objects.filter(record=record)] == [True, False]


def test_two_tabs_calling_a_session_off(world):
    session = upcoming(world)
    first, second = tab(world), tab(world)
    page = reverse("sessions:detail", args=[session.pk])
    url = reverse("sessions:call_off", args=[session.pk])
    [version] = {drawn_version(c.get(page).content.decode(), url) for c in (first, second)}

    first.post(url, {"attendance": "provider_absent", "reason": "Out sick", "version": version})
    refused = second.post(
        url, {"attendance": "student_absent", "reason": "Family trip", "version": version}
    )

    assert refused.status_code == 409
    html = text(refused)
    assert SESSION_CONFLICT in html
    assert "<dd>Family trip</dd>" in html
    assert "Called off in advance: “Out sick”." in html  # theirs, on the page
    session.refresh_from_db()
    assert session.cancel_reason == "Out sick"
    assert {m.attendance for m in session.members.all()} == {"provider_absent"}


def test_a_call_off_refuses_a_note_drawn_before_it(world):
    session = upcoming(world)
    record = session.members.get()
    first, second, version = two_tabs(world, record, "note")
    page = reverse("sessions:detail", args=[session.pk])
    call_off = reverse("sessions:call_off", args=[session.pk])
    session_version = drawn_version(first.get(page).content.decode(), call_off)
    first.post(
        call_off,
        {"attendance": "provider_absent", "reason": "Out sick", "version": session_version},
    )

    note = {"note": "Bring the slant board.", "version": version}
    refused = second.post(record_url("note", record), note, headers=HX)

    assert refused.status_code == 409
    assert "Bring the slant board." in text(refused)
    assert SessionStudent.objects.get(pk=record.pk).note == ""


def test_signing_a_session_changed_since_the_page_was_drawn(world, record, time_machine):
    attendance_record(actor=world.provider.user, record=record, attendance="delivered")
    first, second = tab(world), tab(world)
    page = reverse("sessions:detail", args=[record.session_id])
    sign = reverse("sessions:sign", args=[record.session_id])
    [version] = {drawn_version(c.get(page).content.decode(), sign) for c in (first, second)}
    assert first.post(sign, {"version": version}).status_code == 302

    again = second.post(sign, {"version": version})

    assert again.status_code == 409
    assert SESSION_CONFLICT in text(again)
    assert DatedSession.objects.get(pk=record.session_id).is_signed


def test_the_service_refuses_a_stale_version_and_writes_nothing(world, record):
    session_note_set(actor=world.provider.user, record=record, note="First.", version=1)
    with pytest.raises(EditConflict, match=r"^This student's record was changed by someone"):
        session_note_set(actor=world.provider.user, record=record, note="Second.", version=1)
    record.refresh_from_db()
    assert (record.note, record.version) == ("First.", 2)
