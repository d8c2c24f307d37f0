"""Privacy requests about one student (docs/privacy.md): export everything, deactivate, and
delete after the district's retention period, leaving a tombstone in the audit log.

The administrator's pages are in `privacy_views.py`; these are the services they call.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from typing import Any

from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, Max
from django.utils import timezone

from pushin.accounts.audit import audit_record
from pushin.accounts.models import AuditAction, AuditEntry, User
from pushin.caseload.models import (
    IEP,
    Goal,
    GoalFitOverride,
    MandateVersion,
    RecordRetention,
    Service,
    Student,
    StudentDeparture,
    StudentUnavailability,
)
from pushin.collaboration.models import FollowUp, FollowUpReply, StrategyUse, StudentStrategy
from pushin.district.models import District
from pushin.planning.models import ScheduledSessionStudent
from pushin.progress.models import ProgressReport, ReportGoal
from pushin.sessions.models import Amendment, DataPoint, DatedSession, SessionStudent
from pushin.watchlist.models import CarriedObservation

# --- Retention ------------------------------------------------------------------------------


def retention_years(district: District) -> int:
    row = RecordRetention.objects.filter(district=district).first()
    return row.years if row is not None else RecordRetention.DEFAULT_YEARS


@transaction.atomic
def record_retention_set(*, actor: User, district: District, years: int) -> RecordRetention:
    if not 1 <= years <= RecordRetention.MAX_YEARS:
        raise ValidationError(
            {"years": f"Keep records between 1 and {RecordRetention.MAX_YEARS} years."}
        )
    row, _ = RecordRetention.objects.get_or_create(district=district)
    before = row.years
    row.years = years
    row.save(update_fields=["years"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=row,
        detail={"years": {"from": before, "to": years}},
    )
    return row


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Retention:
    """When a student's records may be deleted, and why not yet."""

    years: int
    left_on: dt.date | None  # made inactive on the privacy page
    last_session: dt.date | None
    deletable_from: dt.date | None  # None: not while the student is active / never left
    refusal: str  # empty when deletable today

    @property
    def deletable(self) -> bool:
        return not self.refusal


def student_retention(student: Student, *, today: dt.date) -> Retention:
    years = retention_years(student.district)
    departure = StudentDeparture.objects.filter(student=student).first()
    held = SessionStudent.objects.filter(student=student, session__date__lte=today).exclude(
        attendance=""
    )
    last = held.aggregate(last=Max("session__date"))["last"]
    left_on = departure.left_on if departure is not None else None
    if student.active:
        return Retention(years, left_on, last, None, "The student is active: deactivate first.")
    if left_on is None:
        return Retention(
            years,
            None,
            last,
            None,
            "No departure date is recorded (the student was made inactive elsewhere): "
            "deactivate on this page to record it.",
        )
    start = max(left_on, last) if last is not None else left_on
    deletable_from = _years_after(start, years)
    refusal = ""
    if today < deletable_from:
        refusal = (
            f"The district keeps records {years} years after a student leaves and after "
            f"their last session: these may be deleted from {deletable_from:%B %-d, %Y}."
        )
    return Retention(years, left_on, last, deletable_from, refusal)


# --- Deactivate -----------------------------------------------------------------------------


@transaction.atomic
def student_deactivate(*, actor: User, student: Student) -> StudentDeparture:
    """Make the student inactive (off every caseload and plan) and record the day they left."""
    locked = Student.objects.select_for_update().get(pk=student.pk)
    if not locked.active and StudentDeparture.objects.filter(student=locked).exists():
        raise ValidationError("The student is already inactive.")
    today = timezone.localdate()
    locked.active = False
    locked.save(update_fields=["active"])
    departure, _ = StudentDeparture.objects.update_or_create(
        student=locked, defaults={"left_on": today, "recorded_by": actor}
    )
    # Off the calendar: their places in sessions still to come, where nothing was recorded,
    # go (the calendar adds only active students; whatever was recorded stays).
    planned = list(
        SessionStudent.objects.filter(student=locked, session__date__gt=today, attendance="")
        .filter(data__isnull=True, amendments__isnull=True)
        .values_list("pk", "session_id")
    )
    SessionStudent.objects.filter(pk__in=[pk for pk, _ in planned]).delete()
    for pk, session_id in planned:
        AuditEntry.objects.create(
            actor=actor,
            action=AuditAction.DELETE,
            object_type=SessionStudent._meta.label_lower,
            object_id=str(pk),
            student_id=locked.pk,
            detail={"session": session_id, "why": "student deactivated"},
        )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        student_id=locked.pk,
        detail={"active": {"from": student.active, "to": False}, "left_on": today.isoformat()},
    )
    student.active = False
    return departure


# --- Export ---------------------------------------------------------------------------------


