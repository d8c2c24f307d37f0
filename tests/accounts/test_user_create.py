from __future__ import annotations

import pytest
from django.urls import reverse

from pushin.accounts.models import AuditAction, AuditEntry, Role, User
from pushin.district.models import Provider
from tests.caseload.personas import PERSONAS, is_login_redirect, persona_user

URL = reverse("accounts:user_create")
EXPECTED_GET = {
    "provider": 404,
    "other_provider": 404,
    "teacher": 404,
    "other_teacher": 404,
    "para": 404,
    "admin": 200,
    "anonymous": 302,
}
EXPECTED_POST = {**EXPECTED_GET, "admin": 302}


def new_user(**overrides):
    data = {
        "username": "newot",
        "first_name": "Nova",
        "last_name": "Tester",
        "email": "nova@example.org",
        "role": "provider",
        "discipline": "OT",
        "supervisor": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("name", PERSONAS)
def test_get_permission_matrix(world, login, name):
    response = login(persona_user(world, name)).get(URL)
    assert response.status_code == EXPECTED_GET[name]
    if name == "anonymous":
        assert is_login_redirect(response)


@pytest.mark.parametrize("name", PERSONAS)
def test_post_permission_matrix(world, login, name):
    response = login(persona_user(world, name)).post(URL, new_user())
    assert response.status_code == EXPECTED_POST[name]
    if name == "anonymous":
        assert is_login_redirect(response)
    assert User.objects.filter(username="newot").exists() == (name == "admin")


def test_creates_a_provider_with_profile_in_the_admins_district(world, login):
    response = login(world.admin).post(URL, new_user())
    user = User.objects.get(username="newot")
    assert response["Location"] == reverse("accounts:user_edit", args=[user.pk])
    assert user.role == Role.PROVIDER
    assert user.district == world.district
    assert not user.has_usable_password()  # its owner chooses it from the invitation
    assert user.provider.discipline == "OT"
    assert user.provider.district == world.district
    entry = AuditEntry.objects.get(action=AuditAction.CREATE)
    assert (entry.actor, entry.object_id) == (world.admin, str(user.pk))


def test_a_teacher_gets_no_provider_profile(world, login):
    login(world.admin).post(URL, new_user(role="teacher", discipline=""))
    user = User.objects.get(username="newot")
    assert user.role == Role.TEACHER
    assert not Provider.objects.filter(user=user).exists()


def test_an_assistant_needs_a_supervisor(world, login):
    client = login(world.admin)
    response = client.post(URL, new_user(discipline="COTA"))
    assert response.status_code == 200
    assert "An assistant needs a supervising therapist." in response.content.decode()
    assert not User.objects.filter(username="newot").exists()
    client.post(URL, new_user(discipline="COTA", supervisor=str(world.provider.pk)))
    assert User.objects.get(username="newot").provider.supervisor == world.provider


def test_a_provider_needs_a_discipline(world, login):
    response = login(world.admin).post(URL, new_user(discipline=""))
    assert "Choose the provider&#x27;s discipline." in response.content.decode()
    assert not User.objects.filter(username="newot").exists()


def test_username_taken_in_any_case_is_refused(world, login):
    response = login(world.admin).post(URL, new_user(username="Teacher"))
    assert "already exists" in response.content.decode()
    assert User.objects.filter(username__iexact="teacher").count() == 1


def test_a_supervisor_from_another_district_is_not_offered(world, login):
    form = login(world.admin).get(URL).context["form"]
    assert set(form.fields["supervisor"].queryset) == {world.provider, world.other_provider}
