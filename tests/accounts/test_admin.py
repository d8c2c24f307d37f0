from __future__ import annotations

import pytest
from django.urls import reverse

from pushin.accounts.audit import audit_record
from pushin.accounts.models import AuditAction, AuditEntry, Role
from tests.factories import make_user


@pytest.fixture
def superuser_client(world, login):
    root = make_user("root", Role.ADMIN, is_superuser=True, is_staff=True)
    return login(root)


def test_user_admin_shows_role_and_district(world, superuser_client):
    response = superuser_client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Testville Unified" in html
    change = superuser_client.get(reverse("admin:accounts_user_change", args=[world.para.pk]))
    assert 'name="role"' in change.content.decode()


def test_audit_entries_are_read_only(world, superuser_client):
    entry = audit_record(
        actor=world.provider.user, action=AuditAction.READ, obj=world.student, student_id=1
    )
    assert superuser_client.get(reverse("admin:accounts_auditentry_changelist")).status_code == 200
    change = reverse("admin:accounts_auditentry_change", args=[entry.pk])
    response = superuser_client.get(change)
    assert response.status_code == 200
    assert 'name="action"' not in response.content.decode()
    superuser_client.post(change, {"action": "delete"})
    entry.refresh_from_db()
    assert entry.action == AuditAction.READ
    assert superuser_client.get(reverse("admin:accounts_auditentry_add")).status_code == 403
    delete = reverse("admin:accounts_auditentry_delete", args=[entry.pk])
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
