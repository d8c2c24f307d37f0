"""Dated sessions: what was planned for a school day, what happened, and the data taken.

A `DatedSession` is one occurrence of a standing weekly session (or a makeup) on a date.
Each student in it has a `SessionStudent` row: attendance, minutes delivered, the plan
(focus goal and strategy), a note, and `DataPoint`s. Once signed, changes are recorded
as `Amendment`s next to the values they replaced, never as silent overwrites.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.db.models import Q
from django.utils import timezone

from pushin.planning.models import RunStatus
from pushin.sessions.ledger_stamps import LedgerInputQuerySet
from pushin.timespans import minutes_of
from pushin.vocabulary import SHORT_REASON_CHOICES, Delivery, MissReason


class SessionStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    LOGGED = "logged", "Logged"
    SIGNED = "signed", "Signed"


@dataclass(frozen=True)
class StatusWord:
    """What a session's badge says, and its colour (a `.badge` class, "" for grey)."""

    word: str
    tone: str


class DatedSession(models.Model):
    provider = models.ForeignKey(
        "district.Provider", on_delete=models.PROTECT, related_name="dated_sessions"
    )
    classroom = models.ForeignKey(
        "district.Classroom", on_delete=models.PROTECT, related_name="dated_sessions"
    )
    date = models.DateField(db_index=True)
    start = models.TimeField()
    end = models.TimeField()
    activity = models.CharField(max_length=24, blank=True, help_text="The class activity planned.")
    delivery = models.CharField(max_length=8, choices=Delivery.choices, default=Delivery.PUSH_IN)
    standing = models.ForeignKey(
        "planning.ScheduledSession",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dated_sessions",
        help_text="The weekly session this is an occurrence of; empty for makeups.",
    )
    original_date = models.DateField(
        null=True,
        blank=True,
        help_text="The date of the weekly occurrence this session stands for (a one-day "
        "override may move it to another day of that week); empty for makeups.",
    )
    is_makeup = models.BooleanField(default=False)
    is_override = models.BooleanField(
        default=False,
        help_text="Moved or kept by a one-day change: no longer follows its weekly session.",
    )
    is_imported = models.BooleanField(
        default=False, help_text="Minutes delivered before the district adopted Push-In."
    )
    cancel_reason = models.CharField(
        max_length=200, blank=True, help_text="Why the session was called off in advance."
    )
    status = models.CharField(
        max_length=8, choices=SessionStatus.choices, default=SessionStatus.PLANNED
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Optimistic locking of the session's own forms (call off, take back, sign); each
    # student record has its own (pushin/concurrency.py).
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = LedgerInputQuerySet.as_manager()

    class Meta:
        ordering = ["date", "start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="dated_end_after_start"
            ),
            models.UniqueConstraint(
                fields=["standing", "original_date"],
                condition=Q(standing__isnull=False),
                name="one_occurrence_per_week_day",
            ),
        ]

    def __str__(self) -> str:
        return f"Session {self.pk} on {self.date} {self.start:%H:%M}"

    @property
    def minutes(self) -> int:
        return minutes_of(self.end) - minutes_of(self.start)

    @property
    def is_signed(self) -> bool:
        return self.status == SessionStatus.SIGNED

    def has_started(self, now: dt.datetime | None = None) -> bool:
        """Dated before today, or today at or after its start (local time). A session that
        has started belongs to the record: no schedule change touches it, and only from
        then on can minutes be delivered, data taken and the session signed."""
        moment = timezone.localtime(now)
        return (self.date, self.start) <= (moment.date(), moment.time())

    @property
    def is_called_off(self) -> bool:
        return bool(self.cancel_reason)

    def status_word(self, now: dt.datetime | None = None) -> StatusWord:
        """The one status every page shows. A call-off is stored as `logged` (its records
        hold the miss), but a provider reading "Logged" would think it happened; and a
        session that started with nobody logging it is not "Planned" any more."""
        if self.cancel_reason:
            return StatusWord("Called off", "")
        if self.status == SessionStatus.SIGNED:
            return StatusWord("Signed", "ok")
        if self.status == SessionStatus.LOGGED:
            return StatusWord("Logged", "warn")
        if self.has_started(now):
            return StatusWord("Not logged", "bad")
        return StatusWord("Planned", "")

    @property
    def moved_from(self) -> str:
        """ "Moved from Thu Dec 3" for an occurrence a one-day change put on another day
        ("Moved from 10:00" when it stayed on its day); "" otherwise. The usual time is
        the weekly session's: select `standing` with the session."""
        if not (self.is_override and self.original_date and self.standing_id):
            return ""
        day = self.original_date
        if day != self.date:
            return f"Moved from {day:%a %b} {day.day}"
        usual = self.standing.start if self.standing else None
        if usual is not None and usual != self.start:
            return f"Moved from {usual:%H:%M}"
        return ""


