"""The teacher portal's "Watch list" section: a count for the room and the links."""

from __future__ import annotations

from django.urls import reverse

from tests.factories import World
from tests.watchlist.helpers import WATCHED_NAME, make_entry


def test_the_portal_counts_the_rooms_entries_without_names(world: World, login) -> None:
    portal = reverse("collaboration:portal", args=[world.classroom.pk])
    client = login(world.teacher)
    body = client.get(portal).content.decode()
    assert 'id="watch"' in body
    assert 'href="#watch"' in body
    assert reverse("watchlist:new") in body
    assert "on it." not in body  # nobody yet
    make_entry(world)
    make_entry(world, first_name="Rowan")
    body = client.get(portal).content.decode()
    assert "2 students of this room are on it." in body
    assert WATCHED_NAME not in body
