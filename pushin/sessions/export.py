"""Service-log export: one CSV row per logged student record, with billing units.

Rows: every student record with an attendance (delivered or a miss reason) whose session
date is in the range; planned sessions nobody logged are not services and are left out.
By default only signed sessions are exported (the billing log); asked to, the export adds
logged sessions not signed yet, each marked `signed=no`. A record marked delivered whose
session has not started is never exported (logging follows time). Each row says who
signed and when, whether the record was amended after signing (and when last), and
whether it was imported from before the district adopted Push-In.
A provider exports their own sessions; a district administrator the district's.

Coded values are written one way per column: words from the app's vocabulary (the labels
users see: "Delivered", "Student absent", "Push-in", "Individual", "Occupational
therapist"), `yes`/`no` for yes-or-no columns, ISO 8601 for dates and local date-times.
`COLUMN_NOTES` documents every column (the export page shows it; docs/service-log.md).

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
from django.db.models import (
    Count,
    DateTimeField,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from pushin.accounts.models import AuditAction, AuditEntry, Role, User
from pushin.caseload.models import Student
from pushin.district.models import District
from pushin.query import DateField
from pushin.sessions.models import Amendment, Attendance, SessionStatus, SessionStudent
from pushin.spreadsheet import csv_cell
from pushin.vocabulary import CutShortReason, Delivery, Discipline, Domain, MissReason

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
    "signed",
    "signed_by",
    "signed_at",
    "amended",
    "last_amended_at",
    "imported",
    "whole_class_lesson",
    "lesson_topic",
]
# What each column holds, for the export page and docs/service-log.md.
COLUMN_NOTES: dict[str, str] = {
    "date": "The session's date (YYYY-MM-DD).",
    "start": "Its start, local time (HH:MM).",
    "end": "Its end, local time (HH:MM).",
    "student_ref": "The student's district reference (never a name).",
    "provider": "The provider's name.",
    "discipline": "The provider's discipline, e.g. Occupational therapist.",
    "minutes": "Minutes delivered; 0 for a miss.",
    "grouping": "Individual or Group (students delivered in the session), Whole class for a "
    "whole-class lesson; empty for a miss.",
    "group_size": "Students delivered in the session; empty for a miss.",
    "delivery": "Push-in, Pull-out or Consult.",
    "goal_domain": "The focus goal's domain, e.g. Fine motor; empty without a focus goal.",
    "goal_id": "The focus goal's id; empty without a focus goal.",
    "attendance": "Delivered, or why the session did not happen, e.g. Student absent.",
    "short_reason": "Why a delivered session was cut short, e.g. Schedule ran over "
    "(Other: the words, in providers' own exports only); empty when it was not.",
    "makeup": "yes for a makeup session, no otherwise.",
    "note": "The session note (in providers' own exports only).",
    "billing_units": "Units under the district's billing rule; 0 for a miss.",
    "signed": "yes once the provider signed the session; no (only when unsigned sessions "
    "are asked for) while it is not signed.",
    "signed_by": "Who signed it; empty while unsigned.",
    "signed_at": "When it was signed, local date-time (ISO 8601 with the UTC offset).",
    "amended": "yes when the record was changed after signing (amendments and late data).",
    "last_amended_at": "When it was last changed after signing, local date-time; empty if never.",
    "imported": "yes for minutes imported from before the district adopted Push-In.",
    "whole_class_lesson": "yes for a whole-class lesson co-taught with the teacher (its "
    "grouping is Whole class; whether it counts toward the mandate is the mandate's setting).",
    "lesson_topic": "The lesson's topic, e.g. Scissor skills; empty for other sessions.",
}


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
    start = DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))
    include_unsigned = forms.BooleanField(
        required=False,
        label="Include unsigned sessions",
        help_text="Logged but not signed yet; marked signed = no.",
    )

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


def _amendments(of: str) -> Subquery:
    rows = Amendment.objects.filter(record=OuterRef("pk")).order_by().values("record")
    if of == "count":
        return Subquery(rows.annotate(n=Count("pk")).values("n"), output_field=IntegerField())
    return Subquery(rows.annotate(at=Max("made_at")).values("at"), output_field=DateTimeField())


def service_log_records(
    *,
    user: User,
    district: District,
    start: dt.date,
    end: dt.date,
    include_unsigned: bool = False,
) -> QuerySet[SessionStudent]:
    """The logged records a user may export, oldest first: signed sessions only unless
    `include_unsigned`; never a record marked delivered before its session started."""
    now = timezone.localtime()
    records = SessionStudent.objects.filter(
        session__date__gte=start,
        session__date__lte=end,
        attendance__in=Attendance.values,
        session__provider__district=district,
    ).exclude(
        Q(attendance=Attendance.DELIVERED)
        & (
            Q(session__date__gt=now.date())
            | Q(session__date=now.date(), session__start__gt=now.time())
        )
    )
    if not include_unsigned:
        records = records.filter(session__status=SessionStatus.SIGNED)
    if user.role == Role.PROVIDER and not user.is_superuser:
        records = records.filter(session__provider__user=user)
    elif not (user.is_superuser or user.role == Role.ADMIN):
        return records.none()
    return (
        records.select_related(
            "session__provider__user", "session__signed_by", "student", "focus_goal"
        )
        .annotate(
            group_size=Coalesce(_delivered_in_session(), Value(0)),
            amendment_count=Coalesce(_amendments("count"), Value(0)),
            last_amended_at=_amendments("last"),
            lesson_topic=F("session__class_lesson__topic"),  # pushin/lessons
        )
        .order_by("session__date", "session__start", "session_id", "student__ref", "pk")
    )


def _label(choices: Any, value: str) -> str:
    """The vocabulary word for a stored code ("" stays ""; an unknown code is kept)."""
    return str(choices(value).label) if value in choices.values else value


# A cut-short reason in the export: its own words, or a miss reason's for a record cut
# short before those had their own list.
SHORT_WORDS: dict[str, str] = {
    **dict(MissReason.choices),
    **dict(CutShortReason.choices),
    CutShortReason.OTHER: "Other",
}


def _short_words(record: SessionStudent, *, notes: bool) -> str:
    """Why a delivered session was cut short; "other" with its words where notes are
    exported (the words are free text, like a note)."""
    words = SHORT_WORDS.get(record.short_reason, record.short_reason)
    if record.short_reason == CutShortReason.OTHER and notes and record.short_note:
        return f"{words}: {record.short_note}"
    return words


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _local(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else ""


def _lesson_topic(topic: str | None) -> str:
    if not topic:
        return ""
    from pushin.lessons.models import Topic

    return _label(Topic, topic)


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
    signed = session.is_signed
    amendments = int(record.amendment_count)
    topic = getattr(record, "lesson_topic", None)
    grouping = ("Individual" if size == 1 else "Group") if delivered else ""
    if topic and delivered:
        grouping = "Whole class"
    values: list[object] = [
        session.date.isoformat(),
        f"{session.start:%H:%M}",
        f"{session.end:%H:%M}",
        record.student.ref,
        session.provider.user.display_name,
        _label(Discipline, session.provider.discipline),
        minutes,
        grouping,
        size if delivered else "",
        _label(Delivery, session.delivery),
        _label(Domain, goal.domain) if goal is not None else "",
        goal.pk if goal is not None else "",
        _label(Attendance, record.attendance),
        _short_words(record, notes=notes),
        _yes(session.is_makeup or bool(record.makeup_for_id)),
        record.note if notes else "",
        rule.units(minutes) if delivered else 0,
        _yes(signed),
        session.signed_by.display_name if signed and session.signed_by else "",
        _local(session.signed_at) if signed else "",
        _yes(amendments > 0),
        _local(record.last_amended_at) if amendments else "",
        _yes(session.is_imported),
        _yes(bool(topic)),
        _lesson_topic(topic),
    ]
    return [csv_cell(value) for value in values]


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
    *,
    actor: User,
    records: QuerySet[SessionStudent],
    start: dt.date,
    end: dt.date,
    include_unsigned: bool = False,
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
                "unsigned": include_unsigned,
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
