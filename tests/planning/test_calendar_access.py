"""The calendar feed serves only an active provider, and its secret address changes when
an administrator deactivates the provider or changes their role (issue 10)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pushin.accounts.models import AuditAction, AuditEntry, Role, User
from pushin.accounts.services import user_update
from pushin.planning.services import calendar_token_regenerate, calendar_token_revoke
from tests.factories import World
from tests.sessions.factories import MONDAY, dated_session


def feed(client, token: str):
    return client.get(reverse("planning:calendar_feed", args=[token]))


@pytest.fixture
def token(pworld: World) -> str:
    return calendar_token_regenerate(provider=pworld.provider, user=pworld.provider.user)


def edit(world: World, user: User, **changes) -> User:
    """The administrator's user edit, with only `changes` differing."""
    fields = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": user.role,
        "is_active": user.is_active,
        "discipline": world.provider.discipline if user.role == Role.PROVIDER else "",
    }
    return user_update(actor=world.admin, user=user, **{**fields, **changes})


def _current_token(world: World) -> str:
    world.provider.refresh_from_db()
    return world.provider.calendar_token


@pytest.mark.parametrize(
    "change", [{"is_active": False}, {"role": Role.TEACHER}], ids=["deactivated", "not_provider"]
)
def test_the_feed_of_an_inactive_or_former_provider_is_404(
    pworld: World, client, token: str, change: dict[str, object]
) -> None:
    """Even with the address unchanged (a change made outside the user edit)."""
    assert feed(client, token).status_code == 200
    User.objects.filter(pk=pworld.provider.user.pk).update(**change)
    assert feed(client, token).status_code == 404


def test_deactivating_a_provider_rotates_the_address(pworld: World, client, token: str) -> None:
    edit(pworld, pworld.provider.user, is_active=False)
    new = _current_token(pworld)
    assert new not in ("", token)
    assert feed(client, token).status_code == 404
    assert feed(client, new).status_code == 404  # inactive: no address serves
    # Back at work: the new address serves (resubscribed from the calendar page), never
    # the one a former device may still hold.
    edit(pworld, pworld.provider.user, is_active=True)
    assert _current_token(pworld) == new
    assert feed(client, new).status_code == 200
    assert feed(client, token).status_code == 404
    rotations = AuditEntry.objects.filter(
        action=AuditAction.UPDATE,
        object_type="district.provider",
        detail={"field": "calendar_token"},
        actor=pworld.admin,
    )
    assert rotations.count() == 1


def test_a_role_change_rotates_the_address(pworld: World, client, token: str) -> None:
    edit(pworld, pworld.provider.user, role=Role.TEACHER)
    new = _current_token(pworld)
    assert new not in ("", token)
    assert feed(client, token).status_code == 404
    assert feed(client, new).status_code == 404  # no longer a provider


def test_other_edits_keep_the_address(pworld: World, client, token: str) -> None:
    edit(pworld, pworld.provider.user, first_name="Robin", email="robin@example.org")
    assert _current_token(pworld) == token
    assert feed(client, token).status_code == 200


def test_a_feed_that_was_off_stays_off(pworld: World) -> None:
    calendar_token_revoke(provider=pworld.provider, user=pworld.provider.user)
    edit(pworld, pworld.provider.user, is_active=False)
    assert _current_token(pworld) == ""


def test_feed_reads_are_audited_with_the_provider_as_actor(
    pworld: World, client, token: str
) -> None:
    assert dated_session(pworld, [pworld.student]).date == MONDAY
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    assert feed(client, token).status_code == 200
    (entry,) = AuditEntry.objects.filter(pk__gt=last)
    assert (entry.action, entry.student_id, entry.actor_id) == (
        AuditAction.READ,
        pworld.student.pk,
        pworld.provider.user.pk,
    )
    assert entry.detail["page"] == "calendar_feed"
    # A refused read (inactive provider) reads nothing and writes nothing.
    User.objects.filter(pk=pworld.provider.user.pk).update(is_active=False)
    assert feed(client, token).status_code == 404
    assert AuditEntry.objects.filter(pk__gt=last).count() == 1
