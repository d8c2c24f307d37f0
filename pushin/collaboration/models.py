"""Classroom strategies: the library, and which ones each student uses."""

from __future__ import annotations

from django.db import models

from pushin.vocabulary import Domain


class Strategy(models.Model):
    """A concrete classroom support with a how-to a teacher or para can follow."""

    district = models.ForeignKey(
        "district.District", on_delete=models.CASCADE, related_name="strategies"
    )
    name = models.CharField(max_length=80)
    how_to = models.TextField(help_text="Short steps for a teacher or para.")
    when_to_use = models.CharField(max_length=200, blank=True)
    materials = models.CharField(max_length=200, blank=True)
    domains = models.JSONField(default=list, help_text="Goal domain ids this strategy serves.")
    printable = models.CharField(
        max_length=24, blank=True, help_text="Kind of adapted paper this strategy prints, if any."
    )
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_starter = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "strategies"
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="strategy_name_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def domain_labels(self) -> list[str]:
        labels = dict(Domain.choices)
        return [str(labels.get(d, d)) for d in self.domains]


class StudentStrategy(models.Model):
    """A strategy chosen for one student, and whether it carries over through the paras."""

    student = models.ForeignKey(
        "caseload.Student", on_delete=models.CASCADE, related_name="strategies"
    )
    strategy = models.ForeignKey(Strategy, on_delete=models.PROTECT, related_name="uses")
    carryover = models.BooleanField(
        default=True, help_text="Teachers and paras see it on the student's carryover card."
    )
    notes = models.CharField(
        max_length=200, blank=True, help_text="How it is used for this student."
    )
    added_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_on = models.DateField(auto_now_add=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-active", "strategy__name"]
        constraints = [
            models.UniqueConstraint(fields=["student", "strategy"], name="student_strategy_unique")
        ]

    def __str__(self) -> str:
        return f"Strategy {self.strategy_id} for student {self.student_id}"


class Outcome(models.TextChoices):
    WORKED = "worked", "Worked"
    PARTLY = "partly", "Partly"
    DID_NOT = "did_not", "Did not work"


class StrategyUse(models.Model):
    """One time a strategy was used for a student: by the provider in a session, or by a
    teacher or para between sessions (the two-tap carryover log)."""

    student_strategy = models.ForeignKey(
        StudentStrategy, on_delete=models.CASCADE, related_name="uses"
    )
    used_on = models.DateField()
    used_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=8, choices=Outcome.choices, blank=True)
    session_record = models.ForeignKey(
        "therapy_sessions.SessionStudent",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="strategy_uses",
        help_text="The session whose data shows the outcome.",
    )
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-used_on", "-id"]

    def __str__(self) -> str:
        return f"Use of student strategy {self.student_strategy_id} on {self.used_on}"


class FollowUpStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    QUEUED = "queued", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed, will retry"
    GAVE_UP = "gave_up", "Not sent"


class FollowUp(models.Model):
    """A short message to the teacher after a session: what worked, what to try."""

    session = models.ForeignKey(
        "therapy_sessions.DatedSession", on_delete=models.PROTECT, related_name="followups"
    )
    author = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    teacher = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="followups_received"
    )
    subject = models.CharField(max_length=150)
    body = models.TextField()
    include_clinical = models.BooleanField(
        default=False, help_text="The provider chose to share clinical detail with the teacher."
    )
    status = models.CharField(
        max_length=8, choices=FollowUpStatus.choices, default=FollowUpStatus.DRAFT
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The lease of an e-mail attempt in progress (pushin/leases.py): the worker that claimed
    # it and when. Set while sending, cleared when the attempt ends; an attempt silent past
    # its lease goes back to "not sent", to retry.
    claimed_by = models.CharField(max_length=100, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Follow-up {self.pk} ({self.status})"


class FollowUpReply(models.Model):
    followup = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Reply {self.pk} to follow-up {self.followup_id}"


class Notification(models.Model):
    """Something a person should look at: a teacher changed a timetable, a teacher replied."""

    recipient = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="notifications"
    )
    text = models.CharField(max_length=300, help_text="No student names: ids and rooms only.")
    link = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Notification {self.pk} for user {self.recipient_id}"
