"""The notifications page in pages of 50: the unread first, then the newest."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pushin.collaboration.models import Notification

pytestmark = pytest.mark.django_db

URL = reverse("collaboration:notifications")


def test_notifications_are_shown_fifty_a_page_the_rest_on_the_next(world, login):
    Notification.objects.bulk_create(
        Notification(recipient=world.teacher, text=f"Change number {i:03d}.") for i in range(120)
    )
    client = login(world.teacher)
    first = client.get(URL)
    assert len(first.context["notifications"]) == 50
    html = first.content.decode()
    assert "Page 1 of 3" in html
    assert 'href="?page=2" rel="next"' in html
    shown = {n.pk for page in (1, 2, 3) for n in client.get(URL, {"page": page}).context["page"]}
    assert shown == set(Notification.objects.values_list("pk", flat=True))  # all reachable
    last = client.get(URL, {"page": 3})
    assert len(last.context["notifications"]) == 20
    assert "Page 3 of 3" in last.content.decode()


def test_a_short_list_has_no_page_links(world, login):
    Notification.objects.create(recipient=world.teacher, text="Room 2A changed.")
    html = login(world.teacher).get(URL).content.decode()
    assert "Room 2A changed." in html
    assert "Pages of notifications" not in html
