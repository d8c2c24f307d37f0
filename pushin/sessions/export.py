"""Service-log export: one CSV row per logged student record, with billing units.

Rows: every student record with an attendance (delivered or a miss reason) whose session
date is in the range; planned sessions nobody logged are not services and are left out.
A provider exports their own sessions; a district administrator the district's.

Notes are clinical: only a provider's export carries them. An administrator's export keeps
the column (so files have the same shape) but leaves it empty, and its header says so.

Billing units follow the district's rule (`District.billing_unit_*`, default the
"8-minute rule"): fewer than 8 minutes = 0 units, 8-22 = 1, then +1 per started 15
minutes (23-37 = 2, 38-52 = 3...). Only delivered minutes are billed.

Each export writes one EXPORT audit entry per student included (ids and counts only).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from pushin.accounts.models import AuditAction, AuditEntry, Role, User
from pushin.caseload.models import Student
from pushin.district.models import District
from pushin.sessions.models import Attendance, SessionStudent
from pushin.vocabulary import Delivery, Domain, MissReason

MAX_RANGE_DAYS = 400
NOTE_WITHHELD = "note (withheld: clinical notes are in providers' exports only)"
COLUMNS = [
    "date",
    "start",
    "end",
    "student_ref",
    "provider",
    "discipline",
    "minutes",
    "grouping",
    "group_size",
    "delivery",
    "goal_domain",
    "goal_id",
    "attendance",
    "short_reason",
    "makeup",
    "note",
    "billing_units",
]
# Spreadsheets run a cell that starts like a formula; a leading apostrophe keeps it text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class BillingRule:
    min_minutes: int = 8
    first_max: int = 22
    step: int = 15

    @classmethod
    def of(cls, district: District) -> BillingRule:
        return cls(
            min_minutes=district.billing_unit_min_minutes,
            first_max=district.billing_unit_first_max,
            step=district.billing_unit_step,
        )

    def units(self, minutes: int) -> int:
        if minutes < self.min_minutes:
            return 0
        if minutes <= self.first_max:
            return 1
        return 1 + -(-(minutes - self.first_max) // self.step)

    def describe(self) -> str:
        return (
            f"0-{self.min_minutes - 1} minutes = 0 units, {self.min_minutes}-{self.first_max} "
            f"= 1 unit, then 1 more unit per started {self.step} minutes"
        )


class ExportForm(forms.Form):
    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise ValidationError("The end date is before the start date.")
            if (end - start).days > MAX_RANGE_DAYS:
                raise ValidationError(
                    f"Export at most {MAX_RANGE_DAYS} days at a time (a school year fits)."
                )
        return data


class BillingRuleForm(forms.Form):
    min_minutes = forms.IntegerField(
        label="Fewest minutes for one unit", min_value=1, max_value=120
    )
    first_max = forms.IntegerField(
        label="Most minutes of the first unit", min_value=1, max_value=240
    )
    step = forms.IntegerField(label="Minutes per further unit", min_value=1, max_value=120)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("min_minutes"), data.get("first_max")
        if low is not None and high is not None and high < low:
            self.add_error("first_max", "The first unit must end at or after its minimum.")
        return data


def can_export(user: User) -> bool:
    return bool(user.is_authenticated) and (
        user.is_superuser or user.role in (Role.PROVIDER, Role.ADMIN)
    )


def includes_notes(user: User) -> bool:
    """Clinical notes go only into a provider's own export."""
    return user.role == Role.PROVIDER and not user.is_superuser


def _delivered_in_session() -> Subquery:
    return Subquery(
        SessionStudent.objects.filter(session=OuterRef("session"), attendance=Attendance.DELIVERED)
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values("n"),
        output_field=IntegerField(),
    )


