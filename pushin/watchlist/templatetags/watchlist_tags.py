"""Watch-list links on other apps' pages (the teacher portal, a student's record)."""

from __future__ import annotations

from django import template

from pushin.caseload.models import Student
from pushin.district.models import Classroom
from pushin.watchlist.models import CarriedObservation, WatchEntry

register = template.Library()


@register.simple_tag
def watch_count(classroom: Classroom) -> int:
    """How many students of the room are on the watch list (the room's teacher's portal)."""
    return WatchEntry.objects.filter(classroom=classroom).count()


@register.simple_tag
def carried_count(student: Student) -> int:
    """How many observations from before the referral the student's record holds."""
    return CarriedObservation.objects.filter(student=student).count()
