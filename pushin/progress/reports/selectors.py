"""Reads of progress reports: a caseload's for a period, one report's page, a student's
reports, and the reports due (`reports_due`, for the caseload alerts).

A signed report is shown only from its snapshot; whether the record changed since it was
signed is its stored fingerprint against one computed now over the same days. Every read
here is a fixed number of queries whatever the number of students (the minutes ledger
once per distinct last day of data among the signed reports).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from pushin.caseload.models import Student
from pushin.district.models import District, ProgressPeriod, Provider
from pushin.progress.models import ProgressReport, ReportGoal, ReportStatus
from pushin.progress.reports.codes import code_words
from pushin.progress.reports.document import Document
from pushin.progress.reports.draft import Facts, document_of, gather_facts, report_through
from pushin.sessions.ledger import family
from pushin.sessions.models import StatusWord

# A period's reports are due while it runs and for this many days after it ends.
REPORT_GRACE_DAYS = 21

NOT_STARTED = StatusWord("Not started", "")
DRAFT = StatusWord("Draft", "warn")
AMENDING = StatusWord("Draft (amendment)", "warn")
SIGNED = StatusWord("Signed", "ok")
CHANGED = StatusWord("Signed, data changed after", "bad")


# --- Periods ---------------------------------------------------------------------------


def periods_of(district: District) -> list[ProgressPeriod]:
    return list(ProgressPeriod.objects.filter(district=district).order_by("start"))


def period_in_force(periods: Sequence[ProgressPeriod], today: dt.date) -> ProgressPeriod | None:
    """The period containing today; else the last one that ended; else the first."""
    for period in periods:
        if period.start <= today <= period.end:
            return period
    ended = [p for p in periods if p.end < today]
    if ended:
        return max(ended, key=lambda p: p.end)
    return periods[0] if periods else None


def periods_due(periods: Sequence[ProgressPeriod], today: dt.date) -> list[ProgressPeriod]:
    """The periods whose reports are due today: the one in force, and any that ended in
    the last `REPORT_GRACE_DAYS` days."""
    grace = today - dt.timedelta(days=REPORT_GRACE_DAYS)
    return [p for p in periods if p.start <= today and p.end >= grace]


# --- Latest revisions and their status -----------------------------------------------------


def latest_revisions(
    student_ids: Sequence[int], period: ProgressPeriod, fam: str, *, snapshot: bool = False
) -> dict[int, ProgressReport]:
    """Each student's latest revision of the period's report for `fam` (one query; the
    snapshot is left unread unless asked for)."""
    reports = ProgressReport.objects.filter(
        student_id__in=student_ids, period=period, family=fam
    ).order_by("student_id", "revision")
    if not snapshot:
        reports = reports.defer("snapshot")
    return {r.student_id: r for r in reports}  # the last revision wins


def changed_since_signing(
    district: District, period: ProgressPeriod, reports: Sequence[ProgressReport]
) -> set[int]:
    """The signed reports (ids) whose record now differs from what they were made from."""
    signed = [r for r in reports if r.is_signed and r.through is not None]
    if not signed:
        return set()
    students = {r.student_id: r.student for r in signed}
    facts = gather_facts(
        district=district,
        period=period,
        family=signed[0].family,
        students=list(students.values()),
        through={r.student_id: r.through for r in signed if r.through is not None},
    )
    return {r.pk for r in signed if facts[r.student_id].fingerprint() != r.fingerprint}


def status_of(report: ProgressReport | None, changed: set[int]) -> StatusWord:
    if report is None:
        return NOT_STARTED
    if report.status == ReportStatus.DRAFT:
        return AMENDING if report.revision > 1 else DRAFT
    return CHANGED if report.pk in changed else SIGNED


# --- A caseload's reports -----------------------------------------------------------------


@dataclass
class CaseloadRow:
    student: Student
    report: ProgressReport | None
    status: StatusWord


@dataclass
class CaseloadReports:
    provider: Provider
    period: ProgressPeriod
    family: str
    rows: list[CaseloadRow] = field(default_factory=list)

    def count(self, status: StatusWord) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def not_started(self) -> int:
        return self.count(NOT_STARTED)

    @property
    def drafts(self) -> int:
        return self.count(DRAFT) + self.count(AMENDING)

    @property
    def signed(self) -> int:
        return self.count(SIGNED) + self.count(CHANGED)

    @property
    def changed(self) -> int:
        return self.count(CHANGED)


def caseload_students(provider: Provider) -> list[Student]:
    return list(
        provider.students.filter(active=True)
        .select_related("classroom__school")
        .order_by("last_name", "first_name", "pk")
    )


def caseload_reports(provider: Provider, period: ProgressPeriod) -> CaseloadReports:
    """Every active student of the provider's caseload with their report's status for
    `period` (not started, draft, signed, signed with the data changed after)."""
    fam = family(provider.discipline)
    students = caseload_students(provider)
    by_id = {s.pk: s for s in students}
    latest = latest_revisions(list(by_id), period, fam)
    for found in latest.values():
        found.student = by_id[found.student_id]
    changed = changed_since_signing(provider.district, period, list(latest.values()))
    page = CaseloadReports(provider=provider, period=period, family=fam)
    for student in students:
        report = latest.get(student.pk)
        page.rows.append(CaseloadRow(student, report, status_of(report, changed)))
    return page


@dataclass(frozen=True)
class CaseloadDocument:
    student: Student
    report: ProgressReport | None
    document: Document | None  # None: no report yet
    changed: bool


def caseload_documents(
    provider: Provider, period: ProgressPeriod, today: dt.date
) -> list[CaseloadDocument]:
    """Each student's latest report of the period as a document (the batch PDF): a signed
    one from its snapshot, a draft from the record (graphs not drawn: the PDF draws them).
    A fixed number of queries."""
    fam = family(provider.discipline)
    students = caseload_students(provider)
    by_id = {s.pk: s for s in students}
    latest = latest_revisions(list(by_id), period, fam, snapshot=True)
    drafts = [r for r in latest.values() if not r.is_signed]
    entries: dict[int, dict[int, ReportGoal]] = {}
    for entry in ReportGoal.objects.filter(report__in=drafts).order_by("pk"):
        entries.setdefault(entry.report_id, {})[entry.goal_id] = entry
    through = {
        r.student_id: (r.through if r.is_signed and r.through else report_through(period, today))
        for r in latest.values()
    }
    facts = gather_facts(
        district=provider.district,
        period=period,
        family=fam,
        students=[by_id[pk] for pk in through],
        through=through,
    )
    words = code_words(provider.district_id)
    authors = _authors(drafts)
    found = []
    for student in students:
        report = latest.get(student.pk)
        if report is None:
            found.append(CaseloadDocument(student, None, None, False))
            continue
        own = facts[student.pk]
        if report.is_signed and report.snapshot is not None:
            document = Document.from_json(report.snapshot)
            changed = own.fingerprint() != report.fingerprint
        else:
            document = _draft_document(
                report, own, words, authors.get(report.pk, ""), entries.get(report.pk, {})
            )
            changed = False
        found.append(CaseloadDocument(student, report, document, changed))
    return found


def _authors(reports: Sequence[ProgressReport]) -> dict[int, str]:
    from pushin.accounts.models import User

    ids = {r.created_by_id for r in reports if r.created_by_id is not None}
    names = {u.pk: u.display_name for u in User.objects.filter(pk__in=ids)} if ids else {}
    return {r.pk: names.get(r.created_by_id or 0, "") for r in reports}


def _draft_document(
    report: ProgressReport,
    facts: Facts,
    words: dict[str, str],
    author: str,
    entries: dict[int, ReportGoal],
    *,
    draw: bool = False,
) -> Document:
    return document_of(
        facts,
        words=words,
        author=author,
        entries=entries,
        draw=draw,
        revision=report.revision,
        amend_reason=report.amend_reason,
    )


# --- One report ---------------------------------------------------------------------------


@dataclass
class ReportPage:
    report: ProgressReport
    document: Document
    changed: bool  # signed, and the record changed since
    revisions: list[ProgressReport]  # every revision of this report, oldest first
    amended_by: ProgressReport | None  # the next revision, if any

    @property
    def latest(self) -> bool:
        return self.amended_by is None


def report_document(report: ProgressReport, *, today: dt.date, draw: bool = True) -> Document:
    """The document of one report: a signed one's snapshot, a draft's from the record."""
    if report.is_signed and report.snapshot is not None:
        return Document.from_json(report.snapshot)
    student = report.student
    facts = gather_facts(
        district=report.period.district,
        period=report.period,
        family=report.family,
        students=[student],
        through={student.pk: report_through(report.period, today)},
    )[student.pk]
    entries = {e.goal_id: e for e in report.entries.all()}
    author = report.created_by.display_name if report.created_by else ""
    return _draft_document(
        report, facts, code_words(student.district_id), author, entries, draw=draw
    )


def report_changed(report: ProgressReport) -> bool:
    """A signed report whose record differs now from what it was made from."""
    if not report.is_signed:
        return False
    return bool(changed_since_signing(report.period.district, report.period, [report]))


def report_page(report: ProgressReport, *, today: dt.date) -> ReportPage:
    revisions = list(
        ProgressReport.objects.filter(
            student_id=report.student_id, period_id=report.period_id, family=report.family
        )
        .defer("snapshot")
        .select_related("signed_by")
        .order_by("revision")
    )
    amended_by = next((r for r in revisions if r.amends_id == report.pk), None)
    return ReportPage(
        report=report,
        document=report_document(report, today=today),
        changed=report_changed(report),
        revisions=revisions,
        amended_by=amended_by,
    )


# --- A student's reports, and the reports due -------------------------------------------------


def student_reports(student: Student) -> list[ProgressReport]:
    """Every revision of every report of the student, the latest period first."""
    return list(
        ProgressReport.objects.filter(student=student)
        .defer("snapshot")
        .select_related("period", "signed_by")
        .order_by("-period__start", "family", "-revision")
    )


def shared_reports(student: Student, *, teacher: bool) -> list[ProgressReport]:
    """The student's signed revisions shared with the teacher (or with the paras)."""
    shared = {"shared_with_teacher": True} if teacher else {"shared_with_paras": True}
    return list(
        ProgressReport.objects.filter(student=student, status=ReportStatus.SIGNED, **shared)
        .defer("snapshot")
        .select_related("period")
        .order_by("-period__start", "family", "-revision")
    )


