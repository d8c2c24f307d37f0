"""A session cut short has reasons of its own, apart from the reasons a session is missed;
on a signed session each change's reason comes before the buttons that save it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pushin.sessions.ledger import RecordRow, SchoolCalendar, ServiceRow, VersionRow, service_ledger
from pushin.sessions.models import Amendment
from pushin.sessions.services import attendance_record, session_sign
from pushin.vocabulary import CutShortReason, MissReason
from tests.sessions.factories import MONDAY, dated_session
from tests.sessions.helpers import HTMX, record_url


@pytest.fixture
def record(world):
    return dated_session(world).members.get()


def _attendance_form(html: str, record) -> str:
    start = html.index(f'action="{record_url("attendance", record)}"')
    return html[start : html.index("</form>", start)]


@pytest.mark.parametrize("reason", CutShortReason.values)
def test_each_cut_short_reason_is_recorded(world, record, reason):
    attendance_record(
        actor=world.provider.user,
        record=record,
        attendance="delivered",
        minutes=20,
        short_reason=reason,
        short_note="Nurse called him out" if reason == CutShortReason.OTHER else "",
    )
    record.refresh_from_db()
    assert (record.minutes_delivered, record.short_reason) == (20, reason)


def test_other_is_said_in_words(world, record):
    with pytest.raises(ValidationError) as error:
        attendance_record(
            actor=world.provider.user,
            record=record,
            attendance="delivered",
            minutes=20,
            short_reason=CutShortReason.OTHER,
            short_note="   ",
        )
    assert error.value.message_dict == {
        "short_note": ["Say in a few words why the session was cut short."]
    }
    attendance_record(
        actor=world.provider.user,
        record=record,
        attendance="delivered",
        minutes=20,
        short_reason=CutShortReason.OTHER,
        short_note="Nurse called him out",
    )
    record.refresh_from_db()
    assert record.short_note == "Nurse called him out"
    # Another reason, or the whole session: the words go with "other".
    attendance_record(
        actor=world.provider.user,
        record=record,
        attendance="delivered",
        minutes=20,
        short_reason=CutShortReason.DRILL,
        short_note="kept?",
    )
    record.refresh_from_db()
    assert (record.short_reason, record.short_note) == ("drill", "")


def test_the_session_page_offers_cut_short_reasons_not_miss_reasons(world, login, record):
    client = login(world.provider.user)
    client.post(record_url("attendance", record), {"attendance": "delivered"}, **HTMX)
    html = client.get(reverse("sessions:detail", args=[record.session_id])).content.decode()
    form = _attendance_form(html, record)
    select = form[form.index('name="short_reason"') : form.index("</select>")]
    offered = re.findall(r'<option value="([^"]*)"', select)
    assert offered == ["", *CutShortReason.values]
    assert not set(offered) & set(MissReason.values)
    assert 'name="short_note"' in form


def test_a_record_cut_short_for_a_miss_reason_before_keeps_it(world, login, record):
    """Records from before the split stay valid and readable; the reason stays selected."""
    attendance_record(
        actor=world.provider.user,
        record=record,
        attendance="delivered",
        minutes=20,
        short_reason=MissReason.PROVIDER_CONFLICT,
    )
    html = login(world.provider.user).get(reverse("sessions:detail", args=[record.session_id]))
    form = _attendance_form(html.content.decode(), record)
    assert (
        '<option value="provider_conflict" selected>'
        "Provider conflict (meeting, evaluation) (earlier list)</option>"
    ) in form


def test_the_view_saves_other_with_its_words(world, login, record):
    client = login(world.provider.user)
    response = client.post(
        record_url("attendance", record),
        {
            "attendance": "delivered",
            "minutes_delivered": "15",
            "short_reason": "other",
            "short_note": "Picked up for an appointment",
        },
        **HTMX,
    )
    assert response.status_code == 200
    record.refresh_from_db()
    assert (record.minutes_delivered, record.short_reason, record.short_note) == (
        15,
        "other",
        "Picked up for an appointment",
    )


def test_owed_by_the_districts_policy_per_cut_short_reason(world):
    """A schedule that ran over is owed by default; a fire drill is not (a setting)."""
    owed = world.district.owed_reasons()
    assert CutShortReason.SCHEDULE_OVERRAN in owed
    assert CutShortReason.DRILL not in owed
    svc = ServiceRow(
        pk=1,
        student_id=1,
        discipline="OT",
        iep_pk=1,
        iep_start=MONDAY,
        iep_end=MONDAY + dt.timedelta(days=4),
        versions=(VersionRow(1, MONDAY, 60, "week", 30),),
    )

    def row(pk: int, day: int, reason: str) -> RecordRow:
        return RecordRow(
            pk=pk,
            student_id=1,
            date=MONDAY + dt.timedelta(days=day),
            start=dt.time(9),
            planned=30,
            discipline="OT",
            attendance="delivered",
            minutes_delivered=20,
            short_reason=reason,
        )

    week = service_ledger(
        svc,
        [row(1, 0, CutShortReason.SCHEDULE_OVERRAN), row(2, 1, CutShortReason.DRILL)],
        calendar=SchoolCalendar(world.district.school_year_start, world.district.school_year_end),
        owed_reasons=owed,
        today=MONDAY + dt.timedelta(days=14),
    ).periods[0]
    assert week.missed_by_reason == {"schedule_overran": 10, "drill": 10}
    assert week.owed == 10


# --- Amending a signed record: the reason first, one per change ---------------------------


@pytest.fixture
def signed(world, record):
    attendance_record(actor=world.provider.user, record=record, attendance="delivered")
    session_sign(actor=world.provider.user, session=record.session)
    record.refresh_from_db()
    return record


def test_on_a_signed_session_the_reason_comes_before_the_buttons_that_save(world, login, signed):
    html = login(world.provider.user).get(reverse("sessions:detail", args=[signed.session_id]))
    form = _attendance_form(html.content.decode(), signed)
    reason = form.index('name="reason"')
    assert reason < form.index('type="submit"')
    assert reason < form.index('name="attendance"')
    assert '<label for="att-reason-' in form
    # Every other form of the card too: its reason before its Save.
    card = html.content.decode()
    for action in ("plan", "note", "data_add"):
        start = card.index(f'action="{record_url(action, signed)}"')
        one = card[start : card.index("</form>", start)]
        assert one.index('name="reason"') < one.index('type="submit"'), action


def test_each_change_keeps_its_own_reason(world, signed):
    user = world.provider.user
    attendance_record(
        actor=user,
        record=signed,
        attendance="delivered",
        minutes=20,
        short_reason=CutShortReason.OTHER,
        short_note="Assembly ran long",
        reason="Left out the assembly",
    )
    attendance_record(
        actor=user,
        record=signed,
        attendance="delivered",
        minutes=20,
        short_reason=CutShortReason.SCHEDULE_OVERRAN,
        reason="It was my previous session that ran over",
    )
    history = list(
        Amendment.objects.filter(record=signed)
        .order_by("pk")
        .values_list("field", "old_value", "new_value", "reason")
    )
    assert history == [
        ("minutes_delivered", 30, 20, "Left out the assembly"),
        ("short_reason", "", "other", "Left out the assembly"),
        ("short_note", "", "Assembly ran long", "Left out the assembly"),
        ("short_reason", "other", "schedule_overran", "It was my previous session that ran over"),
        ("short_note", "Assembly ran long", "", "It was my previous session that ran over"),
    ]
