"""A district turns password sign-in off: its staff then sign in only with single sign-on;
a superuser's password still works (break-glass). The switch is on the district
administrator's sign-in page, and needs single sign-on configured and used."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from pushin.accounts.models import AuditAction, AuditEntry, Role, User
from pushin.district.models import District
from tests.accounts.test_sso import provider, sign_in_as, with_email
from tests.factories import PASSWORD, World, make_user
from tests.page_text import page_text
from tests.signing_in import authenticator_for, authenticator_if_needed, code_if_owed

pytestmark = pytest.mark.django_db


def password_off(district: District) -> None:
    district.password_signin = False
    district.save(update_fields=["password_signin"])


def sign_in_with_password(client: Client, username: str, password: str = PASSWORD) -> Any:
    """The sign-in form; then, for an administrator (two-factor by default), the code."""
    user = User.objects.filter(username=username).first()
    if user is not None:
        authenticator_if_needed(user)
    response = client.post(reverse("login"), {"username": username, "password": password})
    if response.status_code == 302:
        code_if_owed(client)
    return response


def test_password_sign_in_works_while_on(world: World, client: Client) -> None:
    response = sign_in_with_password(client, world.teacher.username)
    assert response.status_code == 302
    assert int(client.session[SESSION_KEY]) == world.teacher.pk


def test_off_refuses_a_correct_password_saying_why(world: World, client: Client) -> None:
    password_off(world.district)
    response = sign_in_with_password(client, world.teacher.username)
    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    text = page_text(response.content.decode())
    assert "Your district signs in with single sign-on only" in text
    assert "Please enter a correct username and password" not in text


def test_off_answers_a_wrong_password_as_any_wrong_password(world: World, client: Client) -> None:
    password_off(world.district)
    response = sign_in_with_password(client, world.teacher.username, "not-the-password")
    text = page_text(response.content.decode())
    assert "Please enter a correct username and password" in text
    assert "single sign-on only" not in text


def test_a_superuser_of_the_district_still_signs_in_with_a_password(
    world: World, client: Client
) -> None:
    password_off(world.district)
    root = make_user("root", Role.ADMIN, world.district)
    root.is_superuser = True
    root.save(update_fields=["is_superuser"])
    response = sign_in_with_password(client, "root")
    assert response.status_code == 302
    assert int(client.session[SESSION_KEY]) == root.pk
    assert client.get(reverse("district:dashboard")).status_code == 200


def test_another_district_is_not_affected(world: World, client: Client) -> None:
    other = District.objects.create(
        name="Elsewhere",
        school_year_start=world.district.school_year_start,
        school_year_end=world.district.school_year_end,
    )
    password_off(other)
    response = sign_in_with_password(client, world.teacher.username)
    assert response.status_code == 302


def test_a_password_sign_in_ends_when_the_district_turns_passwords_off(
    world: World, client: Client
) -> None:
    sign_in_with_password(client, world.teacher.username)
    inbox = reverse("followups:inbox")
    assert client.get(inbox).status_code == 200
    password_off(world.district)
    response = client.get(inbox)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_single_sign_on_still_signs_in_when_passwords_are_off(
    settings: Any, world: World, client: Client
) -> None:
    password_off(world.district)
    with_email(world.teacher, "j.park@riverbend.example")
    with provider(settings):
        response = sign_in_as(client, "park")
    assert response["Location"] == reverse("home")
    assert int(client.session[SESSION_KEY]) == world.teacher.pk


# --- The administrator's switch ----------------------------------------------------------


def settings_url() -> str:
    return reverse("signin:settings")


def test_only_the_administrator_sees_the_page(world: World, login: Any) -> None:
    assert login(world.admin).get(settings_url()).status_code == 200
    for person in (world.teacher, world.para, world.provider.user):
        assert login(person).get(settings_url()).status_code == 404
    anonymous = login(None).get(settings_url())
    assert anonymous.status_code == 302


def test_off_is_refused_without_single_sign_on_configured(world: World, login: Any) -> None:
    client = login(world.admin)
    page = page_text(client.get(settings_url()).content.decode())
    assert "Single sign-on is not configured on this server" in page
    response = client.post(settings_url(), {"password_signin": "off"})
    assert response.status_code == 400
    assert "Single sign-on is not configured, so password sign-in stays on" in page_text(
        response.content.decode()
    )
    world.district.refresh_from_db()
    assert world.district.password_signin


def test_off_is_refused_to_an_administrator_signed_in_with_a_password(
    settings: Any, world: World, client: Client
) -> None:
    with provider(settings):
        sign_in_with_password(client, world.admin.username)
        response = client.post(settings_url(), {"password_signin": "off"})
    assert response.status_code == 400
    assert "Sign in with single sign-on first" in page_text(response.content.decode())
    world.district.refresh_from_db()
    assert world.district.password_signin


def test_an_administrator_signed_in_with_single_sign_on_turns_it_off_and_on(
    settings: Any, world: World, client: Client
) -> None:
    with_email(world.admin, "Admin@Riverbend.example")
    people = [("admin", {"email": "admin@riverbend.example", "email_verified": True})]
    authenticator_for(world.admin)
    with provider(settings, people=people):
        assert sign_in_as(client, "admin")["Location"] == reverse("home")
        assert code_if_owed(client)  # single sign-on does not stand in for the code
        response = client.post(settings_url(), {"password_signin": "off"})
        assert response.status_code == 302
        world.district.refresh_from_db()
        assert not world.district.password_signin
        entry = AuditEntry.objects.filter(object_type="district.district").latest("at")
        assert entry.action == AuditAction.UPDATE
        assert entry.detail == {"password_signin": False}
        assert "single sign-on only" in page_text(client.get(settings_url()).content.decode())
        # The administrator stays signed in (with single sign-on) and can turn it back on.
        assert client.post(settings_url(), {"password_signin": "on"}).status_code == 302
    world.district.refresh_from_db()
    assert world.district.password_signin


def test_a_choice_that_is_neither_is_refused(world: World, login: Any) -> None:
    response = login(world.admin).post(settings_url(), {"password_signin": "maybe"})
    assert response.status_code == 400
    assert "Choose whether staff may sign in with a password" in page_text(
        response.content.decode()
    )


def test_a_superuser_turns_password_sign_in_back_on_when_the_provider_is_down(
    world: World, client: Client
) -> None:
    password_off(world.district)
    root = make_user("root", Role.ADMIN, world.district)
    root.is_superuser = True
    root.save(update_fields=["is_superuser"])
    sign_in_with_password(client, "root")
    assert client.post(settings_url(), {"password_signin": "on"}).status_code == 302
    world.district.refresh_from_db()
    assert world.district.password_signin
    client.logout()
    assert sign_in_with_password(client, world.teacher.username).status_code == 302


def test_the_district_settings_link_to_the_sign_in_page(world: World, login: Any) -> None:
    page = login(world.admin).get(reverse("district:settings")).content.decode()
    assert f'href="{settings_url()}"' in page
    assert "Password sign-in is on" in page_text(page)
