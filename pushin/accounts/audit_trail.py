"""The district's audit trail, for its administrator: who read or changed which student
record and when (FERPA expects a record of access), filtered, paged, exported as CSV, and
kept for the district's retention period.

Entries belong to a district through `AuditEntry.district_id`, filled when they are
written (the actor's district, else the student's), so the trail of an account that was
deleted stays in its district's trail under the username it had. Only the `audit_prune`
management command deletes entries, those older than the retention period.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from pushin.accounts.audit import audit_record
from pushin.accounts.models import AuditAction, AuditEntry, AuditRetention, Role, User
from pushin.caseload.models import Student
from pushin.district.models import District
from pushin.spreadsheet import csv_cell

PAGE_SIZE = 50
EXPORT_CHUNK = 500


def audit_district_for(user: User) -> District:
    """The district whose trail `user` reads: its administrators only, 404 for anyone else
    (providers, teachers, paras, anonymous, superusers who are not a district's admin)."""
    if not user.is_authenticated or not user.is_active or user.role != Role.ADMIN:
        raise Http404("No such page")
    district = user.district
    if district is None:
        raise Http404("No such page")
    return district


# --- Reading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrailFilter:
    """What the administrator asked for; every part optional. Dates are local, inclusive."""

    student: Student | None = None
    username: str = ""
    start: dt.date | None = None
    end: dt.date | None = None

    def as_detail(self) -> dict[str, Any]:
        """The filter for an audit entry: ids, a username and dates, never a name."""
        detail: dict[str, Any] = {}
        if self.student is not None:
            detail["student"] = self.student.pk
        if self.username:
            detail["user"] = self.username
        if self.start is not None:
            detail["from"] = self.start.isoformat()
        if self.end is not None:
            detail["to"] = self.end.isoformat()
        return detail


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def trail_entries(*, district: District, filters: TrailFilter) -> QuerySet[AuditEntry]:
    """The district's entries matching `filters`, newest first."""
    entries = AuditEntry.objects.filter(district_id=district.pk)
    if filters.student is not None:
        entries = entries.filter(student_id=filters.student.pk)
    if filters.username:
        entries = entries.filter(actor_username=filters.username)
    if filters.start is not None:
        entries = entries.filter(at__gte=_local_midnight(filters.start))
    if filters.end is not None:
        entries = entries.filter(at__lt=_local_midnight(filters.end + dt.timedelta(days=1)))
    return entries.select_related("actor").order_by("-at", "-id")


@dataclass(frozen=True)
class TrailRow:
    entry: AuditEntry
    student: Student | None  # None: no student, or a student no longer on record

    @property
    def who(self) -> str:
        """The actor's name, or the username kept on the entry once the account is gone."""
        actor = self.entry.actor
        if actor is not None:
            return actor.display_name
        return self.entry.actor_username or "the system"

    @property
    def role(self) -> str:
        actor = self.entry.actor
        if actor is not None:
            return str(actor.get_role_display())
        return "account deleted" if self.entry.actor_username else ""

    @property
    def page(self) -> str:
        return str(self.entry.detail.get("page", "")) if isinstance(self.entry.detail, dict) else ""

    @property
    def detail_text(self) -> str:
        """The entry's detail (ids and field names only), the page aside."""
        detail = self.entry.detail if isinstance(self.entry.detail, dict) else {}
        rest = {key: value for key, value in detail.items() if key != "page"}
        return json.dumps(rest, sort_keys=True, default=str) if rest else ""


def trail_rows(entries: Iterable[AuditEntry], *, district: District) -> list[TrailRow]:
    """Rows with each entry's student (one query for all of them)."""
    entries = list(entries)
    ids = {e.student_id for e in entries if e.student_id is not None}
    students = {
        s.pk: s
        for s in Student.objects.filter(district=district, pk__in=ids).only(
            "pk", "ref", "first_name", "last_name"
        )
    }
    return [
        TrailRow(e, students.get(e.student_id) if e.student_id is not None else None)
        for e in entries
    ]


def trail_read_audit(
    *, actor: User, district: District, filters: TrailFilter, page: int, export: bool = False
) -> AuditEntry:
    """One entry per view (or export) of the trail, with its filters: the trail records
    its own readers. It names the student when the trail was filtered by one."""
    return audit_record(
        actor=actor,
        action=AuditAction.EXPORT if export else AuditAction.READ,
        obj=district,
        student_id=filters.student.pk if filters.student is not None else None,
        detail={
            "page": "audit_trail",
            **filters.as_detail(),
            **({"export": "audit_trail"} if export else {"page_number": page}),
        },
    )


# --- The CSV export ------------------------------------------------------------------------

CSV_COLUMNS = [
    "at",
    "username",
    "user",
    "role",
    "action",
    "record_type",
    "record_id",
    "student_number",
    "student_name",
    "page",
    "detail",
]


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def _csv_row(row: TrailRow) -> list[str]:
    entry = row.entry
    student = row.student
    values: Sequence[object] = [
        timezone.localtime(entry.at).isoformat(timespec="seconds"),
        entry.actor_username,
        row.who,
        row.role,
        entry.get_action_display(),
        entry.object_type,
        entry.object_id,
        student.ref if student is not None else (entry.student_id or ""),
        student.full_name if student is not None else "",
        row.page,
        row.detail_text,
    ]
    return [csv_cell(value) for value in values]


def trail_csv_lines(entries: QuerySet[AuditEntry], *, district: District) -> Iterator[str]:
    """The CSV, line by line (streamed): a query per 500 entries and one for their students."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    stream = entries.iterator(chunk_size=EXPORT_CHUNK)
    while chunk := list(islice(stream, EXPORT_CHUNK)):
        for row in trail_rows(chunk, district=district):
            yield writer.writerow(_csv_row(row))


# --- Retention -----------------------------------------------------------------------------


def retention_years(district: District) -> int:
    policy = AuditRetention.objects.filter(district=district).first()
    return policy.years if policy is not None else AuditRetention.DEFAULT_YEARS


@transaction.atomic
def audit_retention_set(*, actor: User, district: District, years: int) -> AuditRetention:
    """How many years the district keeps its trail (1 to 50); audited."""
    if not 1 <= years <= AuditRetention.MAX_YEARS:
        raise ValidationError(
            f"Keep the audit trail between 1 and {AuditRetention.MAX_YEARS} years (not {years})."
        )
    policy, _ = AuditRetention.objects.select_for_update().get_or_create(district=district)
    was = policy.years
    policy.years = years
    policy.save(update_fields=["years", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=policy,
        detail={"retention_years": years, "was": was},
    )
    return policy


def retention_cutoff(*, years: int, today: dt.date) -> dt.datetime:
    """Entries before this moment are past a retention of `years` on `today`: local
    midnight of the same day `years` earlier (February 29 counts from February 28)."""
    try:
        day = today.replace(year=today.year - years)
    except ValueError:
        day = today.replace(year=today.year - years, day=28)
    return _local_midnight(day)


@dataclass(frozen=True)
class Pruned:
    district_id: int | None  # None: entries of no district (older than the default)
    cutoff: dt.datetime
    deleted: int


@transaction.atomic
def audit_prune(*, today: dt.date | None = None) -> list[Pruned]:
    """Delete every entry older than its district's retention (entries of no district, or
    of a district deleted since: older than the default retention). The only place
    entries are deleted; the `audit_prune` management command runs it."""
    today = today or timezone.localdate()
    result = []
    districts = list(District.objects.order_by("pk"))
    years = dict(AuditRetention.objects.values_list("district_id", "years"))
    for district in districts:
        cutoff = retention_cutoff(
            years=years.get(district.pk, AuditRetention.DEFAULT_YEARS), today=today
        )
        deleted, _ = AuditEntry.objects.filter(district_id=district.pk, at__lt=cutoff).delete()
        if deleted:
            AuditEntry.objects.create(
                actor=None,
                district_id=district.pk,
                action=AuditAction.DELETE,
                object_type=AuditEntry._meta.label_lower,
                object_id=str(district.pk),
                detail={"audit_pruned": deleted, "before": cutoff.date().isoformat()},
            )
        result.append(Pruned(district.pk, cutoff, deleted))
    cutoff = retention_cutoff(years=AuditRetention.DEFAULT_YEARS, today=today)
    # Entries of no district (NULL) or of a district deleted since (exclude keeps NULLs).
    orphans = AuditEntry.objects.exclude(district_id__in=[d.pk for d in districts])
    deleted, _ = orphans.filter(at__lt=cutoff).delete()
    result.append(Pruned(None, cutoff, deleted))
    return result
