"""Indirect time: the provider's own record of the work that is not a session.

Consultation, teacher collaboration, para training, documentation, meetings and
evaluations take a large share of a provider's week and appear in no session. Each
`IndirectTime` is minutes of one kind on one day, logged by the provider themself. These
are time records, not clinical records: the provider changes or deletes them freely (each
change is audited), and their notes leave students out (services.NOTE_HELP).

A `WhatIfRun` is a capacity what-if (pushin/workload/whatif.py): the provider's week
changed point by point and solved on the task queue; it holds counts and minutes only.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from pushin.planning.models import RunStatus

# One entry is at most a long working day; a day's indirect time is usually several entries.
MAX_ENTRY_MINUTES = 12 * 60


class IndirectKind(models.TextChoices):
    CONSULTATION = "consultation", "Consultation"
    TEACHER_COLLABORATION = "teacher_collab", "Teacher collaboration"
    PARA_TRAINING = "para_training", "Para training"
    DOCUMENTATION = "documentation", "Documentation"
    MEETINGS = "meetings", "Meetings"
    EVALUATIONS = "evaluations", "Evaluations"


class IndirectTime(models.Model):
    provider = models.ForeignKey(
        "district.Provider", on_delete=models.CASCADE, related_name="indirect_time"
    )
    date = models.DateField(db_index=True)
    kind = models.CharField(max_length=16, choices=IndirectKind.choices)
    minutes = models.PositiveSmallIntegerField()
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic locking of the edit form (pushin/concurrency.py): two tabs never
    # overwrite each other.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-date", "-created_at", "-id"]
        verbose_name = "indirect time"
        verbose_name_plural = "indirect time"
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1, minutes__lte=MAX_ENTRY_MINUTES),
                name="indirect_minutes_in_range",
            ),
        ]
        indexes = [models.Index(fields=["provider", "date"], name="indirect_provider_date")]

    def __str__(self) -> str:
        # Ids and numbers only: str() can end up in logs.
        return f"{self.minutes} min {self.kind} on {self.date} (provider {self.provider_id})"


class WhatIfKind(models.TextChoices):
    SIZE = "size", "Caseload size"
    REMOVE_SCHOOL = "remove_school", "Without a school"
    INDIVIDUAL = "individual", "Every group session individual"


class WhatIfRun(models.Model):
    """One capacity what-if (docs/workload.md): the provider's week as it was when asked,
    changed point by point (`kind`, `params`) and solved on the task queue
    (`workload.tasks.whatif_run_execute`), each point's figures in `points`.

    It reads a copy of the week and writes only its own row: never a schedule, a session
    or any clinical record. `scenario` holds opaque ids only (no student's name); `points`
    holds counts and minutes."""

    provider = models.ForeignKey(
        "district.Provider", on_delete=models.CASCADE, related_name="whatif_runs"
    )
    district = models.ForeignKey(
        "district.District", on_delete=models.CASCADE, related_name="whatif_runs"
    )
    requested_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=WhatIfKind.choices)
    params = models.JSONField(
        default=dict, help_text="What changes at each point: sizes, a school, the seed."
    )
    labels = models.JSONField(default=list, help_text="Each point's name, in order.")
    scenario = models.JSONField(help_text="pushin-scenario/1 of the week as asked; ids only.")
    time_limit = models.FloatField(help_text="Seconds for each point's solve.")
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.CharField(max_length=200, blank=True)
    points = models.JSONField(default=list, blank=True, help_text="Each point's figures.")
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The lease of a running solve (pushin/leases.py), as for plan and makeup runs.
    claimed_by = models.CharField(max_length=100, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "what-if run"

    def __str__(self) -> str:
        # Ids only: str() can end up in logs.
        return f"What-if run {self.pk} of provider {self.provider_id} ({self.kind}, {self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED, RunStatus.CANCELLED)
