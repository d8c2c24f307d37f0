"""Caseload alerts at their boundaries (pushin/caseload/alerts.py, docs/caseload.md).

The clock is frozen on Wednesday Dec 2, 2026 (tests/conftest.py). The test world's
IEPs run Aug 31, 2026 to Jun 18, 2027 with the annual review on the last day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pushin.accounts.models import AuditEntry
from pushin.caseload.alerts import (
    AlertKind,
    CaseloadAlert,
    Severity,
    caseload_alerts,
    caseload_alerts_for,
    ieps_by_student,
)
from pushin.caseload.models import IEP, Student
from pushin.ids import encode_id
from tests.factories import World, make_provider, make_student
from tests.page_text import page_text

TODAY = dt.date(2026, 12, 2)
URL = reverse("caseload:list")


def _day(days: int) -> dt.date:
    return TODAY + dt.timedelta(days=days)


def _set_iep(student: Student, **dates: dt.date) -> IEP:
    iep = student.ieps.get()
    for name, value in dates.items():
        setattr(iep, name, value)
    iep.save()
    return iep


def _alerts(user) -> list[tuple[str, AlertKind, str]]:
    return [(a.student.ref, a.kind, a.words) for a in caseload_alerts_for(user, today=TODAY).alerts]


# --- Annual reviews -----------------------------------------------------------------------


def test_a_review_in_exactly_30_days_is_alerted_and_in_31_days_is_not(world: World) -> None:
    _set_iep(world.student, annual_review=_day(30))
    assert _alerts(world.provider.user) == [
        ("S-0001", AlertKind.REVIEW_DUE, "Annual review due Jan 1")
    ]
    _set_iep(world.student, annual_review=_day(31))
    assert _alerts(world.provider.user) == []


def test_a_review_due_today_is_due_and_yesterdays_is_overdue(world: World) -> None:
    _set_iep(world.student, annual_review=TODAY)
    [alert] = caseload_alerts_for(world.provider.user, today=TODAY).alerts
    assert (alert.kind, alert.severity, alert.day) == (AlertKind.REVIEW_DUE, Severity.WARN, TODAY)
    assert alert.words == "Annual review due today (Dec 2)"
    _set_iep(world.student, annual_review=_day(-1))
    [alert] = caseload_alerts_for(world.provider.user, today=TODAY).alerts
    assert (alert.kind, alert.severity) == (AlertKind.REVIEW_OVERDUE, Severity.BAD)
    assert alert.words == "Annual review overdue: was due Dec 1"


def test_review_wording_for_a_busy_ot(world: World) -> None:
    _set_iep(world.student, annual_review=dt.date(2026, 12, 20))
    assert _alerts(world.provider.user) == [
        ("S-0001", AlertKind.REVIEW_DUE, "Annual review due Dec 20")
    ]


# --- IEPs ending and expired --------------------------------------------------------------


def test_an_iep_ending_today_is_ending_not_expired(world: World) -> None:
    _set_iep(world.student, start=dt.date(2025, 12, 3), end=TODAY, annual_review=_day(-30))
    alerts = caseload_alerts_for(world.provider.user, today=TODAY).alerts
    kinds = {a.kind: a for a in alerts}
    assert set(kinds) == {AlertKind.IEP_ENDING, AlertKind.REVIEW_OVERDUE}
    ending = kinds[AlertKind.IEP_ENDING]
    assert ending.words == "IEP ends today (Dec 2)"
    assert (ending.day, ending.severity) == (TODAY, Severity.WARN)


def test_an_iep_that_ended_yesterday_has_expired(world: World) -> None:
    _set_iep(world.student, start=dt.date(2025, 11, 30), end=_day(-1), annual_review=_day(-1))
    [alert] = caseload_alerts_for(world.provider.user, today=TODAY).alerts
    assert (alert.kind, alert.severity, alert.day) == (
        AlertKind.IEP_EXPIRED,
        Severity.BAD,
        _day(-1),
    )
    assert alert.words == "IEP expired Dec 1 — no IEP in force"


def test_iep_wording_for_a_busy_ot(world: World) -> None:
    _set_iep(world.student, end=dt.date(2026, 12, 14), annual_review=dt.date(2027, 1, 20))
    assert _alerts(world.provider.user) == [
        ("S-0001", AlertKind.IEP_ENDING, "IEP ends in 12 days (Dec 14)")
    ]
    _set_iep(world.student, start=dt.date(2025, 12, 1), end=dt.date(2026, 11, 30))
    assert _alerts(world.provider.user) == [
        ("S-0001", AlertKind.IEP_EXPIRED, "IEP expired Nov 30 — no IEP in force")
    ]
    _set_iep(world.student, end=_day(1))
    assert _alerts(world.provider.user)[0][2] == "IEP ends tomorrow (Dec 3)"


def test_an_iep_ending_in_30_days_is_alerted_and_in_31_days_is_not(world: World) -> None:
    _set_iep(world.student, end=_day(30), annual_review=_day(60))
    assert [a.kind for a in caseload_alerts_for(world.provider.user, today=TODAY).alerts] == [
        AlertKind.IEP_ENDING
    ]
    _set_iep(world.student, end=_day(31))
    assert _alerts(world.provider.user) == []


def test_a_long_expired_iep_says_its_year(world: World) -> None:
    _set_iep(
        world.student,
        start=dt.date(2024, 12, 1),
        end=dt.date(2025, 11, 30),
        annual_review=dt.date(2025, 11, 30),
    )
    assert _alerts(world.provider.user) == [
        ("S-0001", AlertKind.IEP_EXPIRED, "IEP expired Nov 30, 2025 — no IEP in force")
    ]


def test_a_newer_iep_after_an_expired_one_ends_the_alerts(world: World) -> None:
    _set_iep(world.student, start=dt.date(2025, 11, 30), end=_day(-3), annual_review=_day(-3))
    assert [a.kind for a in caseload_alerts_for(world.provider.user, today=TODAY).alerts] == [
        AlertKind.IEP_EXPIRED
    ]
    # The new IEP, written at the review, in force from the day after.
    IEP.objects.create(
        student=world.student, start=_day(-2), end=_day(360), annual_review=_day(360)
    )
    assert _alerts(world.provider.user) == []


def test_a_next_iep_written_ahead_ends_the_review_and_ending_alerts(world: World) -> None:
    _set_iep(world.student, end=_day(10), annual_review=_day(5))
    assert {a.kind for a in caseload_alerts_for(world.provider.user, today=TODAY).alerts} == {
        AlertKind.IEP_ENDING,
        AlertKind.REVIEW_DUE,
    }
    IEP.objects.create(
        student=world.student, start=_day(11), end=_day(375), annual_review=_day(375)
    )
    assert _alerts(world.provider.user) == []


def test_a_student_between_ieps_whose_next_is_written_is_not_alerted(world: World) -> None:
    _set_iep(world.student, start=dt.date(2025, 11, 1), end=_day(-10), annual_review=_day(-10))
    IEP.objects.create(student=world.student, start=_day(5), end=_day(370), annual_review=_day(370))
    assert _alerts(world.provider.user) == []


def test_a_student_with_no_iep_is_not_alerted(world: World) -> None:
    world.student.ieps.all().delete()
    assert _alerts(world.provider.user) == []


def test_inactive_students_are_not_alerted(world: World) -> None:
    _set_iep(world.student, start=dt.date(2025, 11, 30), end=_day(-1), annual_review=_day(-1))
    assert len(caseload_alerts_for(world.provider.user, today=TODAY)) == 1
    world.student.active = False
    world.student.save()
    assert _alerts(world.provider.user) == []
    assert _alerts(world.admin) == []
    # Even when handed an inactive student directly.
    loaded = Student.objects.filter(pk=world.student.pk)
    assert not caseload_alerts(loaded, ieps=ieps_by_student([world.student.pk]), today=TODAY)


# --- Who is alerted -----------------------------------------------------------------------


@pytest.fixture
def due(world: World) -> World:
    """Both students' reviews are due (Avery's in 18 days, Blake's in 5)."""
    _set_iep(world.student, annual_review=_day(18))
    _set_iep(world.other_student, annual_review=_day(5))
    return world