def service_log_records(
    *, user: User, district: District, start: dt.date, end: dt.date
) -> QuerySet[SessionStudent]:
    """The logged records a user may export, oldest first."""
    records = SessionStudent.objects.filter(
        session__date__gte=start,
        session__date__lte=end,
        attendance__in=Attendance.values,
        session__provider__district=district,
    )
    if user.role == Role.PROVIDER and not user.is_superuser:
        records = records.filter(session__provider__user=user)
    elif not (user.is_superuser or user.role == Role.ADMIN):
        return records.none()
    return (
        records.select_related("session__provider__user", "student", "focus_goal")
        .annotate(group_size=Coalesce(_delivered_in_session(), Value(0)))
        .order_by("session__date", "session__start", "session_id", "student__ref", "pk")
    )


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def row_for(record: Any, *, rule: BillingRule, notes: bool) -> list[str]:
    """One CSV row (as `COLUMNS`) for a record annotated with `group_size`."""
    session = record.session
    delivered = record.attendance == Attendance.DELIVERED
    minutes = (
        (record.minutes_delivered if record.minutes_delivered is not None else session.minutes)
        if delivered
        else 0
    )
    size = int(record.group_size) if delivered else 0
    goal = record.focus_goal
    values: list[object] = [
        session.date.isoformat(),
        f"{session.start:%H:%M}",
        f"{session.end:%H:%M}",
        record.student.ref,
        session.provider.user.display_name,
        session.provider.discipline,
        minutes,
        ("individual" if size == 1 else "group") if delivered else "",
        size if delivered else "",
        Delivery(session.delivery).label
        if session.delivery in Delivery.values
        else session.delivery,
        Domain(goal.domain).label if goal is not None and goal.domain in Domain.values else "",
        goal.pk if goal is not None else "",
        record.attendance,
        record.short_reason if record.short_reason in MissReason.values else "",
        "yes" if session.is_makeup or record.makeup_for_id else "no",
        record.note if notes else "",
        rule.units(minutes) if delivered else 0,
    ]
    return [_cell(value) for value in values]


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def service_log_lines(
    records: QuerySet[SessionStudent], *, rule: BillingRule, notes: bool
) -> Iterator[str]:
    writer = csv.writer(_Echo())
    header = [c if c != "note" or notes else NOTE_WITHHELD for c in COLUMNS]
    yield writer.writerow(header)
    for record in records.iterator(chunk_size=500):
        yield writer.writerow(row_for(record, rule=rule, notes=notes))


def export_audit(
    *, actor: User, records: QuerySet[SessionStudent], start: dt.date, end: dt.date
) -> int:
    """One EXPORT entry per student in the export (ids and counts only). Returns how many."""
    counts = (
        records.order_by()
        .values("student_id")
        .annotate(n=Count("pk"))
        .values_list("student_id", "n")
    )
    entries = [
        AuditEntry(
            actor=actor,
            action=AuditAction.EXPORT,
            object_type=Student._meta.label_lower,
            object_id=str(student_id),
            student_id=student_id,
            detail={
                "export": "service_log",
                "from": start.isoformat(),
                "to": end.isoformat(),
                "records": n,
            },
        )
        for student_id, n in sorted(counts)
    ]
    AuditEntry.objects.bulk_create(entries)
    return len(entries)


@transaction.atomic
def billing_rule_set(
    *, actor: User, district: District, min_minutes: int, first_max: int, step: int
) -> District:
    """Change the district's billing-unit rule (administrators)."""
    if not (actor.is_superuser or actor.role == Role.ADMIN):
        raise ValidationError("Only the district administrator changes the billing rule.")
    if min_minutes < 1 or step < 1:
        raise ValidationError("Minutes and the step are at least 1.")
    if first_max < min_minutes:
        raise ValidationError(
            {"first_max": "The first unit must end at or after its minimum minutes."}
        )
    locked = District.objects.select_for_update().get(pk=district.pk)
    locked.billing_unit_min_minutes = min_minutes
    locked.billing_unit_first_max = first_max
    locked.billing_unit_step = step
    locked.save(
        update_fields=["billing_unit_min_minutes", "billing_unit_first_max", "billing_unit_step"]
    )
    return locked
