"""Compliance pages (district, provider, school), lapse alerts and the parent notice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pushin.accounts.models import AuditAction, AuditEntry
from pushin.sessions.compliance import district_compliance, provider_compliance
from pushin.vocabulary import MissReason
from tests.caseload.personas import PERSONAS, is_login_redirect, persona_user
from tests.factories import make_student
from tests.sessions.ledger_world import day, freeze_today, session_with, start_ieps_on

TODAY = day(7)  # Monday Nov 9, 2026: one school week after the IEPs start


@pytest.fixture
def cworld(world, monkeypatch):
    """Both students' IEPs start Monday Nov 2; the provider delivered Monday, was absent
    Thursday; the other provider saw their student twice."""
    start_ieps_on(day(0), world.student, world.other_student)
    freeze_today(monkeypatch, TODAY)
    session_with(provider=world.provider, students=[world.student], date=day(0))
    session_with(
        provider=world.provider,
        students=[world.student],
        date=day(3),
        attendance=MissReason.PROVIDER_ABSENT,
    )
    for offset in (0, 3):
        session_with(
            provider=world.other_provider, students=[world.other_student], date=day(offset)
        )
    return world


def expect(persona: str, table: dict[str, object], response) -> None:
    wanted = table[persona]
    if wanted == "login":
        assert is_login_redirect(response)
    elif isinstance(wanted, str):
        assert response.status_code == 302
        assert response["Location"] == wanted
    else:
        assert response.status_code == wanted


@pytest.mark.parametrize("persona", PERSONAS)
def test_home_sends_each_role_to_its_page(cworld, login, persona) -> None:
    table = {
        "provider": reverse("minutes:provider", args=[cworld.provider.pk]),
        "other_provider": reverse("minutes:provider", args=[cworld.other_provider.pk]),
        "teacher": 404,
        "other_teacher": 404,
        "para": 404,
        "admin": reverse("minutes:district"),
        "anonymous": "login",
    }
    response = login(persona_user(cworld, persona)).get(reverse("minutes:home"))
    expect(persona, table, response)


@pytest.mark.parametrize("persona", PERSONAS)
def test_district_page_is_the_administrators(cworld, login, persona) -> None:
    table = dict.fromkeys(PERSONAS, 404) | {"admin": 200, "anonymous": "login"}
    response = login(persona_user(cworld, persona)).get(reverse("minutes:district"))
    expect(persona, table, response)


@pytest.mark.parametrize("persona", PERSONAS)
def test_provider_page_permissions(cworld, login, persona) -> None:
    table = dict.fromkeys(PERSONAS, 404) | {"provider": 200, "admin": 200, "anonymous": "login"}
    url = reverse("minutes:provider", args=[cworld.provider.pk])
    expect(persona, table, login(persona_user(cworld, persona)).get(url))


@pytest.mark.parametrize("persona", PERSONAS)
def test_school_page_is_the_administrators(cworld, login, persona) -> None:
    table = dict.fromkeys(PERSONAS, 404) | {"admin": 200, "anonymous": "login"}
    url = reverse("minutes:school", args=[cworld.school.pk])
    expect(persona, table, login(persona_user(cworld, persona)).get(url))


@pytest.mark.parametrize("persona", PERSONAS)
def test_notice_permissions(cworld, login, persona) -> None:
    table = dict.fromkeys(PERSONAS, 404) | {"provider": 200, "admin": 200, "anonymous": "login"}
    url = reverse("minutes:notice", args=[cworld.student.pk])
    expect(persona, table, login(persona_user(cworld, persona)).get(url))


def test_provider_page_shows_percent_students_behind_and_owed_by_age(cworld, login) -> None:
    response = login(cworld.provider.user).get(
        reverse("minutes:provider", args=[cworld.provider.pk])
    )
    summary = response.context["summary"]
    assert (summary.mandated, summary.credited, summary.percent) == (60, 30, 50)
    assert summary.owed_by_age == {"0-10": 30, "11-20": 0, "21+": 0}
    assert [(s.student, s.behind) for s in summary.behind] == [(cworld.student, 30)]
    page = response.content.decode()
    assert "Avery Sample" in page
    assert "Blake" not in page  # the other provider's student
    assert "Schedule makeups" in page


def test_district_page_shows_aggregates_without_names(cworld, login) -> None:
    response = login(cworld.admin).get(reverse("minutes:district"))
    data = response.context["data"]
    assert (data.district.mandated, data.district.credited, data.district.percent) == (120, 90, 75)
    rows = {row.label: (row.percent, len(row.behind), row.owed) for row in data.providers}
    assert rows == {"Provider Tester": (50, 1, 30), "Otherprovider Tester": (100, 0, 0)}
    schools = {row.label: row.percent for row in data.schools}
    assert schools == {"Maple Elementary": 50, "Cedar Elementary": 100}
    page = response.content.decode()
    assert "Avery" not in page
    assert "Blake" not in page


def test_school_page_names_the_students_behind(cworld, login) -> None:
    response = login(cworld.admin).get(reverse("minutes:school", args=[cworld.school.pk]))
    assert "Avery Sample" in response.content.decode()
    other = login(cworld.admin).get(reverse("minutes:school", args=[cworld.other_school.pk]))
    assert "Nobody is behind." in other.content.decode()


def test_lapse_at_exactly_ten_and_eleven_school_days(cworld) -> None:
    # Last delivered Monday Nov 2 (Thursday was missed). Tue Nov 17: Nov 3..16 = 10 days.
    at_ten = provider_compliance(provider=cworld.provider, today=day(15))
    assert [s.lapse_days for s in at_ten.standings] == [10]
    assert at_ten.lapses == []
    at_eleven = provider_compliance(provider=cworld.provider, today=day(16))
    assert [(s.student, s.lapse_days) for s in at_eleven.lapses] == [(cworld.student, 11)]


def test_lapse_alert_links_the_notice(cworld, login, monkeypatch) -> None:
    freeze_today(monkeypatch, day(16))
    page = login(cworld.provider.user).get(reverse("minutes:provider", args=[cworld.provider.pk]))
    assert "Lapse alerts" in page.content.decode()
    assert reverse("minutes:notice", args=[cworld.student.pk]) in page.content.decode()


def test_notice_names_service_dates_minutes_owed_and_the_makeup_plan(cworld, login, monkeypatch):
    freeze_today(monkeypatch, day(16))
    from pushin.sessions.models import SessionStudent

    missed = SessionStudent.objects.get(session__date=day(3), student=cworld.student)
    session_with(
        provider=cworld.provider,
        students=[cworld.student],
        date=day(18),
        start=dt.time(10),
        end=dt.time(10, 30),
        attendance="",
        makeup_for=missed,
    )
    response = login(cworld.provider.user).get(reverse("minutes:notice", args=[cworld.student.pk]))
    body = response.context["notice"].body
    assert "occupational therapy" in body
    assert "Thursday, November 5, 2026 (30 minutes): provider absent" in body
    assert "last occupational therapy session took place on Monday, November 2, 2026" in body
    assert "11 school days have passed" in body
    # Owed: the missed 30 minutes, made up; the minutes never scheduled (the week of Nov 9,
    # 60, and Monday-Tuesday of this week, 24 of 60) are reported, not promised as makeups.
    assert "Avery is owed 30 minutes of occupational therapy for sessions that did not" in body
    assert "In addition, 84 minutes of the occupational therapy time in Avery's IEP were " in body
    assert "never scheduled. They are not part of a makeup plan" in body
    assert (
        "Makeup sessions planned:\n- Friday, November 20, 2026 at 10:00 a.m. (30 minutes)" in body
    )
    assert "Provider Tester, Occupational therapist" in body
    entry = AuditEntry.objects.filter(action=AuditAction.READ, student_id=cworld.student.pk).get()
    assert entry.detail["page"] == "lapse_notice"


def test_notice_text_when_nothing_is_owed(cworld) -> None:
    from pushin.sessions.compliance import lapse_notice, standings
    from pushin.sessions.ledger import load_ledgers

    book = load_ledgers(district=cworld.district, students=[cworld.student.pk], today=day(4))
    (standing,) = standings(book, [cworld.student])
    notice = lapse_notice(
        student=cworld.student, ledger=standing.ledger, signer="A. Therapist", today=day(4)
    )
    assert "Avery is owed 30 minutes of occupational therapy" in notice.body
    assert "I will schedule the makeup sessions and let you know the dates." in notice.body


def test_provider_page_queries_do_not_grow_with_the_caseload(cworld, login) -> None:
    client = login(cworld.provider.user)
    url = reverse("minutes:provider", args=[cworld.provider.pk])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(8):
        student = make_student(
            ref=f"S-1{n:03d}", classroom=cworld.classroom, provider=cworld.provider
        )
        session_with(provider=cworld.provider, students=[student], date=day(1))
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.context["summary"].students == 9
    assert len(many) == len(few)


def test_district_queries_do_not_grow_with_the_district(cworld) -> None:
    with CaptureQueriesContext(connection) as few:
        district_compliance(district=cworld.district, today=TODAY)
    for n in range(8):
        student = make_student(
            ref=f"S-2{n:03d}", classroom=cworld.other_classroom, provider=cworld.other_provider
        )
        session_with(provider=cworld.other_provider, students=[student], date=day(2))
    with CaptureQueriesContext(connection) as many:
        data = district_compliance(district=cworld.district, today=TODAY)
    assert data.district.students == 10
    assert len(many) == len(few)
