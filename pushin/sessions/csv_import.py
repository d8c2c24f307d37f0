"""CSV import of minutes delivered before Push-In's records start ("past minutes").

A district that adopts Push-In mid-year sets a records start (district settings, or a
provider's own on their availability page) and imports what was delivered before it: one
row per student, date and service (examples/csv/README.md describes the columns). Each
row becomes a past `DatedSession` marked `is_imported`, signed by the importer, of the
student's provider of that discipline family (an OT's or a COTA's for "OT" or "COTA"), in
the student's classroom, with the student's record delivered with the row's minutes. The
minutes ledger counts them as delivered; the service-log export marks them "imported".

The reading, checking and preview are those of the other imports
(pushin.district.csv_import): every problem at once as "row N, column X: reason", nothing
written unless the whole file is valid. A row for a student, date and service that
already has imported minutes is refused, so importing a file twice changes nothing.

Providers import their own caseload (and their supervisees'); the district administrator
any student of the district. Messages name rows, columns, student numbers and usernames,
never a student's name.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from pushin.accounts.audit import audit_record
from pushin.accounts.models import AuditAction, Role, User
from pushin.caseload.csv_import import can_import_students
from pushin.caseload.models import Student
from pushin.district.access import providers_visible_to
from pushin.district.csv_import import (
    CsvRow,
    ImportItem,
    ImportResult,
    RowCheck,
    RowError,
    read_csv,
    sorted_errors,
)
from pushin.district.models import District, Provider
from pushin.sessions.ledger import family
from pushin.sessions.models import Attendance, DatedSession, SessionStatus, SessionStudent
from pushin.vocabulary import Delivery, Discipline

MINUTES_REQUIRED = ("date", "student", "minutes", "service")
MINUTES_OPTIONAL = ("note",)
MAX_MINUTES = 600
MAX_NOTE = 2000
# Imported minutes carry no time of day; their sessions are stored from 08:00 (the
# service-log export marks them imported).
IMPORTED_START = dt.time(8)

MINUTES_LABELS = {
    "students": "Students",
    "sessions_imported": "Sessions imported",
    "minutes_imported": "Minutes imported",
}


# Past minutes are imported by those who import students: administrators for the
# district, providers for their own caseload.
can_import_minutes = can_import_students


@dataclass(frozen=True)
class _Row:
    number: int
    student: Student
    provider: Provider
    date: dt.date
    minutes: int
    family: str
    note: str


class _Lookups:
    """What the rows refer to, in a handful of queries."""

    def __init__(self, *, actor: User, district: District, refs: set[str]) -> None:
        self.district = district
        self.students = {
            s.ref.lower(): s
            for s in Student.objects.filter(district=district, ref__in=refs)
            .select_related("classroom")
            .prefetch_related("providers__user", "ieps__services__versions")
        }
        if actor.is_superuser or actor.role == Role.ADMIN:
            allowed = Provider.objects.filter(district=district)
            self.own_only = False
        else:
            allowed = providers_visible_to(actor)
            self.own_only = True
        self.allowed = set(allowed.values_list("pk", flat=True))
        self.actor_provider_id = getattr(getattr(actor, "provider", None), "pk", None)
        # (student, date, family) -> minutes imported already.
        self.imported: dict[tuple[int, dt.date, str], int] = defaultdict(int)
        for student_id, date, discipline, minutes in SessionStudent.objects.filter(
            student__in=list(self.students.values()), session__is_imported=True
        ).values_list(
            "student_id", "session__date", "session__provider__discipline", "minutes_delivered"
        ):
            self.imported[(student_id, date, family(discipline))] += minutes or 0

    def provider_for(self, student: Student, service_family: str) -> Provider | None:
        """The student's provider of that family who delivered the minutes: the importer
        if they serve the student, else a therapist before an assistant, then the oldest."""
        candidates = [
            p
            for p in student.providers.all()
            if family(p.discipline) == service_family and p.pk in self.allowed
        ]
        if not candidates:
            return None
        return min(
            candidates,
            key=lambda p: (p.pk != self.actor_provider_id, p.discipline != service_family, p.pk),
        )

    def serves(self, student: Student) -> bool:
        return any(p.pk in self.allowed for p in student.providers.all())


def _delivery(student: Student, service_family: str, day: dt.date) -> str:
    """The delivery model of the student's mandate of that family in force that day."""
    for iep in student.ieps.all():
        if not iep.start <= day <= iep.end:
            continue
        for service in iep.services.all():
            if family(service.discipline) == service_family:
                version = service.version_on(day)
                if version is not None:
                    return version.delivery
    return Delivery.PUSH_IN


