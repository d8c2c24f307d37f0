"""The audit trail: one call per read or change of a student record."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from pushin.accounts.models import AuditAction, AuditEntry, User

STUDENT_LABEL = "caseload.student"  # the student's record (caseload.models.Student)


def audit_record(
    *,
    actor: User | None,
    action: AuditAction,
    obj: models.Model,
    student_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write one audit entry. `detail` holds field names and ids, never names or notes."""
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        student_id=student_id,
        detail=detail or {},
    )


def audit_reads(
    *,
    actor: User,
    student_ids: Iterable[int],
    page: str,
    obj: models.Model | None = None,
    detail: dict[str, Any] | None = None,
) -> int:
    """One READ entry per student a page shows (ids only), in one insert whatever their
    number (a few on SQLite, whose statements hold about a hundred rows each).

    Each entry names `obj` (a plan run, a schedule) when the page shows one, else the
    student's record. A page of `obj` that shows no student still writes one entry, for
    `obj`. Returns how many entries were written."""
    ids = sorted(set(student_ids))
    extra = {"page": page, **(detail or {})}
    if obj is not None and not ids:
        audit_record(actor=actor, action=AuditAction.READ, obj=obj, detail=extra)
        return 1
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor=actor,
            action=AuditAction.READ,
            object_type=obj._meta.label_lower if obj is not None else STUDENT_LABEL,
            object_id=str(obj.pk if obj is not None else pk),
            student_id=pk,
            detail=extra,
        )
        for pk in ids
    )
    return len(ids)
