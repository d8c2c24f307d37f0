from __future__ import annotations

import pytest
from django.urls import reverse

from pushin.accounts.models import Role
from pushin.caseload.models import MandateVersion
from tests.factories import make_user


@pytest.fixture
def superuser_client(world, login):
    root = make_user("root", Role.ADMIN, is_superuser=True, is_staff=True)
    return login(root)


@pytest.mark.parametrize(
    "model",
    ["student", "iep", "service", "mandateversion", "goal", "fitweight"],
)
def test_changelists_load_and_show_no_student_names(world, superuser_client, model):
    response = superuser_client.get(reverse(f"admin:caseload_{model}_changelist"))
    assert response.status_code == 200
    assert "Avery" not in response.content.decode()


def test_student_change_page_loads(world, superuser_client):
    url = reverse("admin:caseload_student_change", args=[world.student.pk])
    assert superuser_client.get(url).status_code == 200


def test_mandate_versions_cannot_be_changed_or_deleted(world, superuser_client):
    version = MandateVersion.objects.filter(service__iep__student=world.student).get()
    change = reverse("admin:caseload_mandateversion_change", args=[version.pk])
    response = superuser_client.get(change)
    assert response.status_code == 200  # view only
    assert 'name="minutes"' not in response.content.decode()
    superuser_client.post(change, {"minutes": "999"})
    version.refresh_from_db()
    assert version.minutes == 60
    delete = reverse("admin:caseload_mandateversion_delete", args=[version.pk])
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 403
    assert MandateVersion.objects.filter(pk=version.pk).exists()


def test_staff_admin_pages_refuse_non_superusers(world, login):
    response = login(world.admin).get(reverse("admin:caseload_student_changelist"))
    assert response.status_code == 302
