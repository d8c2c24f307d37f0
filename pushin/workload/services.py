"""Changes to indirect time: add, change, delete. Keyword-only, atomic, audited.

Indirect time is the provider's own time record, not a clinical record: the provider may
change or delete any entry of theirs, on any day (no amendment trail; the audit log keeps
who did what and when, ids and numbers only). Two rules hold everywhere:

- minutes are logged once they have happened: a date after today is refused;
- a note never names a student (it ends up in a report handed to an administrator): a
  note holding the full name of one of the district's students is refused.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pushin.accounts.audit import audit_record
from pushin.accounts.models import AuditAction, User
from pushin.caseload.models import Student
from pushin.concurrency import version_claim
from pushin.district.models import Provider
from pushin.workload.models import MAX_ENTRY_MINUTES, IndirectKind, IndirectTime

ENTRY = "This indirect time entry"
NOTE_HELP = "Optional. No student names: the report may be handed to an administrator."


def _day(day: dt.date) -> str:
    return f"{day:%a %b} {day.day}"


def future_date_problem(day: dt.date, *, today: dt.date | None = None) -> str:
    """Why `day` cannot hold indirect time yet ("" when it can): minutes are logged once
    they have happened, never ahead."""
    today = today or timezone.localdate()
    if day > today:
        return (
            f"{_day(day)} is after today ({_day(today)}): indirect time is logged once it "
            "has happened."
        )
    return ""


def _note_names_a_student(provider: Provider, note: str) -> bool:
    """Whether `note` holds a district student's full name ("First Last" or "Last, First",
    any case, as whole words). A first name alone cannot be told from ordinary words."""
    if not note.strip():
        return False
    text = " ".join(note.lower().split())
    names = Student.objects.filter(district_id=provider.district_id).values_list(
        "first_name", "last_name"
    )
    for first, last in names:
        first, last = first.strip().lower(), last.strip().lower()
        if not first or not last:
            continue
        for written in (f"{first} {last}", f"{last}, {first}", f"{last} {first}"):
            if re.search(rf"(?<!\w){re.escape(written)}(?!\w)", text):
                return True
    return False


def _check(*, provider: Provider, date: dt.date, kind: str, minutes: int, note: str) -> None:
    errors: dict[str, str] = {}
    if problem := future_date_problem(date):
        errors["date"] = problem
    if kind not in IndirectKind.values:
        errors["kind"] = "Choose what the time was spent on."
    if not 1 <= minutes <= MAX_ENTRY_MINUTES:
        errors["minutes"] = f"Minutes must be between 1 and {MAX_ENTRY_MINUTES} for one entry."
    if _note_names_a_student(provider, note):
        # Never repeat the name: error pages and messages carry no student names.
        errors["note"] = "The note names a student. Leave students out of indirect time notes."
    if errors:
        raise ValidationError(errors)


def _detail(entry: IndirectTime) -> dict[str, object]:
    """What the audit log keeps of an entry: ids and numbers, never the note."""
    return {
        "provider": entry.provider_id,
        "date": entry.date.isoformat(),
        "kind": entry.kind,
        "minutes": entry.minutes,
    }


@transaction.atomic
def indirect_time_add(
    *,
    actor: User,
    provider: Provider,
    date: dt.date,
    kind: str,
    minutes: int,
    note: str = "",
) -> IndirectTime:
    note = note.strip()
    _check(provider=provider, date=date, kind=kind, minutes=minutes, note=note)
    entry = IndirectTime.objects.create(
        provider=provider, date=date, kind=kind, minutes=minutes, note=note
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=entry, detail=_detail(entry))
    return entry


@transaction.atomic
def indirect_time_update(
    *,
    actor: User,
    entry: IndirectTime,
    date: dt.date,
    kind: str,
    minutes: int,
    note: str = "",
    version: int | None = None,
) -> IndirectTime:
    """Change an entry; EditConflict when it changed since its form was drawn."""
    note = note.strip()
    _check(provider=entry.provider, date=date, kind=kind, minutes=minutes, note=note)
    version_claim(IndirectTime.objects, pk=entry.pk, expected=version, what=ENTRY)
    changed = [
        name
        for name, value in (("date", date), ("kind", kind), ("minutes", minutes), ("note", note))
        if getattr(entry, name) != value
    ]
    entry.date, entry.kind, entry.minutes, entry.note = date, kind, minutes, note
    # Not the version: the claim moved it on in the database.
    entry.save(update_fields=["date", "kind", "minutes", "note", "updated_at"])
    entry.version = IndirectTime.objects.values_list("version", flat=True).get(pk=entry.pk)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=entry,
        detail={**_detail(entry), "fields": changed},
    )
    return entry


@transaction.atomic
def indirect_time_delete(*, actor: User, entry: IndirectTime, version: int | None = None) -> None:
    version_claim(IndirectTime.objects, pk=entry.pk, expected=version, what=ENTRY)
    audit_record(actor=actor, action=AuditAction.DELETE, obj=entry, detail=_detail(entry))
    entry.delete()
