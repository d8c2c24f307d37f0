"""`reports_due(provider, today)`: the caseload's students whose report for the period in
force, or one that ended in the last three weeks, is not signed (for the caseload
alerts)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pushin.progress.reports.selectors import REPORT_GRACE_DAYS, reports_due
from pushin.progress.reports.services import report_amend, report_draft, report_sign
from tests.factories import make_student
from tests.progress.reports.helpers import Q1_END, drafted, report_world, signed

pytestmark = pytest.mark.django_db


@pytest.fixture
def rw(world):
    return report_world(world)


def _due(rw, today):
    return [
        (d.student.ref, d.period.name, d.status.word) for d in reports_due(rw.world.provider, today)
    ]


def test_the_period_in_force_is_due_until_signed(rw):
    today = dt.date(2026, 12, 2)  # Q1 ended 26 days ago: past the grace
    assert _due(rw, today) == [("S-0001", "Q2", "Not started")]
    report = drafted(rw)
    assert _due(rw, today) == [("S-0001", "Q2", "Draft")]
    report = report_sign(actor=rw.world.provider.user, report=report)
    assert _due(rw, today) == []
    report_amend(actor=rw.world.provider.user, report=report, reason="A late entry.")
    assert _due(rw, today) == [("S-0001", "Q2", "Draft (amendment)")]


def test_a_period_just_ended_stays_due_for_three_weeks(rw):
    last = Q1_END + dt.timedelta(days=REPORT_GRACE_DAYS)
    assert ("S-0001", "Q1", "Not started") in _due(rw, last)
    assert ("S-0001", "Q1", "Not started") not in _due(rw, last + dt.timedelta(days=1))
    q1, _ = report_draft(
        actor=rw.world.provider.user, provider=rw.world.provider, student=rw.world.student,
        period=rw.q1,
    )  # fmt: skip
    report_sign(actor=rw.world.provider.user, report=q1, today=dt.date(2026, 11, 20))
    assert _due(rw, dt.date(2026, 11, 20)) == [("S-0001", "Q2", "Not started")]


def test_only_the_providers_active_students_in_a_fixed_number_of_queries(rw):
    signed(rw)
    others = [
        make_student(ref=f"S-01{n}", classroom=rw.world.classroom, provider=rw.world.provider)
        for n in range(3)
    ]
    others[0].active = False
    others[0].save(update_fields=["active"])
    with CaptureQueriesContext(connection) as queries:
        due = reports_due(rw.world.provider, dt.date(2026, 12, 2))
    assert [d.student.ref for d in due] == ["S-011", "S-012"]
    assert len(queries) == 3
    assert reports_due(rw.world.other_provider, dt.date(2026, 12, 2))[0].student == (
        rw.world.other_student
    )


def test_ending_within_keeps_the_periods_ending_that_soon_or_ended(rw):
    today = dt.date(2026, 12, 2)  # Q2 ends Jan 29, in 58 days
    with CaptureQueriesContext(connection) as queries:
        assert reports_due(rw.world.provider, today, ending_within=30) == []
    assert len(queries) == 1  # the periods only: no student or report read
    assert [d.period.name for d in reports_due(rw.world.provider, today, ending_within=58)] == [
        "Q2"
    ]
    ended = Q1_END + dt.timedelta(days=3)  # Q1 ended, Q2 in force and ending in 84 days
    assert [d.period.name for d in reports_due(rw.world.provider, ended, ending_within=30)] == [
        "Q1"
    ]