def _student_rows(student: Student) -> list[tuple[str, models.QuerySet[Any]]]:
    """Every row about the student, by model, in a stable order."""
    records = SessionStudent.objects.filter(student=student)
    sessions = DatedSession.objects.filter(members__student=student).distinct()
    followups = FollowUp.objects.filter(session__in=sessions)
    reports = ProgressReport.objects.filter(student=student)
    uses = StrategyUse.objects.filter(student_strategy__student=student)
    querysets: list[models.QuerySet[Any]] = [
        Student.objects.filter(pk=student.pk),
        StudentDeparture.objects.filter(student=student),
        StudentUnavailability.objects.filter(student=student),
        IEP.objects.filter(student=student),
        Service.objects.filter(iep__student=student),
        MandateVersion.objects.filter(service__iep__student=student),
        Goal.objects.filter(iep__student=student),
        GoalFitOverride.objects.filter(goal__iep__student=student),
        ScheduledSessionStudent.objects.filter(student=student),
        sessions,
        records,
        DataPoint.objects.filter(record__student=student),
        Amendment.objects.filter(record__student=student),
        followups,
        FollowUpReply.objects.filter(followup__in=followups),
        StudentStrategy.objects.filter(student=student),
        uses,
        reports,
        ReportGoal.objects.filter(report__in=reports),
        CarriedObservation.objects.filter(student=student),  # from the watch list
        AuditEntry.objects.filter(student_id=student.pk),
    ]
    return [(qs.model._meta.label_lower, qs.order_by("pk")) for qs in querysets]


def student_export(*, actor: User, student: Student) -> bytes:
    """A ZIP of everything about the student: one JSON file per kind of record
    (`records/<app>.<model>.json`, Django's serialization), the service log as CSV and every
    progress report revision as its PDF. Writes one EXPORT audit entry."""
    # Imported here: the report and export modules import the caseload's models.
    from pushin.progress.reports import selectors as report_selectors
    from pushin.progress.reports.pdf import PdfReport, report_pdf
    from pushin.sessions import export as service_log

    today = timezone.localdate()
    buffer = io.BytesIO()
    counts: dict[str, int] = {}
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for label, queryset in _student_rows(student):
            rows = list(queryset)
            counts[label] = len(rows)
            archive.writestr(f"records/{label}.json", serializers.serialize("json", rows, indent=2))
        district = student.district
        records = service_log.service_log_records(
            user=actor,
            district=district,
            start=dt.date(1900, 1, 1),
            end=today,
            include_unsigned=True,
        ).filter(student=student)
        archive.writestr(
            "service-log.csv",
            "".join(
                service_log.service_log_lines(
                    records,
                    rule=service_log.BillingRule.of(district),
                    notes=service_log.includes_notes(actor),
                )
            ),
        )
        reports = ProgressReport.objects.filter(student=student).select_related("period")
        for report in reports.order_by("period__start", "family", "revision"):
            document = report_selectors.report_document(report, today=today, draw=False)
            body = report_pdf(PdfReport(document, report_selectors.report_changed(report)))
            name = (
                f"progress-reports/{report.period.start:%Y%m%d}-{report.family.lower()}"
                f"-r{report.revision}-{report.status}.pdf"
            )
            archive.writestr(name, body)
            counts["progress_pdf"] = counts.get("progress_pdf", 0) + 1
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        obj=student,
        student_id=student.pk,
        detail={"page": "privacy_export", "rows": counts},
    )
    return buffer.getvalue()


# --- Delete ---------------------------------------------------------------------------------


@transaction.atomic
def student_delete(*, actor: User, student: Student, confirm_ref: str) -> AuditEntry:
    """Delete the student and every record about them, once the retention period is over,
    leaving one tombstone entry in the audit log (ids and counts, no name). The audit log's
    earlier entries about the student stay. Sessions that had only this student go too;
    a group session stays, without the student's record."""
    locked = Student.objects.select_for_update().select_related("district").get(pk=student.pk)
    if confirm_ref.strip() != locked.ref:
        raise ValidationError({"confirm_ref": "Type the student's number to confirm."})
    retention = student_retention(locked, today=timezone.localdate())
    if not retention.deletable:
        raise ValidationError(retention.refusal)
    records = SessionStudent.objects.filter(student=locked)
    session_ids = set(records.values_list("session_id", flat=True))
    counts = {label: queryset.count() for label, queryset in _student_rows(locked)}
    # Leaves first, by name: every cascade to a clinical record is PROTECTed.
    Amendment.objects.filter(record__student=locked).delete()
    DataPoint.objects.filter(record__student=locked).delete()
    records.delete()
    ReportGoal.objects.filter(report__student=locked).delete()
    ProgressReport.objects.filter(student=locked).delete()
    emptied = list(
        DatedSession.objects.filter(pk__in=session_ids)
        .annotate(left=Count("members"))
        .filter(left=0)
        .values_list("pk", flat=True)
    )
    FollowUp.objects.filter(session_id__in=emptied).delete()
    DatedSession.objects.filter(pk__in=emptied).delete()
    pk, ref = locked.pk, locked.ref
    locked.delete()
    return AuditEntry.objects.create(
        actor=actor,
        action=AuditAction.DELETE,
        object_type=Student._meta.label_lower,
        object_id=str(pk),
        student_id=pk,
        district_id=locked.district_id,
        detail={
            "tombstone": True,
            "ref": ref,
            "left_on": retention.left_on.isoformat() if retention.left_on else None,
            "last_session": retention.last_session.isoformat() if retention.last_session else None,
            "retention_years": retention.years,
            "rows": counts,
            "sessions_deleted": len(emptied),
        },
    )


def inactive_students(district: District) -> models.QuerySet[Student]:
    return (
        Student.objects.filter(district=district, active=False)
        .select_related("departure")
        .order_by("ref")
    )


def student_by_ref(district: District, ref: str) -> Student | None:
    return Student.objects.filter(district=district, ref__iexact=ref.strip()).first()
