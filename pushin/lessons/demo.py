"""The demo's whole-class lessons: the teacher login asks for a scissor-skills lesson, so
the provider's lessons page and the portal show a request waiting for an answer."""

from __future__ import annotations

import datetime as dt

from pushin.district.models import Classroom
from pushin.lessons.models import LessonRequest, Topic
from pushin.lessons.services import lesson_request_create


def demo_lesson_request(*, featured_room: Classroom, today: dt.date) -> LessonRequest | None:
    teacher = featured_room.teacher
    if teacher is None:
        return None
    return lesson_request_create(
        actor=teacher,
        classroom=featured_room,
        topic=Topic.SCISSOR_SKILLS,
        by_when=today + dt.timedelta(days=14),
        note="Before the holiday craft, if you can",
    )
