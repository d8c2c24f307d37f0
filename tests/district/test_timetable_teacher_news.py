"""A teacher's change on the timetable page reaches the room's providers, as from the portal."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pushin.collaboration.models import Notification
from pushin.district.models import ActivityBlock, TimetableException
from tests.factories import World

pytestmark = pytest.mark.django_db

THURSDAY_TEST = {
    "date": "2026-12-03",
    "start": "10:00",
    "end": "10:45",
    "kind": "activity",
    "activity": "test",
    "note": "",
}


def test_a_teachers_dated_change_notifies_the_rooms_provider(world: World, login) -> None:
    client = login(world.teacher)
    url = reverse("district:exception_create", args=[world.classroom.pk])
    response = client.post(url, THURSDAY_TEST)
    assert response.status_code in (200, 302)
    assert TimetableException.objects.filter(classroom=world.classroom).count() == 1
    notice = Notification.objects.get()
    assert notice.recipient == world.provider.user
    assert "Thu Dec 3 10:00-10:45" in notice.text
    assert world.student.first_name not in notice.text


def test_a_teachers_weekly_change_notifies_the_rooms_provider(world: World, login) -> None:
    block = ActivityBlock.objects.get(classroom=world.classroom, day="mon")
    client = login(world.teacher)
    url = reverse("district:block_edit", args=[world.classroom.pk, block.pk])
    response = client.post(
        url,
        {
            "day": "mon",
            "start": "13:00",
            "end": "13:45",
            "activity": "writing",
            "teacher_preference": "good",
        },
    )
    assert response.status_code in (200, 302)
    block.refresh_from_db()
    assert (block.start.hour, block.teacher_preference) == (13, "good")
    texts = [n.text for n in Notification.objects.filter(recipient=world.provider.user)]
    assert len(texts) == 2
    assert any("is now Writing Mon 13:00-13:45" in text for text in texts)
    assert any("a good time for push-in" in text for text in texts)


def test_a_providers_own_change_sends_no_notification(world: World, login) -> None:
    client = login(world.provider.user)
    url = reverse("district:exception_create", args=[world.classroom.pk])
    client.post(url, THURSDAY_TEST)
    assert TimetableException.objects.filter(classroom=world.classroom).count() == 1
    assert not Notification.objects.exists()
