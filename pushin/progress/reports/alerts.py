"""Progress reports due and not signed, as caseload alerts (pushin/caseload/alerts.py).

`report_alert_source(provider)` is the source the provider's caseload page and Today
plug in: it reads `reports_due` (a fixed number of queries) and keeps the reports to act
on now. A period's report is alerted from 30 days before the period ends (`ALERT_DAYS`,
the window of the IEP alerts) while it is unsigned; after the period has ended, for as
long as `reports_due` holds it due (`REPORT_GRACE_DAYS`), it is late. A report signed
(or an amendment signed) ends its alert.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.urls import reverse

from pushin.accounts.models import Role, User
from pushin.caseload.alerts import ALERT_DAYS, AlertKind, AlertSource, CaseloadAlert, Severity
from pushin.caseload.models import Student
from pushin.district.models import Provider
from pushin.ids import encode_id
from pushin.progress.reports.selectors import ReportDue, reports_due


def _day(day: dt.date) -> str:
    return f"{day:%b} {day.day}"


def report_alert(due: ReportDue, *, today: dt.date, provider: Provider) -> CaseloadAlert:
    period = due.period
    status = due.status.word.lower()  # "not started", "draft", "draft (amendment)"
    if period.end < today:
        words = f"{period.name} progress report not signed: ended {_day(period.end)}, {status}"
    else:
        words = f"{period.name} progress report due {_day(period.end)}, {status}"
    if due.report is not None:
        link = reverse("progress:report", args=[due.report.pk])
    else:  # not started: the caseload's reports of the period, where it is drafted
        link = reverse("progress:reports", args=[provider.pk]) + f"?period={encode_id(period.pk)}"
    return CaseloadAlert(
        kind=AlertKind.REPORT_DUE,
        student=due.student,
        day=period.end,
        words=words,
        link=link,
        severity=Severity.BAD if period.end < today else Severity.WARN,
    )


def report_alerts(
    due: Iterable[ReportDue], *, today: dt.date, provider: Provider, within: int = ALERT_DAYS
) -> list[CaseloadAlert]:
    """The reports of `due` to act on now: their period ends within `within` days or has
    ended. No query."""
    return [
        report_alert(item, today=today, provider=provider)
        for item in due
        if (item.period.end - today).days <= within
    ]


def report_alert_source(provider: Provider) -> AlertSource:
    """The provider's progress reports due and not signed, as an alert source."""

    def source(students: Sequence[Student], today: dt.date) -> list[CaseloadAlert]:
        # Only the periods report_alerts keeps: most of the year none ends within the
        # window, and the caseload's students and reports need not be read at all.
        due = reports_due(provider, today, ending_within=ALERT_DAYS)
        return report_alerts(due, today=today, provider=provider)

    return source


def caseload_alert_sources(user: User) -> list[AlertSource]:
    """The alert sources of a user's caseload page and Today: a provider's own progress
    reports; nobody else writes reports (an administrator reads each provider's)."""
    if not user.is_authenticated or user.role != Role.PROVIDER:
        return []
    provider = Provider.objects.select_related("district").filter(user=user).first()
    return [report_alert_source(provider)] if provider is not None else []
