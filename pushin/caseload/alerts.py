"""Alerts on a caseload: IEPs ending or expired, annual reviews due or overdue.

`caseload_alerts` is pure: it reads students and their IEPs already loaded
(`ieps_by_student`: one query) and makes no query, so a page of any size pays for its
students once. `caseload_alerts_for` loads a user's students for pages that have none
loaded (Today): two queries, whatever the caseload's size.

Other kinds of alert plug in as an `AlertSource`: a callable given the students shown
and the day, returning their alerts (the progress reports due and not signed:
pushin/progress/reports/alerts.py). The sources run once per page; an alert a source
returns about a student not shown is dropped, so a source can never show someone the
page does not.

The boundaries (docs/caseload.md), with `within` = 30 days:
- IEP ending: the IEP in force ends between today and today + 30, both included, and no
  later IEP is recorded. An IEP ending today is still in force: ending, not expired.
- IEP expired: no IEP in force today, every IEP ended before today, none starts later.
- Annual review due: the IEP in force (with no later IEP) has its annual review between
  today and today + 30, both included; overdue before today.
A later IEP (written at the review) ends the alerts of the one before it. Only active
students are alerted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.urls import reverse

from pushin.accounts.models import User
from pushin.caseload.access import StudentAccess, students_visible_to
from pushin.caseload.models import IEP, Student

ALERT_DAYS = 30  # how far ahead an IEP's end or annual review is alerted
_YEAR_SHOWN_AFTER = 180  # days: a date further from today than this carries its year


class AlertKind(StrEnum):
    IEP_EXPIRED = "iep_expired"
    REVIEW_OVERDUE = "review_overdue"
    REVIEW_DUE = "review_due"
    IEP_ENDING = "iep_ending"
    REPORT_DUE = "report_due"  # a progress report due this period and not yet signed


class Severity(StrEnum):
    """Also the badge's CSS class."""

    BAD = "bad"  # the date has passed: the record is out of order now
    WARN = "warn"  # the date is coming: act before it


# How a count of each kind reads (one, several), in the order summaries list them.
KIND_WORDS: dict[AlertKind, tuple[str, str]] = {
    AlertKind.IEP_EXPIRED: ("IEP expired", "IEPs expired"),
    AlertKind.REVIEW_OVERDUE: ("annual review overdue", "annual reviews overdue"),
    AlertKind.REVIEW_DUE: ("annual review due", "annual reviews due"),
    AlertKind.IEP_ENDING: ("IEP ending", "IEPs ending"),
    AlertKind.REPORT_DUE: ("progress report to sign", "progress reports to sign"),
}
_SEVERITY_ORDER = {Severity.BAD: 0, Severity.WARN: 1}
IEP_KINDS = frozenset(
    {AlertKind.IEP_EXPIRED, AlertKind.REVIEW_OVERDUE, AlertKind.REVIEW_DUE, AlertKind.IEP_ENDING}
)
_KIND_ORDER = {kind: i for i, kind in enumerate(AlertKind)}  # on one day: the review first


@dataclass(frozen=True)
class CaseloadAlert:
    """One thing to act on for one student: what (`kind`, `words`), when (`day`), where
    to act (`link`, a URL with opaque ids only) and how late it is (`severity`)."""

    kind: AlertKind
    student: Student
    day: dt.date
    words: str  # for a busy reader: "IEP ends in 12 days (Dec 14)"; never the name
    link: str
    severity: Severity


AlertSource = Callable[[Sequence[Student], dt.date], Iterable[CaseloadAlert]]


@dataclass(frozen=True)
class StudentAlerts:
    student: Student
    alerts: tuple[CaseloadAlert, ...]  # most urgent first

    @property
    def severity(self) -> Severity:
        return self.alerts[0].severity


