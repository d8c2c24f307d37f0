"""The watch list page: each person sees their rooms' entries, nobody else's."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pushin.accounts.models import AuditAction, AuditEntry
from tests.caseload.personas import is_login_redirect, persona_user
from tests.factories import World
from tests.watchlist.helpers import WATCHED_NAME, make_entry

PAGE = reverse("watchlist:list")


@pytest.mark.parametrize(
    ("persona", "status", "sees"),
    [
        ("provider", 200, True),  # serves Maple, the room's school
        ("teacher", 200, True),  # the room's teacher
        ("other_provider", 200, False),  # serves Cedar only
        ("other_teacher", 200, False),
        ("para", 404, False),
        ("admin", 302, False),  # counts only
        ("anonymous", 302, False),
    ],
)
def test_who_sees_the_entry(world: World, login, persona: str, status: int, sees: bool) -> None:
    make_entry(world)
    response = login(persona_user(world, persona)).get(PAGE)
    assert response.status_code == status
    if persona == "anonymous":
        assert is_login_redirect(response)
    if persona == "admin":
        assert response["Location"] == reverse("watchlist:counts")
    assert (WATCHED_NAME in response.content.decode()) is sees


def test_the_list_shows_counts_and_readiness_and_audits_each_entry(world: World, login) -> None:
    entry = make_entry(world, observations=3)
    make_entry(world, observations=1, first_name="Rowan")
    response = login(world.provider.user).get(PAGE)
    body = response.content.decode()
    assert "Quinn Z." in body
    assert "Rowan Z." in body
    assert "3 observations" in body
    assert "1 observation," in body
    assert body.count("summary ready") == 1
    reads = AuditEntry.objects.filter(action=AuditAction.READ, actor=world.provider.user)
    assert reads.filter(object_type="watchlist.watchentry", object_id=str(entry.pk)).exists()
    assert reads.count() == 2


def test_summary_ready_follows_the_districts_threshold(world: World, login) -> None:
    from pushin.watchlist.models import WatchPolicy

    make_entry(world, observations=3)
    WatchPolicy.objects.create(district=world.district, summary_min_observations=2)
    make_entry(world, observations=2, first_name="Rowan")
    body = login(world.teacher).get(PAGE).content.decode()
    assert body.count("summary ready") == 2
    WatchPolicy.objects.filter(district=world.district).update(summary_min_observations=4)
    body = login(world.teacher).get(PAGE).content.decode()
    assert "summary ready" not in body
