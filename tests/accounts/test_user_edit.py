from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from pushin.accounts.models import AuditAction, AuditEntry, Role, User
from pushin.district.models import District
from tests.caseload.personas import PERSONAS, is_login_redirect, persona_user
from tests.factories import PASSWORD, make_user

EXPECTED = {
    "provider": 404,
    "other_provider": 404,
    "teacher": 404,
    "other_teacher": 404,
    "para": 404,
    "admin": 200,
    "anonymous": 302,
}


def url(user) -> str:
    return reverse("accounts:user_edit", args=[user.pk])


def save_data(user, **overrides):
    data = {
        "action": "save",
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": user.role,
        "is_active": "on" if user.is_active else "",
        "discipline": "",
        "supervisor": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("name", PERSONAS)
def test_get_permission_matrix(world, login, name):
    response = login(persona_user(world, name)).get(url(world.teacher))
    assert response.status_code == EXPECTED[name]
    if name == "anonymous":
        assert is_login_redirect(response)


@pytest.mark.parametrize("name", PERSONAS)
def test_post_permission_matrix(world, login, name):
    response = login(persona_user(world, name)).post(
        url(world.teacher), save_data(world.teacher, is_active="")
    )
    assert response.status_code == (302 if name == "admin" else EXPECTED[name])
    if name == "anonymous":
        assert is_login_redirect(response)
    world.teacher.refresh_from_db()
    assert world.teacher.is_active == (name != "admin")


def test_a_user_of_another_district_or_a_superuser_is_404(world, login):
    elsewhere = District.objects.create(
        name="Elsewhere", school_year_start="2026-09-01", school_year_end="2027-06-15"
    )
    stranger = make_user("stranger", Role.TEACHER, elsewhere)
    root = User.objects.create_superuser("root", "root@example.org", "x", district=world.district)
    client = login(world.admin)
    assert client.get(url(stranger)).status_code == 404
    assert client.get(url(root)).status_code == 404


def test_change_role_and_deactivate_are_audited(world, login):
    login(world.admin).post(url(world.para), save_data(world.para, role="teacher", is_active=""))
    world.para.refresh_from_db()
    assert world.para.role == Role.TEACHER
    assert not world.para.is_active
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE)
    assert entry.detail == {"fields": ["role", "is_active"]}


def test_becoming_a_provider_creates_the_profile(world, login):
    login(world.admin).post(
        url(world.para), save_data(world.para, role="provider", discipline="PT")
    )
    world.para.refresh_from_db()
    assert world.para.role == Role.PROVIDER
    assert world.para.provider.discipline == "PT"
    assert world.para.provider.district == world.district


def test_admin_cannot_demote_or_deactivate_themself(world, login):
    client = login(world.admin)
    response = client.post(url(world.admin), save_data(world.admin, role="teacher"))
    assert "cannot change your own role" in response.content.decode()
    response = client.post(url(world.admin), save_data(world.admin, is_active=""))
    assert "deactivate your own account" in response.content.decode()
    world.admin.refresh_from_db()
    assert world.admin.role == Role.ADMIN
    assert world.admin.is_active


def test_unlock_clears_the_axes_lockout(world, login):
    for ip in ("10.0.0.1", "10.0.0.2"):
        AccessAttempt.objects.create(
            username="teacher", ip_address=ip, failures_since_start=5, get_data="", post_data=""
        )
    AccessAttempt.objects.create(
        username="para", ip_address="10.0.0.1", failures_since_start=5, get_data="", post_data=""
    )
    client = login(world.admin)
    page = client.get(url(world.teacher))
    assert page.context["locked"] is True
    assert "locked out" in page.content.decode()
    response = client.post(url(world.teacher), {"action": "unlock"})
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="teacher").exists()
    assert AccessAttempt.objects.filter(username="para").count() == 1
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE)
    assert entry.detail == {"unlocked": True, "attempts_removed": 2}
    assert client.get(url(world.teacher)).context["locked"] is False


def test_locked_out_user_can_sign_in_after_unlock(world, login, client):
    for _ in range(5):
        client.post(reverse("login"), {"username": "teacher", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "teacher", "password": PASSWORD})
    assert response.status_code == 429
    login(world.admin).post(url(world.teacher), {"action": "unlock"})
    client.logout()
    response = client.post(reverse("login"), {"username": "teacher", "password": PASSWORD})
    assert response.status_code == 302
