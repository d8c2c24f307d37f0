"""The audit trail: one call per read or change of a student record."""

from __future__ import annotations

from typing import Any

from django.db import models

from pushin.accounts.models import AuditAction, AuditEntry, User


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