def test_each_provider_is_alerted_about_their_own_students_and_the_admin_about_all(
    due: World,
) -> None:
    assert [ref for ref, _, _ in _alerts(due.provider.user)] == ["S-0001"]
    assert [ref for ref, _, _ in _alerts(due.other_provider.user)] == ["S-0002"]
    assert [ref for ref, _, _ in _alerts(due.admin)] == ["S-0002", "S-0001"]  # soonest first


@pytest.mark.parametrize("persona", ["teacher", "other_teacher", "para"])
def test_teachers_and_paras_are_never_alerted(due: World, login, persona: str) -> None:
    user = getattr(due, persona)
    assert _alerts(user) == []
    html = login(user).get(URL).content.decode()
    assert 'id="alerts"' not in html
    assert "Annual review due" not in page_text(html)


def test_the_caseload_lists_alerts_by_student_with_opaque_links(due: World, login) -> None:
    _set_iep(due.student, end=_day(18))
    response = login(due.provider.user).get(URL)
    html = response.content.decode()
    [entry] = response.context["caseload"].alerts.by_student
    assert entry.student == due.student
    assert [a.kind for a in entry.alerts] == [AlertKind.REVIEW_DUE, AlertKind.IEP_ENDING]
    link = reverse("caseload:student", args=[due.student.pk])
    assert encode_id(due.student.pk) in link
    assert {a.link for a in entry.alerts} == {link}
    text = " ".join(page_text(html).split())
    assert "Alerts 1 annual review due, 1 IEP ending" in text
    assert (
        "Avery Sample Maple Elementary Annual review due Dec 20 IEP ends in 18 days (Dec 20)"
        in (text)
    )
    assert f'href="{link}"' in html
    for alert in entry.alerts:
        assert "Avery" not in alert.link
        assert str(due.student.pk) not in alert.link.split("/")


