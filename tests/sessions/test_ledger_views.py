"""A student's minutes page, and the ledger loaded from the database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from pushin.accounts.models import AuditAction, AuditEntry
from pushin.caseload.models import MandateVersion, Service
from pushin.district.models import Closure, MakeupPolicy
from pushin.sessions.ledger import WEEK, load_ledgers
from pushin.sessions.models import SessionStudent
from pushin.vocabulary import MissReason
from tests.caseload.personas import PERSONAS, is_login_redirect, persona_user
from tests.factories import make_student
from tests.sessions.factories import standing_schedule, standing_session, stored_ahead
from tests.sessions.ledger_world import day, freeze_today, session_with

EXPECTED = {
    "provider": 200,
    "other_provider": 404,
    "teacher": 404,
    "other_teacher": 404,
    "para": 404,
    "admin": 200,
    "anonymous": 302,
}


def week_of(world, today=None):
    book = load_ledgers(district=world.district, students=[world.student.pk], today=today or day(7))
    (service,) = book.ledgers[world.student.pk].services
    return next(p for p in service.periods if p.start == day(0)), service


@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(world, login, persona, monkeypatch) -> None:
    freeze_today(monkeypatch, day(7))
    client = login(persona_user(world, persona))
    response = client.get(reverse("minutes:student", args=[world.student.pk]))
    if persona == "anonymous":
        assert is_login_redirect(response)
    else:
        assert response.status_code == EXPECTED[persona]


def test_page_shows_each_period_with_the_version_in_force_and_audits_the_read(
    world, login, monkeypatch
) -> None:
    freeze_today(monkeypatch, day(7))
    session_with(provider=world.provider, students=[world.student], date=day(0))
    session_with(
        provider=world.provider,
        students=[world.student],
        date=day(3),
        attendance=MissReason.PROVIDER_ABSENT,
    )
    response = login(world.provider.user).get(reverse("minutes:student", args=[world.student.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "60 min per week, push-in, 30-min sessions" in page
    assert "Provider absent: 30" in page
    assert "Owed misses" in page
    service = response.context["services"][0]
    current = service["periods"][1]  # newest first: this week, then last week
    assert (current.start, current.mandated, current.delivered, current.owed) == (
        day(0),
        60,
        30,
        30,
    )
    entry = AuditEntry.objects.get(action=AuditAction.READ, student_id=world.student.pk)
    assert entry.actor == world.provider.user
    assert entry.detail == {"page": "minutes"}


def test_admin_page_shows_no_notes(world, login, monkeypatch) -> None:
    freeze_today(monkeypatch, day(7))
    session_with(provider=world.provider, students=[world.student], date=day(0), note="Tired today")
    page = login(world.admin).get(reverse("minutes:student", args=[world.student.pk]))
    assert page.status_code == 200
    assert "Tired today" not in page.content.decode()


def test_an_amendment_recomputes_without_losing_a_logged_minute(world) -> None:
    session_with(provider=world.provider, students=[world.student], date=day(0))
    before, _ = week_of(world)
    service = Service.objects.get(iep__student=world.student)
    MandateVersion.objects.create(
        service=service, effective_from=day(2), minutes=30, session_minutes=30
    )
    after, ledger = week_of(world)
    assert (before.mandated, after.mandated) == (60, 42)
    assert [s.version.minutes for s in after.shares] == [60, 30]
    assert before.delivered == after.delivered == 30
    assert ledger.total("delivered") == 30


def test_a_policy_change_recomputes_what_is_owed(world) -> None:
    session_with(
        provider=world.provider,
        students=[world.student],
        date=day(0),
        attendance=MissReason.STUDENT_ABSENT,
    )
    before, _ = week_of(world)
    MakeupPolicy.objects.create(
        district=world.district, reason=MissReason.STUDENT_ABSENT, owed=True
    )
    after, _ = week_of(world)
    assert (before.missed, before.owed) == (30, 0)
    assert (after.missed, after.owed) == (30, 30)


def test_closures_are_not_school_days(world) -> None:
    Closure.objects.create(district=world.district, name="Break", start=day(3), end=day(4))
    week, _ = week_of(world, today=day(2))
    assert (week.kind, week.school_days, week.mandated, week.mandated_elapsed) == (WEEK, 3, 60, 40)


def test_group_sessions_count_fully_for_each_student(world) -> None:
    friend = make_student(ref="S-0003", classroom=world.classroom, provider=world.provider)
    session_with(provider=world.provider, students=[world.student, friend], date=day(0))
    book = load_ledgers(
        district=world.district, students=[world.student.pk, friend.pk], today=day(7)
    )
    for pk in (world.student.pk, friend.pk):
        week = next(p for p in book.ledgers[pk].services[0].periods if p.start == day(0))
        assert (week.delivered, week.delivered_counted) == (30, 30)


def test_stored_occurrences_nobody_logged_await_a_log(world) -> None:
    schedule = standing_schedule(world.provider, effective_from=day(0))
    standing_session(
        schedule,
        classroom=world.classroom,
        day="mon",
        start=dt.time(9),
        end=dt.time(9, 30),
        students=[world.student],
    )
    # In force from Monday Nov 2; the calendar stored the Mondays from then on ahead.
    stored_ahead(world.provider, before=day(0))
    week, _ = week_of(world, today=day(8))  # Tuesday of the following week
    # Nobody logged Monday Nov 2: 30 minutes await a log; the other 30 were never scheduled.
    assert (week.awaiting_log, week.unscheduled_elapsed, week.delivered) == (30, 30, 0)
    # Once logged, the record counts as delivered.
    record = SessionStudent.objects.get(session__date=day(0))
    record.attendance = "delivered"
    record.minutes_delivered = 30
    record.save()
    week, _ = week_of(world, today=day(8))
    assert (week.awaiting_log, week.delivered) == (0, 30)


def test_before_the_first_schedule_minutes_are_never_scheduled(world) -> None:
    schedule = standing_schedule(world.provider, effective_from=day(7))
    standing_session(
        schedule,
        classroom=world.classroom,
        day="mon",
        start=dt.time(9),
        end=dt.time(9, 30),
        students=[world.student],
    )
    stored_ahead(world.provider, before=day(0))
    week, _ = week_of(world, today=day(8))
    assert (week.awaiting_log, week.unscheduled_elapsed) == (0, 60)


def test_the_page_reads_in_a_fixed_number_of_queries(world, login, monkeypatch) -> None:
    freeze_today(monkeypatch, day(30))
    for offset in range(0, 28, 7):
        session_with(provider=world.provider, students=[world.student], date=day(offset))
        session_with(
            provider=world.provider,
            students=[world.student],
            date=day(offset + 3),
            attendance=MissReason.PROVIDER_CONFLICT,
        )
    client = login(world.provider.user)
    url = reverse("minutes:student", args=[world.student.pk])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for offset in range(28, 56, 7):
        session_with(provider=world.provider, students=[world.student], date=day(offset))
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_the_ledger_reads_the_calendar_and_the_logging_services(world) -> None:
    """The other half of the sessions app: occurrences materialized by the calendar,
    logged, signed and amended through its services; the ledger follows every step."""
    from pushin.sessions.services import attendance_record, record_amend, session_sign
    from tests.sessions.factories import MONDAY, dated_session

    session = dated_session(world)  # Monday Nov 30, 09:00-09:30, from the standing schedule
    record = session.members.get()
    today = MONDAY + dt.timedelta(days=8)  # Tuesday of the following week

    def weeks():
        book = load_ledgers(district=world.district, students=[world.student.pk], today=today)
        periods = book.ledgers[world.student.pk].services[0].periods
        starts = (MONDAY, MONDAY + dt.timedelta(days=7))
        this, following = (next(p for p in periods if p.start == d) for d in starts)
        return this, following

    this, following = weeks()
    assert (this.awaiting_log, this.delivered) == (30, 0)
    # Monday Dec 7 was never opened: the standing schedule's occurrence awaits a log too.
    assert following.awaiting_log == 30
    attendance_record(actor=world.provider.user, record=record, attendance="delivered")
    session_sign(actor=world.provider.user, session=session)
    this, _ = weeks()
    assert (this.awaiting_log, this.delivered, this.owed) == (0, 30, 0)
    record_amend(
        actor=world.provider.user,
        record=record,
        values={"attendance": MissReason.PROVIDER_ABSENT, "minutes_delivered": 0},
        reason="Logged the wrong day",
    )
    this, _ = weeks()
    assert (this.delivered, this.missed, this.owed) == (0, 30, 30)
