"""The demo district shows a teacher's lesson request: the OT login answers it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pushin.accounts.models import User
from pushin.collaboration.models import Notification
from pushin.demo.district import demo_district_load
from pushin.lessons.models import LessonRequest, RequestStatus

pytestmark = pytest.mark.django_db


def test_the_small_demo_has_an_open_lesson_request_the_ot_sees(login) -> None:
    demo_district_load(size="small")
    teacher = User.objects.get(username="teacher.park")
    asked = LessonRequest.objects.get()
    assert (asked.requested_by, asked.status) == (teacher, RequestStatus.OPEN)
    ot = User.objects.get(username="ot.rivera")
    assert Notification.objects.filter(recipient=ot, text__contains="scissor skills").exists()
    body = login(ot).get(reverse("lessons:home")).content.decode()
    assert "Before the holiday craft" in body
    portal = login(teacher).get(reverse("collaboration:portal_home"), follow=True).content.decode()
    assert "Waiting for an answer" in portal