def test_the_caseload_says_when_there_is_nothing_to_act_on(world: World, login) -> None:
    response = login(world.provider.user).get(URL)
    assert not response.context["caseload"].alerts
    text = " ".join(page_text(response.content.decode()).split())
    assert "Nothing to act on: no IEP has expired or ends in the next 30 days" in text


def test_filters_narrow_the_alerts_to_the_students_listed(due: World, login) -> None:
    response = login(due.admin).get(URL, {"school": encode_id(due.other_school.pk)})
    assert [a.student.ref for a in response.context["caseload"].alerts.alerts] == ["S-0002"]


def test_the_dashboard_alerts_on_the_day_asked_by_number_and_audits_the_read(
    due: World, login
) -> None:
    response = login(due.admin).get(reverse("district:dashboard"), {"on": "2026-12-16"})
    alerts = response.context["data"].alerts
    assert [(a.student.ref, a.words) for a in alerts.alerts] == [
        ("S-0002", "Annual review overdue: was due Dec 7"),  # overdue on the day asked
        ("S-0001", "Annual review due Dec 20"),
    ]
    text = page_text(response.content.decode())
    assert "Avery" not in text
    assert "Blake" not in text
    read = AuditEntry.objects.filter(actor=due.admin, detail__page="dashboard")
    assert read.count() == 2
    assert set(read.values_list("student_id", flat=True)) == {
        due.student.pk,
        due.other_student.pk,
    }


# --- Today's banner -----------------------------------------------------------------------


