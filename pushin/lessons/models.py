"""Whole-class lessons, teachers' requests for them, whether they count towards a
mandate, and float support (docs/lessons.md).

A lesson is a dated session like any other (`sessions.DatedSession`: the provider's grid,
Today, logging, signing, amendments) with a `ClassLesson` row beside it that says so: the
room, the topic and the plan. Its records are the provider's caseload students of the
room; the minutes ledger keeps their minutes apart and counts them towards a mandate only
where the service's `LessonCredit` says so (none: no).
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import F, Q

from pushin.sessions.ledger_stamps import LedgerInputQuerySet
from pushin.vocabulary import Weekday


class Topic(models.TextChoices):
    HANDWRITING = "handwriting", "Handwriting"
    SENSORY_BREAK = "sensory_break", "Sensory break routine"
    SCISSOR_SKILLS = "scissor_skills", "Scissor skills"
    KEYBOARDING = "keyboarding", "Keyboarding"
    ORGANISATION = "organisation", "Organisation"


class WeeklyLessonQuerySet(models.QuerySet["WeeklyLesson"]):
    def in_force(self, *, start: dt.date, end: dt.date | None = None) -> WeeklyLessonQuerySet:
        """The weekly lessons whose range meets [start, end] (end None: from start on)."""
        rows = self.filter(Q(effective_to__isnull=True) | Q(effective_to__gte=start)).exclude(
            effective_to__lt=F("effective_from")  # ended before it began: never in force
        )
        if end is not None:
            rows = rows.filter(effective_from__lte=end)
        return rows


class WeeklyLesson(models.Model):
    """The provider's own standing lesson: "Room 2-A, writing block, weekly, 30 min".

    The calendar of lessons (`lessons/weekly.py`) stores its dated occurrences ahead (a
    `ClassLesson` each, with `weekly` set) from `effective_from` on; ending it sets
    `effective_to` and removes only the occurrences that have not started and hold
    nothing. The planner treats it as the provider's busy time every week it is in force.
    """

    provider = models.ForeignKey(
        "district.Provider", on_delete=models.PROTECT, related_name="weekly_lessons"
    )
    classroom = models.ForeignKey(
        "district.Classroom", on_delete=models.PROTECT, related_name="weekly_lessons"
    )
    day = models.CharField(max_length=3, choices=Weekday.choices)
    start = models.TimeField()
    end = models.TimeField()
    activity = models.CharField(max_length=40, blank=True)
    topic = models.CharField(max_length=20, choices=Topic.choices)
    plan = models.TextField(blank=True)
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True, help_text="Its last day; empty: on.")
    created_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = WeeklyLessonQuerySet.as_manager()

    class Meta:
        ordering = ["effective_from", "id"]

    def __str__(self) -> str:
        return f"Weekly lesson {self.pk} ({self.topic}) in classroom {self.classroom_id}"

    @property
    def active(self) -> bool:
        from django.utils import timezone

        if self.effective_to is None:
            return True
        return self.effective_to >= max(timezone.localdate(), self.effective_from)


class ClassLesson(models.Model):
    """A whole-class lesson co-taught with the teacher: the session it is, and what."""

    session = models.OneToOneField(
        # The session's own row: it goes only with the session (a privacy deletion of a
        # session nobody is left in); the records of the session are what is protected.
        "therapy_sessions.DatedSession",
        on_delete=models.CASCADE,
        related_name="class_lesson",
    )
    classroom = models.ForeignKey(
        "district.Classroom", on_delete=models.PROTECT, related_name="class_lessons"
    )
    topic = models.CharField(max_length=20, choices=Topic.choices)
    plan = models.TextField(blank=True, help_text="What the lesson does, for the teacher too.")
    weekly = models.ForeignKey(
        WeeklyLesson,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="occurrences",
        help_text="The weekly lesson this is an occurrence of; empty: a one-off lesson.",
    )
    created_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LedgerInputQuerySet.as_manager()

    class Meta:
        ordering = ["session__date", "session__start", "id"]

    def __str__(self) -> str:
        return f"Lesson {self.pk} ({self.topic}) in classroom {self.classroom_id}"


class RequestStatus(models.TextChoices):
    OPEN = "open", "Waiting for an answer"
    ACCEPTED = "accepted", "Scheduled"
    DECLINED = "declined", "Declined"


class LessonRequest(models.Model):
    """A teacher asks for a lesson: "scissor skills before the holiday craft"."""

    classroom = models.ForeignKey(
        "district.Classroom", on_delete=models.CASCADE, related_name="lesson_requests"
    )
    requested_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    topic = models.CharField(max_length=20, choices=Topic.choices)
    by_when = models.DateField(help_text="The lesson should happen by this day.")
    note = models.CharField(max_length=300, blank=True)
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    decided_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)
    lesson = models.OneToOneField(
        ClassLesson,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="request",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Lesson request {self.pk} ({self.status})"


class LessonCredit(models.Model):
    """Whether whole-class lessons count towards a service's mandate (no row: no)."""

    service = models.OneToOneField(
        "caseload.Service", on_delete=models.CASCADE, related_name="lesson_credit"
    )
    counts = models.BooleanField(default=False)
    set_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(auto_now=True)

    objects = LedgerInputQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Lesson credit of service {self.service_id}: {self.counts}"


class SupportStyle(models.TextChoices):
    FLOAT = "float", "Float: works around the whole room"


class SessionSupport(models.Model):
    """How support looks in a session: floating around the room while focusing on one
    student. The teacher sees the style, never who the focus student is."""

    session = models.OneToOneField(
        "therapy_sessions.DatedSession", on_delete=models.CASCADE, related_name="support"
    )
    style = models.CharField(max_length=10, choices=SupportStyle.choices)
    focus_student = models.ForeignKey(
        "caseload.Student", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Support of session {self.session_id}: {self.style}"
