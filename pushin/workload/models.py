"""Indirect time: the provider's own record of the work that is not a session.

Consultation, teacher collaboration, para training, documentation, meetings and
evaluations take a large share of a provider's week and appear in no session. Each
`IndirectTime` is minutes of one kind on one day, logged by the provider themself. These
are time records, not clinical records: the provider changes or deletes them freely (each
change is audited), and their notes leave students out (services.NOTE_HELP).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

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