def test_today_counts_the_alerts_and_links_to_them_without_names(due: World, login) -> None:
    make_student(ref="S-0009", classroom=due.classroom, provider=due.provider, first_name="Kit")
    kit = Student.objects.get(ref="S-0009")
    _set_iep(kit, start=dt.date(2025, 11, 20), end=_day(-12), annual_review=_day(-12))
    html = login(due.provider.user).get(reverse("sessions:today")).content.decode()
    start = html.rindex("<p", 0, html.index('id="caseload-alerts"'))
    banner = html[start : html.index("</p>", start)]
    assert " ".join(page_text(banner).split()) == (
        "Caseload: 2 students to act on 1 IEP expired, 1 annual review due See the alerts"
    )
    assert 'class="alert-banner bad"' in html  # an expired IEP: the banner is red
    assert f'href="{URL}#alerts"' in banner
    for name in ("Avery", "Kit", "Sample"):
        assert name not in banner


def test_today_has_no_banner_without_alerts(world: World, login) -> None:
    html = login(world.provider.user).get(reverse("sessions:today")).content.decode()
    assert 'id="caseload-alerts"' not in html


# --- Sources: other kinds of alert plug in ------------------------------------------------


def test_a_source_adds_its_alerts_about_the_students_shown_only(due: World) -> None:
    asked: list[tuple[list[str], dt.date]] = []

    def reports(students: Sequence[Student], today: dt.date) -> Iterable[CaseloadAlert]:
        asked.append(([s.ref for s in students], today))
        for student in (*students, due.other_student):  # one the page does not show
            yield CaseloadAlert(
                kind=AlertKind.REPORT_DUE,
                student=student,
                day=_day(9),
                words="Progress report due Dec 11",
                link=reverse("caseload:student", args=[student.pk]),
                severity=Severity.WARN,
            )

    alerts = caseload_alerts_for(due.provider.user, today=TODAY, sources=[reports])
    assert asked == [(["S-0001"], TODAY)]
    assert [(a.student.ref, a.kind) for a in alerts.alerts] == [
        ("S-0001", AlertKind.REPORT_DUE),  # Dec 11 before the review on Dec 20
        ("S-0001", AlertKind.REVIEW_DUE),
    ]
    assert alerts.summary == "1 annual review due, 1 progress report to sign"


# --- A fixed number of queries ------------------------------------------------------------


def _caseload_of(provider, world: World, n: int) -> None:
    for i in range(n):
        ref = f"Q-{provider.user.username}-{i:03d}"
        student = make_student(ref=ref, classroom=world.classroom, provider=provider)
        kind = i % 4
        if kind == 0:  # expired
            _set_iep(student, start=dt.date(2025, 11, 1), end=_day(-i - 1), annual_review=_day(-5))
        elif kind == 1:  # review due
            _set_iep(student, annual_review=_day(i % 30))
        elif kind == 2:  # a newer IEP after the expired one
            _set_iep(student, start=dt.date(2025, 11, 1), end=_day(-2), annual_review=_day(-2))
            IEP.objects.create(
                student=student, start=_day(-1), end=_day(300), annual_review=_day(300)
            )


def test_alerts_for_a_whole_caseload_take_two_queries(
    world: World, django_assert_num_queries
) -> None:
    small = make_provider("small", world.district)
    big = make_provider("big", world.district)
    _caseload_of(small, world, 3)
    _caseload_of(big, world, 48)
    with django_assert_num_queries(2):
        few = caseload_alerts_for(small.user, today=TODAY)
    with django_assert_num_queries(2):
        many = caseload_alerts_for(big.user, today=TODAY)
    assert (len(few), len(many)) == (2, 24)
    assert many.count(AlertKind.IEP_EXPIRED) == 12


def test_caseload_page_and_today_do_not_grow_with_alerts(world: World, login) -> None:
    small = make_provider("small", world.district)
    big = make_provider("big", world.district)
    _caseload_of(small, world, 3)
    _caseload_of(big, world, 48)
    counts = {}
    for provider in (small, big):
        client = login(provider.user)
        for url in (URL, reverse("sessions:today")):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts[provider.user.username, url] = len(queries)
    assert counts["small", URL] == counts["big", URL]
    assert counts["small", reverse("sessions:today")] == counts["big", reverse("sessions:today")]