@dataclass(frozen=True)
class CaseloadAlerts:
    today: dt.date
    within: int
    alerts: tuple[CaseloadAlert, ...]  # most urgent first (`_urgency`)

    def __bool__(self) -> bool:
        return bool(self.alerts)

    def __len__(self) -> int:
        return len(self.alerts)

    @property
    def by_student(self) -> list[StudentAlerts]:
        """One entry per student, in the order of their most urgent alert."""
        return _by_student(self.alerts)

    @property
    def iep_by_student(self) -> list[StudentAlerts]:
        """`by_student` of the IEP alerts only: each student's own dates to act on."""
        return _by_student(a for a in self.alerts if a.kind in IEP_KINDS)

    @property
    def reports(self) -> tuple[CaseloadAlert, ...]:
        """The progress reports to sign: batch work, a whole caseload at a period's end,
        that pages show folded under one line rather than a row per student."""
        return tuple(a for a in self.alerts if a.kind == AlertKind.REPORT_DUE)

    @property
    def reports_severity(self) -> Severity | None:
        return min(
            (a.severity for a in self.reports), key=_SEVERITY_ORDER.__getitem__, default=None
        )

    @property
    def student_count(self) -> int:
        return len({alert.student.pk for alert in self.alerts})

    def count(self, kind: AlertKind) -> int:
        return sum(1 for alert in self.alerts if alert.kind == kind)

    @property
    def counts(self) -> list[tuple[AlertKind, int, str]]:
        """(kind, how many, in words) for each kind present: '2 annual reviews due'."""
        rows = []
        for kind, (one, several) in KIND_WORDS.items():
            n = self.count(kind)
            if n:
                rows.append((kind, n, f"{n} {one if n == 1 else several}"))
        return rows

    @property
    def summary(self) -> str:
        """'1 IEP expired, 2 annual reviews due'; '' without alerts."""
        return ", ".join(words for _, _, words in self.counts)

    @property
    def severity(self) -> Severity | None:
        return self.alerts[0].severity if self.alerts else None


def _by_student(alerts: Iterable[CaseloadAlert]) -> list[StudentAlerts]:
    grouped: dict[int, list[CaseloadAlert]] = {}
    for alert in alerts:
        grouped.setdefault(alert.student.pk, []).append(alert)
    return [StudentAlerts(found[0].student, tuple(found)) for found in grouped.values()]


def alerted(access: StudentAccess) -> bool:
    """IEP-date alerts go to the people who see a student's IEP dates and act on them:
    providers (their caseload) and the administrator (the district). A teacher sees the
    review date in the list but is not alerted; a para sees no IEP dates at all."""
    return access.mandate and access.edit


def _day(day: dt.date, today: dt.date) -> str:
    words = f"{day:%b} {day.day}"
    if abs((day - today).days) > _YEAR_SHOWN_AFTER:
        words += f", {day.year}"
    return words


def _student_link(student: Student) -> str:
    return reverse("caseload:student", args=[student.pk])


def _ending_words(end: dt.date, today: dt.date) -> str:
    days = (end - today).days
    when = "today" if days == 0 else "tomorrow" if days == 1 else f"in {days} days"
    return f"IEP ends {when} ({_day(end, today)})"


def _review_words(review: dt.date, today: dt.date) -> str:
    if review < today:
        return f"Annual review overdue: was due {_day(review, today)}"
    if review == today:
        return f"Annual review due today ({_day(review, today)})"
    return f"Annual review due {_day(review, today)}"


def _alerted_iep(ieps: Sequence[IEP], today: dt.date, within: int) -> tuple[IEP, bool] | None:
    """The IEP a student's alerts are about and whether it has expired (module
    docstring); None when there is nothing to alert."""
    if not ieps:
        return None
    in_force = [iep for iep in ieps if iep.is_in_force(today)]
    if not in_force:
        if any(iep.start > today for iep in ieps):
            return None  # the next IEP is written: it starts later
        return max(ieps, key=lambda iep: (iep.end, iep.pk)), True
    current = max(in_force, key=lambda iep: (iep.start, iep.pk))
    if any(iep.start > current.start for iep in ieps):
        return None  # reviewed: the next IEP is recorded
    if (current.annual_review - today).days > within and (current.end - today).days > within:
        return None
    return current, False


def has_iep_alerts(ieps: Sequence[IEP], *, today: dt.date, within: int = ALERT_DAYS) -> bool:
    """Whether an active student with these IEPs has IEP alerts (`iep_alerts`), without
    the student: a page loads as objects only the students it names. No query."""
    return _alerted_iep(ieps, today, within) is not None


