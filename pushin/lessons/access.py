"""Who may do what with lessons (docs/lessons.md).

A provider plans lessons in the rooms where they work and answers those rooms' requests;
a teacher asks for lessons in their own room (the portal's rule) and sees its lessons;
whether lessons count towards a mandate is changed by those who amend the mandate. Anyone
else gets a 404, as for something that does not exist.
"""

from __future__ import annotations

from django.http import Http404

from pushin.accounts.models import User
from pushin.caseload.access import StudentAccess, student_for_user
from pushin.caseload.models import Service
from pushin.district.models import Provider
from pushin.lessons.models import LessonRequest, WeeklyLesson
from pushin.lessons.services import provider_rooms


def lesson_request_for_provider(provider: Provider, pk: int) -> LessonRequest:
    """A request for a room where the provider works; 404 for any other."""
    rooms = [room.pk for room in provider_rooms(provider)]
    try:
        return LessonRequest.objects.select_related("classroom__school", "requested_by").get(
            pk=pk, classroom_id__in=rooms
        )
    except LessonRequest.DoesNotExist:
        raise Http404("No such request") from None


def service_for_credit(user: User, pk: int) -> Service:
    """A service whose mandate the user may amend (a provider of the student, the district
    administrator); 404 for anyone else."""
    try:
        service = Service.objects.select_related("iep").get(pk=pk)
    except Service.DoesNotExist:
        raise Http404("No such service") from None
    student_for_user(user, service.iep.student_id)  # 404 for a student they do not see
    access = StudentAccess.for_user(user)
    if not (access.mandate and access.edit):
        raise Http404("No such service")
    return service


def weekly_lesson_for_provider(provider: Provider, pk: int) -> WeeklyLesson:
    """The provider's own weekly lesson; 404 for any other."""
    try:
        return WeeklyLesson.objects.select_related("classroom").get(pk=pk, provider=provider)
    except WeeklyLesson.DoesNotExist:
        raise Http404("No such weekly lesson") from None
