"""The audit trail records ids, never names."""

from __future__ import annotations

import pytest

from pushin.accounts.audit import audit_record
from pushin.accounts.models import AuditAction, AuditEntry
from tests.factories import World

pytestmark = pytest.mark.django_db


def test_an_audit_entry_names_the_actor_and_the_record_by_id(world: World) -> None:
    entry = audit_record(
        actor=world.provider.user,
        action=AuditAction.UPDATE,
        obj=world.student,
        student_id=world.student.pk,
        detail={"fields": ["comfort"]},
    )
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.actor == world.provider.user
    assert stored.object_type == "caseload.student"
    assert stored.object_id == str(world.student.pk)
    assert stored.student_id == world.student.pk
    text = f"{stored} {stored.detail}"
    assert world.student.first_name not in text
    assert world.student.last_name not in text
