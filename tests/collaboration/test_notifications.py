"""Notifications: the list, the nav badge, opening one, marking all read."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pushin.collaboration.models import Notification
from tests.caseload.personas import is_login_redirect, persona_user
from tests.factories import World

PAGE = "/collaboration/notifications/"


def notify(
    world: World, text: str = "Room 2A: Thu 10:00-10:45 is a test.", **extra
) -> Notification:
    return Notification.objects.create(
        recipient=world.provider.user, text=text, link="/planning/", **extra
    )


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("provider", 200),
        ("other_provider", 200),
        ("admin", 200),
        ("teacher", 200),
        ("other_teacher", 200),
        ("para", 200),
        ("anonymous", 302),
    ],
)
def test_everyone_signed_in_has_a_list_of_their_own(
    world: World, login, persona: str, status: int
) -> None:
    notify(world)
    response = login(persona_user(world, persona)).get(PAGE)
    assert response.status_code == status
    if persona == "anonymous":
        assert is_login_redirect(response)
    elif persona == "provider":
        assert "Room 2A: Thu 10:00-10:45 is a test." in response.content.decode()
    else:
        assert "Room 2A" not in response.content.decode()


def test_the_nav_badge_counts_unread(world: World, login) -> None:
    notify(world)
    notify(world, text="Second")
    client = login(world.provider.user)
    body = client.get("/caseload/").content.decode()
    assert '<span class="badge nav-badge" aria-label="2 unread">2</span>' in body
    client.post("/collaboration/notifications/read/")
    assert "nav-badge" not in client.get("/caseload/").content.decode()


def test_opening_marks_read_and_follows_the_link(world: World, login) -> None:
    note = notify(world)
    response = login(world.provider.user).post(
        reverse("collaboration:notification_open", args=[note.pk])
    )
    assert response.status_code == 302
    assert response["Location"] == "/planning/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_an_outside_link_is_not_followed(world: World, login) -> None:
    note = notify(world)
    note.link = "https://example.com/phish"
    note.save()
    response = login(world.provider.user).post(
        reverse("collaboration:notification_open", args=[note.pk])
    )
    assert response["Location"] == PAGE


@pytest.mark.parametrize("persona", ["other_provider", "teacher", "para", "admin"])
def test_someone_elses_notification_is_404(world: World, login, persona: str) -> None:
    note = notify(world)
    url = reverse("collaboration:notification_open", args=[note.pk])
    assert login(persona_user(world, persona)).post(url).status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_unread_come_first(world: World, login) -> None:
    from django.utils import timezone

    notify(world, text="Old and read", read_at=timezone.now())
    notify(world, text="Fresh")
    body = login(world.provider.user).get(PAGE).content.decode()
    assert body.index("Fresh") < body.index("Old and read")
