"""The audit trail: one call per read or change of a student record."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.db import connection, models
from django.utils import timezone

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
    """One READ entry per student a page shows (ids only), in one statement whatever their
    number.

    Each entry names `obj` (a plan run, a schedule) when the page shows one, else the
    student's record. A page of `obj` that shows no student still writes one entry, for
    `obj`. Returns how many entries were written."""
    ids = sorted(set(student_ids))
    extra = {"page": page, **(detail or {})}
    if obj is not None and not ids:
        audit_record(actor=actor, action=AuditAction.READ, obj=obj, detail=extra)
        return 1
    if ids:
        _insert_reads(
            actor=actor,
            student_ids=ids,
            object_type=obj._meta.label_lower if obj is not None else STUDENT_LABEL,
            object_id=str(obj.pk) if obj is not None else None,
            detail=extra,
        )
    return len(ids)


# Every page that shows students writes these entries, most pages dozens: `bulk_create`
# builds an instance and a placeholder per field per row, which cost more CPU than the rest
# of a small page. Here the ids go as one parameter (an array; JSON on SQLite) and the
# database makes the rows. The district is the actor's, else the student's, as
# AuditEntry.save and its bulk_create fill it.
_INSERT_READS = """
INSERT INTO {entries} (at, actor_id, actor_username, district_id, action, object_type,
                       object_id, student_id, detail)
SELECT %s, %s, %s, COALESCE(%s, s.district_id), %s, %s, COALESCE(%s, {id_text}), {id}, {detail}
FROM {ids} LEFT JOIN {students} s ON s.id = {id}
ORDER BY {id}
"""
_VENDOR_SQL = {
    "postgresql": {
        "ids": "unnest(%s::bigint[]) AS ids(pk)",
        "id": "ids.pk",
        "id_text": "ids.pk::text",
        "detail": "%s::jsonb",
    },
    "sqlite": {
        "ids": "json_each(%s) AS ids",
        "id": "ids.value",
        "id_text": "CAST(ids.value AS TEXT)",
        "detail": "%s",
    },
}


def _insert_reads(
    *,
    actor: User,
    student_ids: list[int],
    object_type: str,
    object_id: str | None,
    detail: dict[str, Any],
) -> None:
    vendor = connection.vendor
    sql = _INSERT_READS.format(
        entries=AuditEntry._meta.db_table,
        students=apps.get_model("caseload", "Student")._meta.db_table,
        **_VENDOR_SQL[vendor],
    )
    at = connection.ops.adapt_datetimefield_value(timezone.now())
    ids = student_ids if vendor == "postgresql" else json.dumps(student_ids)
    params = [
        at,
        actor.pk,
        actor.username,
        actor.district_id,
        AuditAction.READ.value,
        object_type,
        object_id,
        json.dumps(detail),
        ids,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