@dataclass(frozen=True)
class ReportDue:
    """A student whose report of a period due is not signed."""

    student: Student
    period: ProgressPeriod
    report: ProgressReport | None  # the latest revision (a draft), or None: not started
    status: StatusWord


def reports_due(
    provider: Provider, today: dt.date, *, ending_within: int | None = None
) -> list[ReportDue]:
    """For the caseload alerts: the provider's active students whose progress report (of
    the provider's discipline family) for a period due today is not signed, the period
    in force or one that ended in the last `REPORT_GRACE_DAYS` days. A report whose latest
    revision is an amendment not yet signed is due too. Ordered by period, then name.
    Given `ending_within`, only of the periods ending within that many days (or ended).
    Three queries; one when no period is due."""
    periods = periods_due(periods_of(provider.district), today)
    if ending_within is not None:
        periods = [p for p in periods if (p.end - today).days <= ending_within]
    if not periods:
        return []
    fam = family(provider.discipline)
    students = caseload_students(provider)
    latest: dict[tuple[int, int], ProgressReport] = {}
    for found in (
        ProgressReport.objects.filter(student__in=students, period__in=periods, family=fam)
        .defer("snapshot")
        .order_by("revision")
    ):
        latest[(found.student_id, found.period_id)] = found
    due = []
    for period in periods:
        for student in students:
            report = latest.get((student.pk, period.pk))
            if report is None or not report.is_signed:
                due.append(ReportDue(student, period, report, status_of(report, set())))
    return due
