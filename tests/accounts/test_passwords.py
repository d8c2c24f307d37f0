"""Passwords known only to their owner (pushin/accounts/passwords.py): a reset by e-mail
with a one-day token and no account enumeration, the invitation of a new account, the
self-service change, and an administrator who sends a reset link but cannot set a
password (district user page and Django admin)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from pushin.accounts.models import AuditAction, AuditEntry, Role, User
from pushin.accounts.tasks import password_link_send
from tests.factories import PASSWORD, World, make_user
from tests.page_text import page_text

NEW_PASSWORD = "quiet-harbor-maple-77"
TASK = "pushin.accounts.tasks.password_link_send"


def _queued() -> list[DBTaskResult]:  # type: ignore[type-arg]
    return list(DBTaskResult.objects.filter(status="READY", task_path=TASK))


def _deliver() -> list[str]:
    """Run the queued link e-mails as the worker would; returns their outcomes."""
    outcomes = []
    for row in _queued():
        args = row.args_kwargs["args"]
        outcomes.append(password_link_send.call(*args))
        DBTaskResult.objects.filter(pk=row.pk).update(status="SUCCESSFUL")
    return outcomes


def _link(message: mail.EmailMessage) -> str:
    found = re.search(r"http://testserver(/password/set/[^\s]+/)", str(message.body))
    assert found, message.body
    return found.group(1)


def _signs_in(username: str, password: str) -> bool:
    """Whether the sign-in page lets `username` in with `password` (a fresh browser)."""
    response = Client().post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


def _ask_reset(client: Client, email: str, captured) -> str:
    with captured(execute=True):
        response = client.post(reverse("password:reset"), {"email": email}, follow=True)
    assert response.status_code == 200
    return page_text(response.content.decode())


def _set_password(client: Client, link: str, password: str):
    # Django moves the token into the session and redirects to the form's own address.
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    address = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    return form_page, client.post(
        address, {"new_password1": password, "new_password2": password}, follow=True
    )


def test_reset_answers_the_same_for_a_known_and_an_unknown_address(
    world: World, client: Client, django_capture_on_commit_callbacks
) -> None:
    known = _ask_reset(client, world.teacher.email, django_capture_on_commit_callbacks)
    assert len(_queued()) == 1
    unknown = _ask_reset(client, "nobody@example.org", django_capture_on_commit_callbacks)
    assert len(_queued()) == 1  # nothing more queued
    assert known == unknown
    assert "If an active account has that e-mail address" in known
    assert _deliver() == ["sent"]
    (message,) = mail.outbox
    assert message.to == [world.teacher.email]


def test_reset_of_an_inactive_account_sends_nothing(
    world: World, client: Client, django_capture_on_commit_callbacks
) -> None:
    User.objects.filter(pk=world.teacher.pk).update(is_active=False)
    text = _ask_reset(client, world.teacher.email, django_capture_on_commit_callbacks)
    assert "If an active account has that e-mail address" in text
    assert _queued() == []


def test_reset_request_needs_a_well_formed_address(world: World, client: Client) -> None:
    response = client.post(reverse("password:reset"), {"email": "not an address"})
    assert response.status_code == 200
    assert "Enter a valid email address." in page_text(response.content.decode())
    assert _queued() == []


def test_the_queue_stores_no_token(
    world: World, client: Client, django_capture_on_commit_callbacks
) -> None:
    _ask_reset(client, world.teacher.email, django_capture_on_commit_callbacks)
    (row,) = _queued()
    assert row.args_kwargs == {
        "args": [world.teacher.pk, "reset", "http://testserver/"],
        "kwargs": {},
    }


def test_reset_link_sets_the_password_once(
    world: World, client: Client, django_capture_on_commit_callbacks
) -> None:
    _ask_reset(client, world.teacher.email, django_capture_on_commit_callbacks)
    _deliver()
    link = _link(mail.outbox[0])
    form_page, done = _set_password(client, link, NEW_PASSWORD)
    assert "Choose your password" in page_text(form_page.content.decode())
    assert "Password set" in page_text(done.content.decode())
    world.teacher.refresh_from_db()
    assert world.teacher.check_password(NEW_PASSWORD)
    assert _signs_in("teacher", NEW_PASSWORD)
    again = client.get(link, follow=True)
    assert "This link has expired or was already used." in page_text(again.content.decode())


def test_reset_link_refuses_a_weak_password(
    world: World, client: Client, django_capture_on_commit_callbacks
) -> None:
    _ask_reset(client, world.teacher.email, django_capture_on_commit_callbacks)
    _deliver()
    _, done = _set_password(client, _link(mail.outbox[0]), "abc")
    assert "This password is too short." in page_text(done.content.decode())
    world.teacher.refresh_from_db()
    assert world.teacher.check_password(PASSWORD)


def test_reset_link_expires_after_a_day(
    world: World, client: Client, django_capture_on_commit_callbacks, time_machine
) -> None:
    _ask_reset(client, world.teacher.email, django_capture_on_commit_callbacks)
    _deliver()
    link = _link(mail.outbox[0])
    assert "for 24 hours" in mail.outbox[0].body
    time_machine.shift(dt.timedelta(hours=24, minutes=1))
    page, _ = _set_password(client, link, NEW_PASSWORD)
    assert "This link has expired or was already used." in page_text(page.content.decode())
    world.teacher.refresh_from_db()
    assert world.teacher.check_password(PASSWORD)


def test_reset_link_still_works_just_before_it_expires(
    world: World, client: Client, django_capture_on_commit_callbacks, time_machine
) -> None:
    _ask_reset(client, world.teacher.email, django_capture_on_commit_callbacks)
    _deliver()
    time_machine.shift(dt.timedelta(hours=23, minutes=50))
    _, done = _set_password(client, _link(mail.outbox[0]), NEW_PASSWORD)
    assert "Password set" in page_text(done.content.decode())


def test_a_tampered_link_is_refused(
    world: World, client: Client, django_capture_on_commit_callbacks
) -> None:
    _ask_reset(client, world.teacher.email, django_capture_on_commit_callbacks)
    _deliver()
    link = _link(mail.outbox[0])
    tampered = link[:-3] + ("a" if link[-3] != "a" else "b") + link[-2:]
    page, _ = _set_password(client, tampered, NEW_PASSWORD)
    assert "This link has expired or was already used." in page_text(page.content.decode())


def test_self_service_change(world: World, login) -> None:
    client = login(world.provider.user)
    url = reverse("password:change")
    assert client.get(url).status_code == 200
    wrong = client.post(
        url,
        {"old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert "Your old password was entered incorrectly" in page_text(wrong.content.decode())
    done = client.post(
        url,
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert "Password changed" in page_text(done.content.decode())
    world.provider.user.refresh_from_db()
    assert world.provider.user.check_password(NEW_PASSWORD)
    # Still signed in on this device.
    assert client.get(reverse("sessions:today")).status_code == 200


def test_password_change_needs_a_sign_in(world: World, client: Client) -> None:
    response = client.get(reverse("password:change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_sign_in_page_links_to_the_reset(world: World, client: Client) -> None:
    html = client.get(reverse("login")).content.decode()
    assert reverse("password:reset") in html


# A new account is invited, never given a password.


def _create(client: Client, captured, **overrides):
    data = {
        "username": "newot",
        "first_name": "Nova",
        "last_name": "Tester",
        "email": "nova@example.org",
        "role": "provider",
        "discipline": "OT",
        "supervisor": "",
        **overrides,
    }
    with captured(execute=True):
        return client.post(reverse("accounts:user_create"), data, follow=True)


def test_a_new_account_is_invited_and_its_owner_chooses_the_password(
    world: World, login, django_capture_on_commit_callbacks
) -> None:
    admin = login(world.admin)
    form = admin.get(reverse("accounts:user_create")).content.decode()
    assert 'type="password"' not in form
    response = _create(admin, django_capture_on_commit_callbacks)
    assert "an invitation to choose a password was e-mailed to nova@example.org" in page_text(
        response.content.decode()
    )
    user = User.objects.get(username="newot")
    assert not user.has_usable_password()
    assert _deliver() == ["sent"]
    (message,) = mail.outbox
    assert message.to == ["nova@example.org"]
    assert message.subject == "Your Push-In account"
    assert "Your username is newot" in message.body
    stranger = Client()
    _, done = _set_password(stranger, _link(message), NEW_PASSWORD)
    assert "Password set" in page_text(done.content.decode())
    assert _signs_in("newot", NEW_PASSWORD)


def test_an_invited_account_cannot_sign_in_before_choosing(
    world: World, login, django_capture_on_commit_callbacks
) -> None:
    _create(login(world.admin), django_capture_on_commit_callbacks)
    assert not _signs_in("newot", "")
    assert not _signs_in("newot", "!")


# The administrator sends a reset link and can no longer set a password.


def test_user_page_offers_a_reset_link_and_no_password_field(world: World, login) -> None:
    html = login(world.admin).get(reverse("accounts:user_edit", args=[world.teacher.pk]))
    text = html.content.decode()
    assert 'type="password"' not in text
    assert 'value="password_link"' in text


def test_admin_can_no_longer_set_a_password(world: World, login) -> None:
    client = login(world.admin)
    response = client.post(
        reverse("accounts:user_edit", args=[world.teacher.pk]),
        {"action": "password", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    world.teacher.refresh_from_db()
    assert world.teacher.check_password(PASSWORD)
    assert not world.teacher.check_password(NEW_PASSWORD)
    # ... so signing in as the provider with a password the admin chose is impossible.
    assert not _signs_in("teacher", NEW_PASSWORD)


def test_admin_sends_a_reset_link_audited(
    world: World, login, django_capture_on_commit_callbacks
) -> None:
    client = login(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:user_edit", args=[world.provider.user.pk]),
            {"action": "password_link"},
            follow=True,
        )
    assert f"e-mailed to {world.provider.user.email}" in page_text(response.content.decode())
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE)
    assert entry.detail == {"password_link": "sent"}
    assert entry.actor == world.admin
    assert _deliver() == ["sent"]
    (message,) = mail.outbox
    assert message.to == [world.provider.user.email]
    assert NEW_PASSWORD not in message.body
    world.provider.user.refresh_from_db()
    assert world.provider.user.check_password(PASSWORD)  # unchanged until its owner acts


def test_reset_link_needs_an_address(world: World, login) -> None:
    User.objects.filter(pk=world.teacher.pk).update(email="")
    response = login(world.admin).post(
        reverse("accounts:user_edit", args=[world.teacher.pk]),
        {"action": "password_link"},
        follow=True,
    )
    assert "needs an e-mail address" in page_text(response.content.decode())
    assert _queued() == []


@pytest.fixture
def superuser_client(world: World, login) -> Client:
    root = make_user("root", Role.ADMIN, is_superuser=True, is_staff=True)
    client: Client = login(root)
    return client


def test_django_admin_cannot_set_a_password(world: World, superuser_client: Client) -> None:
    change = superuser_client.get(
        reverse("admin:accounts_user_change", args=[world.provider.user.pk])
    )
    assert change.status_code == 200
    assert "password/" not in change.content.decode()
    page = superuser_client.get(
        reverse("admin:auth_user_password_change", args=[world.provider.user.pk])
    )
    assert page.status_code == 404
    posted = superuser_client.post(
        reverse("admin:auth_user_password_change", args=[world.provider.user.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert posted.status_code == 404
    world.provider.user.refresh_from_db()
    assert world.provider.user.check_password(PASSWORD)


def test_django_admin_adds_a_user_without_a_password(
    world: World, superuser_client: Client
) -> None:
    add = superuser_client.get(reverse("admin:accounts_user_add"))
    assert 'type="password"' not in add.content.decode()
    response = superuser_client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "added",
            "email": "added@example.org",
            "role": "teacher",
            "district": world.district.pk,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    added = User.objects.get(username="added")
    assert not added.has_usable_password()


def test_django_admin_action_emails_reset_links(
    world: World, superuser_client: Client, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        superuser_client.post(
            reverse("admin:accounts_user_changelist"),
            {"action": "email_reset_link", "_selected_action": [world.teacher.pk]},
        )
    assert _deliver() == ["sent"]
    assert mail.outbox[0].to == [world.teacher.email]
    world.teacher.refresh_from_db()
    assert world.teacher.check_password(PASSWORD)
