"""Progress reports due and not signed, as caseload alerts (pushin/progress/reports/alerts.py
plugged into pushin/caseload/alerts.py): from 30 days before the period ends, late once
it has ended, gone once signed; the provider's own caseload only.

Q2 runs Nov 9, 2026 to Jan 29, 2027 (tests/progress/reports/helpers.py); the clock
starts on Wed Dec 2, 2026 and moves where a test says."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pushin.caseload.alerts import AlertKind, Severity, caseload_alerts_for
from pushin.ids import encode_id
from pushin.progress.reports.alerts import caseload_alert_sources
from tests.factories import World, make_provider, make_student
from tests.page_text import page_text
from tests.progress.reports.helpers import ReportWorld, drafted, report_world, signed

NEW_YORK = ZoneInfo("America/New_York")
CASELOAD = reverse("caseload:list")
TODAY_URL = reverse("sessions:today")


@pytest.fixture
def rw(world: World) -> ReportWorld:
    return report_world(world)


def _move(time_machine, day: dt.date) -> None:
    time_machine.move_to(dt.datetime(day.year, day.month, day.day, 12, tzinfo=NEW_YORK))


def _reports(user, day: dt.date) -> list[tuple[str, str, Severity, str]]:
    alerts = caseload_alerts_for(user, today=day, sources=caseload_alert_sources(user))
    return [(a.student.ref, a.words, a.severity, a.link) for a in alerts.reports]


def test_a_report_is_alerted_from_30_days_before_its_period_ends(rw: ReportWorld) -> None:
    user = rw.world.provider.user
    assert _reports(user, dt.date(2026, 12, 29)) == []  # Q2 ends in 31 days
    reports_page = reverse("progress:reports", args=[rw.world.provider.pk])
    assert _reports(user, dt.date(2026, 12, 30)) == [  # in 30 days
        (
            "S-0001",
            "Q2 progress report due Jan 29, not started",
            Severity.WARN,
            f"{reports_page}?period={encode_id(rw.q2.pk)}",
        )
    ]
    assert _reports(user, dt.date(2027, 1, 29))[0][1:3] == (
        "Q2 progress report due Jan 29, not started",
        Severity.WARN,
    )


def test_an_unsigned_report_of_a_period_that_ended_is_late(rw: ReportWorld) -> None:
    [(ref, words, severity, _)] = _reports(rw.world.provider.user, dt.date(2027, 2, 1))
    assert (ref, words, severity) == (
        "S-0001",
        "Q2 progress report not signed: ended Jan 29, not started",
        Severity.BAD,
    )


def test_a_draft_links_to_itself_and_signing_ends_the_alert(rw: ReportWorld, time_machine) -> None:
    _move(time_machine, dt.date(2027, 1, 6))
    report = drafted(rw)
    [(_, words, _, link)] = _reports(rw.world.provider.user, dt.date(2027, 1, 6))
    assert words == "Q2 progress report due Jan 29, draft"
    assert link == reverse("progress:report", args=[report.pk])
    signed(rw)
    assert _reports(rw.world.provider.user, dt.date(2027, 1, 6)) == []


def test_only_the_provider_is_alerted_about_their_own_reports(rw: ReportWorld) -> None:
    day = dt.date(2027, 1, 6)
    assert [ref for ref, *_ in _reports(rw.world.other_provider.user, day)] == ["S-0002"]
    for user in (rw.world.admin, rw.world.teacher, rw.world.para):
        assert _reports(user, day) == []


def test_today_counts_them_and_the_caseload_folds_them_under_one_line(
    rw: ReportWorld, login, time_machine
) -> None:
    _move(time_machine, dt.date(2027, 1, 6))
    client = login(rw.world.provider.user)
    today = " ".join(page_text(client.get(TODAY_URL).content.decode()).split())
    assert "Caseload: 1 student to act on 1 progress report to sign See the alerts" in today
    html = client.get(CASELOAD).content.decode()
    start = html.rindex("<details", 0, html.index('id="alerts-reports"'))
    folded = " ".join(page_text(html[start : html.index("</details>", start)]).split())
    assert folded.startswith("1 progress report to sign, due Jan 29")
    assert "Avery Sample Q2 progress report due Jan 29, not started" in folded
    admin_html = login(rw.world.admin).get(CASELOAD).content.decode()
    assert 'id="alerts-reports"' not in admin_html


def test_pages_with_report_alerts_do_not_grow_with_the_caseload(
    rw: ReportWorld, login, time_machine
) -> None:
    world = rw.world
    small = make_provider("small", world.district)
    big = make_provider("big", world.district)
    for provider, n in ((small, 2), (big, 30)):
        for i in range(n):
            make_student(ref=f"R-{provider.pk}-{i}", classroom=world.classroom, provider=provider)
    _move(time_machine, dt.date(2027, 1, 6))
    counts = {}
    for provider in (small, big):
        client = login(provider.user)
        for url in (CASELOAD, TODAY_URL):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200
            counts[provider.user.username, url] = len(queries)
        alerts = response.context["alerts"]
        assert alerts.count(AlertKind.REPORT_DUE) == (2 if provider is small else 30)
    assert counts["small", CASELOAD] == counts["big", CASELOAD]
    assert counts["small", TODAY_URL] == counts["big", TODAY_URL]
