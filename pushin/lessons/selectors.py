"""What the lesson pages and the teacher portal show (reads only)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Case, IntegerField, Value, When

from pushin.district.models import Classroom, Provider
from pushin.lessons.models import (
    ClassLesson,
    LessonCredit,
    LessonRequest,
    RequestStatus,
    SessionSupport,
    WeeklyLesson,
)
from pushin.lessons.services import provider_rooms
from pushin.vocabulary import weekday_order


def _open_first() -> Case:
    return Case(
        When(status=RequestStatus.OPEN, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )


def provider_requests(provider: Provider) -> list[LessonRequest]:
    """Requests of the rooms where the provider works: open ones first."""
    rooms = [room.pk for room in provider_rooms(provider)]
    return list(
        LessonRequest.objects.filter(classroom_id__in=rooms)
        .select_related("classroom__school", "requested_by", "decided_by", "lesson__session")
        .order_by(_open_first(), "by_when", "-created_at")[:100]
    )


def provider_lessons(provider: Provider, today: dt.date) -> list[ClassLesson]:
    """The provider's lessons from today on."""
    return list(
        ClassLesson.objects.filter(session__provider=provider, session__date__gte=today)
        .select_related("session", "classroom__school")
        .order_by("session__date", "session__start")
    )


def provider_weekly_lessons(provider: Provider, today: dt.date) -> list[WeeklyLesson]:
    """The provider's weekly lessons in force from today on (the ones to come too)."""
    return list(
        WeeklyLesson.objects.in_force(start=today)
        .filter(provider=provider)
        .select_related("classroom__school")
        .order_by(weekday_order(), "start", "pk")
    )


def classroom_lessons(classroom: Classroom, today: dt.date) -> list[ClassLesson]:
    """The room's lessons from today on, not called off: what the teacher sees."""
    return list(
        ClassLesson.objects.filter(
            classroom=classroom, session__date__gte=today, session__cancel_reason=""
        )
        .select_related("session__provider__user")
        .order_by("session__date", "session__start")
    )


def classroom_requests(classroom: Classroom) -> list[LessonRequest]:
    return list(
        LessonRequest.objects.filter(classroom=classroom)
        .select_related("lesson__session", "decided_by")
        .order_by(_open_first(), "-created_at")[:20]
    )


def session_kinds(session_ids: Iterable[int]) -> tuple[dict[int, str], set[int]]:
    """session pk -> its lesson's topic words; the sessions with float support."""
    ids = list(session_ids)
    topics = {
        lesson.session_id: lesson.get_topic_display()
        for lesson in ClassLesson.objects.filter(session_id__in=ids)
    }
    floats = set(
        SessionSupport.objects.filter(session_id__in=ids).values_list("session_id", flat=True)
    )
    return topics, floats


def lessons_count(service_id: int) -> bool:
    return LessonCredit.objects.filter(service_id=service_id, counts=True).exists()
