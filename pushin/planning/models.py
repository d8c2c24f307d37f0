"""Plan runs (solver jobs), standing weekly schedules and their sessions.

A `PlanRun` stores the scenario it was given and the plan the engine returned, both as
the JSON of docs/scenario-format.md, so any run can be re-checked or re-solved outside
the web app. Scenarios hold opaque ids only ("st12", "b40"): never a student's name.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q

from pushin.scheduling.district import plan_seconds
from pushin.timespans import minutes_of
from pushin.vocabulary import Delivery, Weekday

if TYPE_CHECKING:
    from pushin.caseload.models import Student


class RunKind(models.TextChoices):
    STANDING = "standing", "Plan the week"
    REPLAN = "replan", "Re-plan every week"
    WEEK = "week", "Re-plan one week"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class RunDecision(models.TextChoices):
    PENDING = "", "Not decided"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class PlanRun(models.Model):
    """One solver job: the scenario in, the plan out, and how it went."""

    district = models.ForeignKey(
        "district.District", on_delete=models.CASCADE, related_name="plan_runs"
    )
    providers = models.ManyToManyField("district.Provider", related_name="plan_runs")
    requested_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=8, choices=RunKind.choices, default=RunKind.STANDING)
    week_of = models.DateField(
        null=True, blank=True, help_text="Monday of the week whose dated changes were applied."
    )
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.CharField(max_length=200, blank=True)
    time_limit = models.FloatField(default=10.0)
    scenario = models.JSONField(help_text="pushin-scenario/1, ids only.")
    id_map = models.JSONField(default=dict, help_text="Scenario ids -> database keys.")
    plan = models.JSONField(null=True, blank=True, help_text="pushin-plan/1 from the engine.")
    week_sessions = models.JSONField(
        default=list,
        blank=True,
        help_text="A one-week re-plan: the week's dated sessions still open when it was made.",
    )
    base_revisions = models.JSONField(
        default=dict,
        blank=True,
        help_text="Each provider's schedule revision when the run was made (provider pk -> "
        "revision): an accept made since then refuses this run.",
    )
    error = models.TextField(blank=True)
    decision = models.CharField(
        max_length=8, choices=RunDecision.choices, default=RunDecision.PENDING, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    solve_seconds = models.FloatField(null=True, blank=True)
    # The lease of a running solve (pushin/leases.py): the worker that claimed it and its
    # last sign of life. A run silent past its lease is failed as stalled.
    claimed_by = models.CharField(max_length=100, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # Anytime planning (docs/anytime.md): while the run solves, the best plan so far, a
    # draft (written at most once a second; accepted only once the run is stopped).
    best_plan = models.JSONField(
        null=True, blank=True, help_text="pushin-plan/1: the best plan so far, a draft."
    )
    best_at = models.DateTimeField(null=True, blank=True)
    # Seconds of solving over every round of "keep improving" (the first included), and
    # how many rounds: a run improves up to settings.PUSHIN_PLAN_IMPROVE_TOTAL seconds.
    seconds_used = models.FloatField(default=0.0)
    rounds = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Plan run {self.pk} ({self.kind}, {self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED, RunStatus.CANCELLED)

    @property
    def plan_data(self) -> dict[str, Any]:
        return self.plan if isinstance(self.plan, dict) else {}

    @property
    def seconds_at_most(self) -> float:
        """The most the engine takes on this run: `time_limit` is each provider's."""
        scenario = self.scenario if isinstance(self.scenario, dict) else {}
        return plan_seconds(scenario, self.time_limit)


class StandingSchedule(models.Model):
    """A provider's accepted weekly schedule, in force over a range of dates.

    Accepting a plan asks "from when" (never before today): the new schedule is in force
    from `effective_from`, and every schedule it replaces ends the day before
    (`effective_to`). On any date the schedule in force is the one whose range covers it,
    so the past keeps the schedule it had. The newest schedule (`active`, open-ended) is
    the one plans, moves and pins edit; older ones stay as history.
    """

    provider = models.ForeignKey(
        "district.Provider", on_delete=models.CASCADE, related_name="standing_schedules"
    )
    accepted_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(auto_now_add=True)
    source_run = models.ForeignKey(
        PlanRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="schedules"
    )
    active = models.BooleanField(default=True)
    effective_from = models.DateField(help_text="The first date this schedule is in force.")
    effective_to = models.DateField(
        null=True,
        blank=True,
        help_text="The last date in force; empty while no newer schedule replaces it.",
    )

    class Meta:
        ordering = ["-effective_from", "-accepted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider"], condition=Q(active=True), name="one_active_schedule"
            ),
        ]

    def __str__(self) -> str:
        return f"Schedule {self.pk} of provider {self.provider_id}"

    def in_force_on(self, day: dt.date) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )

    @property
    def never_in_force(self) -> bool:
        """Replaced before it began: its range ends the day before it starts."""
        return self.effective_to is not None and self.effective_to < self.effective_from


class ScheduledSession(models.Model):
    """One weekly session of a standing schedule: a classroom, a block, a day and a time."""

    schedule = models.ForeignKey(
        StandingSchedule, on_delete=models.CASCADE, related_name="sessions"
    )
    plan_session_id = models.CharField(max_length=40, help_text="The session's id in the plan.")
    classroom = models.ForeignKey(
        "district.Classroom", on_delete=models.CASCADE, related_name="scheduled_sessions"
    )
    block = models.ForeignKey(
        "district.ActivityBlock",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="scheduled_sessions",
    )
    day = models.CharField(max_length=3, choices=Weekday.choices)
    start = models.TimeField()
    end = models.TimeField()
    delivery = models.CharField(max_length=8, choices=Delivery.choices, default=Delivery.PUSH_IN)
    pinned = models.BooleanField(default=False)
    # Optimistic locking of the move form (pushin/concurrency.py).
    version = models.PositiveIntegerField(default=1, editable=False)
    students: models.ManyToManyField[Student, ScheduledSessionStudent] = models.ManyToManyField(
        "caseload.Student", through="ScheduledSessionStudent", related_name="scheduled_sessions"
    )

    class Meta:
        ordering = ["schedule_id", "day", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="scheduled_end_after_start"
            ),
            models.UniqueConstraint(
                fields=["schedule", "plan_session_id"], name="plan_session_id_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_day_display()} {self.start:%H:%M}-{self.end:%H:%M}"

    @property
    def minutes(self) -> int:
        return minutes_of(self.end) - minutes_of(self.start)


class ScheduledSessionStudent(models.Model):
    """A student in a scheduled session, with the goal the session targets for them."""

    session = models.ForeignKey(ScheduledSession, on_delete=models.CASCADE, related_name="members")
    student = models.ForeignKey(
        "caseload.Student", on_delete=models.CASCADE, related_name="scheduled_memberships"
    )
    focus_goal = models.ForeignKey(
        "caseload.Goal", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "student"], name="session_student_unique")
        ]

    def __str__(self) -> str:
        # Ids only: str() can end up in logs.
        return f"Student {self.student_id} in session {self.session_id}"