def iep_alerts(
    student: Student, ieps: Sequence[IEP], *, today: dt.date, within: int = ALERT_DAYS
) -> list[CaseloadAlert]:
    """A student's IEP alerts on `today` (module docstring). No query."""
    if not student.active:
        return []
    found = _alerted_iep(ieps, today, within)
    if found is None:
        return []
    iep, expired = found
    link = _student_link(student)  # only for the students alerted: reverse() costs
    if expired:
        return [
            CaseloadAlert(
                kind=AlertKind.IEP_EXPIRED,
                student=student,
                day=iep.end,
                words=f"IEP expired {_day(iep.end, today)} — no IEP in force",
                link=link,
                severity=Severity.BAD,
            )
        ]
    alerts = []
    review_in = (iep.annual_review - today).days
    if review_in <= within:
        alerts.append(
            CaseloadAlert(
                kind=AlertKind.REVIEW_OVERDUE if review_in < 0 else AlertKind.REVIEW_DUE,
                student=student,
                day=iep.annual_review,
                words=_review_words(iep.annual_review, today),
                link=link,
                severity=Severity.BAD if review_in < 0 else Severity.WARN,
            )
        )
    if (iep.end - today).days <= within:  # in force today, so it ends today or later
        alerts.append(
            CaseloadAlert(
                kind=AlertKind.IEP_ENDING,
                student=student,
                day=iep.end,
                words=_ending_words(iep.end, today),
                link=link,
                severity=Severity.WARN,
            )
        )
    return alerts


def _urgency(alert: CaseloadAlert) -> tuple[int, int, dt.date, str, str, int, int]:
    """What has passed first (expired IEPs, then overdue reviews, each the oldest first),
    then what is coming, the soonest first."""
    s = alert.student
    late = alert.severity == Severity.BAD
    return (
        _SEVERITY_ORDER[alert.severity],
        _KIND_ORDER[alert.kind] if late else 0,
        alert.day,
        s.last_name,
        s.first_name,
        s.pk,
        _KIND_ORDER[alert.kind],
    )


def ieps_by_student(student_ids: Iterable[int]) -> dict[int, list[IEP]]:
    """Each student's IEPs (a key for every student asked for), in one query. Plain lists,
    not `prefetch_related`: a related manager per student was most of a long caseload's
    time."""
    ieps: dict[int, list[IEP]] = {pk: [] for pk in student_ids}
    for iep in IEP.objects.filter(student_id__in=list(ieps)):
        ieps[iep.student_id].append(iep)
    return ieps


def caseload_alerts(
    students: Iterable[Student],
    *,
    ieps: Mapping[int, Sequence[IEP]],
    today: dt.date,
    within: int = ALERT_DAYS,
    sources: Sequence[AlertSource] = (),
    about: set[int] | None = None,
) -> CaseloadAlerts:
    """The alerts of `students` (with `ieps`: `ieps_by_student`) on `today`, with those of
    each source about these students (or, given `about`, about the students of these ids:
    a page that loads as objects only the students it names, `has_iep_alerts`, counts
    every student it lists). The IEP alerts make no query."""
    shown = [s for s in students if s.active]
    alerts = [a for s in shown for a in iep_alerts(s, ieps[s.pk], today=today, within=within)]
    ids = {s.pk for s in shown} if about is None else about
    for source in sources:
        alerts += [a for a in source(shown, today) if a.student.pk in ids]
    return CaseloadAlerts(today=today, within=within, alerts=tuple(sorted(alerts, key=_urgency)))


def no_alerts(today: dt.date, within: int = ALERT_DAYS) -> CaseloadAlerts:
    return CaseloadAlerts(today=today, within=within, alerts=())


def caseload_alerts_for(
    user: User, *, today: dt.date, sources: Sequence[AlertSource] = ()
) -> CaseloadAlerts:
    """The alerts on every student `user` sees (none for those `alerted` leaves out):
    two queries plus the sources', whatever the number of students."""
    if not user.is_authenticated or not alerted(StudentAccess.for_user(user)):
        return no_alerts(today)
    students = list(students_visible_to(user).order_by("pk"))
    return caseload_alerts(
        students, ieps=ieps_by_student(s.pk for s in students), today=today, sources=sources
    )