def _check_rows(
    rows: list[CsvRow], look: _Lookups, today: dt.date, errors: list[RowError]
) -> list[_Row]:
    """Every row checked (problems appended to `errors`); the rows to import."""
    district = look.district
    planned: list[_Row] = []
    seen: dict[tuple[str, dt.date, str], int] = {}
    for row in rows:
        check = RowCheck(row, errors)
        day = check.date("date")
        ref = check.text("student", max_length=32)
        minutes = check.integer("minutes", minimum=1, maximum=MAX_MINUTES)
        service = check.choice("service", Discipline.values, what="service")
        note = check.text("note", max_length=MAX_NOTE, required=False)
        service_family = family(service) if service else ""
        if day is not None:
            if day >= today:
                check.error(
                    "date",
                    f"{day} is today or later: import only minutes delivered before today",
                )
            elif not district.school_year_start <= day <= district.school_year_end:
                check.error(
                    "date",
                    f"{day} is outside the school year "
                    f"({district.school_year_start} to {district.school_year_end})",
                )
        student = look.students.get(ref.lower()) if ref else None
        if ref and student is None:
            check.error("student", f"unknown student number '{ref}'")
        elif student is not None and look.own_only and not look.serves(student):
            check.error(
                "student",
                f"student {student.ref} is not on your caseload; "
                "ask the district administrator to import it",
            )
            student = None
        provider = None
        if student is not None and service_family:
            provider = look.provider_for(student, service_family)
            if provider is None:
                check.error(
                    "service",
                    f"student {student.ref} has no {service_family} provider"
                    + (" among yours" if look.own_only else "")
                    + "; add one to the student first",
                )
        if provider is not None and day is not None and "date" not in check.bad:
            start = district.records_start_for(provider)
            if start is None:
                check.error(
                    "date",
                    f"no records start is set for {service_family} provider "
                    f"'{provider.user.username}': set it first (district settings or the "
                    "provider's availability page); imported minutes are for the time before it",
                )
            elif day >= start:
                check.error(
                    "date",
                    f"{day} is on or after the records start {start}: imported minutes are "
                    "for the time before it; log later sessions in Push-In",
                )
        if student is None or provider is None or day is None or minutes is None or not check.ok:
            continue
        key = (student.ref, day, service_family)
        if key in seen:
            check.error(
                "",
                f"duplicate of row {seen[key]} (same student, date and service): "
                "put a day's minutes on one row",
            )
            continue
        seen[key] = row.number
        done = look.imported.get((student.pk, day, service_family))
        if done is not None:
            check.error(
                "",
                f"student {student.ref} already has imported {service_family} minutes on {day} "
                f"({done} min); nothing is imported twice",
            )
            continue
        planned.append(_Row(row.number, student, provider, day, minutes, service_family, note))
    return planned


def _end(minutes: int) -> dt.time:
    total = IMPORTED_START.hour * 60 + IMPORTED_START.minute + minutes
    return dt.time(total // 60, total % 60)


@transaction.atomic
def past_minutes_import(
    *, actor: User, district: District, text: str, dry_run: bool
) -> ImportResult:
    """Import minutes delivered before the records start, all or nothing.

    With `dry_run` nothing is written: the result says what the import would do. Without
    it, each row becomes a signed, imported dated session with the student's delivered
    record, and one IMPORT audit entry is written per student (ids only).
    """
    if not can_import_minutes(actor):
        raise PermissionDenied
    errors: list[RowError] = []
    result = ImportResult(
        dry_run=dry_run, counts=dict.fromkeys(MINUTES_LABELS, 0), labels=MINUTES_LABELS
    )
    rows = read_csv(text, required=MINUTES_REQUIRED, optional=MINUTES_OPTIONAL, errors=errors)
    refs = {r.get("student") for r in rows if r.get("student")}
    look = _Lookups(actor=actor, district=district, refs=refs)
    planned = _check_rows(rows, look, timezone.localdate(), errors)
    if errors:
        result.errors = sorted_errors(errors)
        return result

    by_student: dict[int, list[_Row]] = defaultdict(list)
    for row in planned:
        by_student[row.student.pk].append(row)
    counts = result.counts
    for student_rows in by_student.values():
        student = student_rows[0].student
        counts["students"] += 1
        counts["sessions_imported"] += len(student_rows)
        counts["minutes_imported"] += sum(r.minutes for r in student_rows)
        details = [
            f"{len(group)} {fam} session(s), {sum(r.minutes for r in group)} minutes, "
            f"{min(r.date for r in group)} to {max(r.date for r in group)}"
            for fam, group in _by_family(student_rows).items()
        ]
        result.items.append(ImportItem(student.ref, "create", details, student))
    if dry_run:
        return result

    now = timezone.now()
    sessions = DatedSession.objects.bulk_create(
        DatedSession(
            provider=row.provider,
            classroom=row.student.classroom,
            date=row.date,
            start=IMPORTED_START,
            end=_end(row.minutes),
            delivery=_delivery(row.student, row.family, row.date),
            is_imported=True,
            status=SessionStatus.SIGNED,
            signed_at=now,
            signed_by=actor,
        )
        for row in planned
    )
    records = SessionStudent.objects.bulk_create(
        SessionStudent(
            session=session,
            student=row.student,
            attendance=Attendance.DELIVERED,
            minutes_delivered=row.minutes,
            note=row.note,
        )
        for session, row in zip(sessions, planned, strict=True)
    )
    ids: dict[int, list[int]] = defaultdict(list)
    for record, row in zip(records, planned, strict=True):
        ids[row.student.pk].append(record.pk)
    for student_rows in by_student.values():
        student = student_rows[0].student
        audit_record(
            actor=actor,
            action=AuditAction.IMPORT,
            obj=student,
            student_id=student.pk,
            detail={"imported_records": ids[student.pk]},
        )
    return result


def _by_family(rows: list[_Row]) -> dict[str, list[_Row]]:
    groups: dict[str, list[_Row]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: (r.family, r.date)):
        groups[row.family].append(row)
    return dict(groups)