class Attendance(models.TextChoices):
    DELIVERED = "delivered", "Delivered"
    STUDENT_ABSENT = MissReason.STUDENT_ABSENT.value, MissReason.STUDENT_ABSENT.label
    STUDENT_UNAVAILABLE = MissReason.STUDENT_UNAVAILABLE.value, MissReason.STUDENT_UNAVAILABLE.label
    PROVIDER_ABSENT = MissReason.PROVIDER_ABSENT.value, MissReason.PROVIDER_ABSENT.label
    PROVIDER_CONFLICT = MissReason.PROVIDER_CONFLICT.value, MissReason.PROVIDER_CONFLICT.label
    SCHOOL_CLOSURE = MissReason.SCHOOL_CLOSURE.value, MissReason.SCHOOL_CLOSURE.label


class SessionStudent(models.Model):
    session = models.ForeignKey(DatedSession, on_delete=models.PROTECT, related_name="members")
    student = models.ForeignKey(
        "caseload.Student", on_delete=models.PROTECT, related_name="session_records"
    )
    focus_goal = models.ForeignKey(
        "caseload.Goal", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    strategy = models.ForeignKey(
        "collaboration.Strategy", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    strategy_text = models.CharField(max_length=200, blank=True, help_text="Free-text plan.")
    attendance = models.CharField(max_length=20, choices=Attendance.choices, blank=True)
    minutes_delivered = models.PositiveSmallIntegerField(null=True, blank=True)
    short_reason = models.CharField(
        max_length=20,
        choices=SHORT_REASON_CHOICES,
        blank=True,
        help_text="Why a delivered session was cut short (a CutShortReason).",
    )
    short_note = models.CharField(
        max_length=200, blank=True, help_text="The reason in words, when it is “other”."
    )
    note = models.TextField(blank=True)
    makeup_for = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="made_up_by"
    )
    # Optimistic locking of the record's card (plan, attendance, data, note):
    # pushin/concurrency.py.
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = LedgerInputQuerySet.as_manager()

    class Meta:
        ordering = ["session_id", "student__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["session", "student"], name="one_record_per_student")
        ]

    def __str__(self) -> str:
        return f"Student {self.student_id} in session {self.session_id}"


class DataKind(models.TextChoices):
    TRIAL = "trial", "Trial (correct / not)"
    PROMPT = "prompt", "Prompt level"
    RUBRIC = "rubric", "Rubric score"
    DURATION = "duration", "Duration (seconds)"
    FREQUENCY = "frequency", "Frequency count"
    NARRATIVE = "narrative", "Narrative"


class PromptLevel(models.TextChoices):
    INDEPENDENT = "independent", "Independent"
    VERBAL = "verbal", "Verbal"
    VISUAL = "visual", "Visual"
    GESTURE = "gesture", "Gesture"
    PARTIAL_PHYSICAL = "partial_physical", "Partial physical"
    FULL_PHYSICAL = "full_physical", "Full physical"


class DataPoint(models.Model):
    """One observation: a trial, a prompt level, a rubric score, a duration, a count, a note."""

    record = models.ForeignKey(SessionStudent, on_delete=models.PROTECT, related_name="data")
    goal = models.ForeignKey("caseload.Goal", on_delete=models.PROTECT, related_name="data_points")
    kind = models.CharField(max_length=10, choices=DataKind.choices)
    correct = models.BooleanField(null=True, blank=True)
    prompt = models.CharField(max_length=16, choices=PromptLevel.choices, blank=True)
    value = models.PositiveIntegerField(
        null=True, blank=True, help_text="Rubric, seconds or count."
    )
    text = models.TextField(blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"Data point {self.pk} ({self.kind})"


class Amendment(models.Model):
    """A change to a signed record: the old and new values, who, when and why."""

    record = models.ForeignKey(SessionStudent, on_delete=models.PROTECT, related_name="amendments")
    field = models.CharField(max_length=40)
    old_value = models.JSONField(null=True)
    new_value = models.JSONField(null=True)
    reason = models.CharField(max_length=200, blank=True)
    made_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["made_at", "id"]

    def __str__(self) -> str:
        return f"Amendment {self.pk} of record {self.record_id} ({self.field})"


class MakeupRun(models.Model):
    """One "Schedule makeups" request: asked for on the makeup page, solved on the task
    queue (`sessions.tasks.makeup_run_execute`), shown on its own page when done.

    `result` holds what the page needs, ids only: the proposals as signed tokens (checked
    again on accept), the students left unplaced and why, the school days looked at.
    """

    provider = models.ForeignKey(
        "district.Provider", on_delete=models.CASCADE, related_name="makeup_runs"
    )
    requested_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    asked_on = models.DateField(help_text="Proposals start the school day after this one.")
    days = models.PositiveSmallIntegerField(help_text="School days ahead to look at.")
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    result = models.JSONField(null=True, blank=True, help_text="What the page shows; ids only.")
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The lease of a running solve (pushin/leases.py): the worker that claimed it and its
    # last sign of life. A run silent past its lease is failed as stalled.
    claimed_by = models.CharField(max_length=100, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Makeup run {self.pk} of provider {self.provider_id} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED, RunStatus.CANCELLED)


class LedgerStamp(models.Model):
    """The token of one student's ledger inputs, replaced by every write to them
    (`ledger_stamps.py`); computed ledgers are kept under it (`ledger_cache.py`)."""

    student = models.OneToOneField(
        "caseload.Student", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    token = models.BigIntegerField()

    def __str__(self) -> str:
        return f"Ledger stamp of student {self.student_id}"
