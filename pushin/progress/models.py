"""IEP progress reports: one per student, progress-report period and discipline family.

A report is drafted by a provider of the student (`ProgressReport`, status draft), with an
entry per goal (`ReportGoal`: the progress code and the narrative the provider edits).
Signing freezes it: the revision keeps a snapshot (JSON: every number, word and graph it
showed) and is shown only from it from then on. A signed revision never changes; an
amendment is a new revision (draft, with its reason) whose signing supersedes it, and the
old one stays readable. Sharing with the student's teacher or paras is a flag of a signed
revision. The district names the four codes in its own words (`ProgressCodeWord`).
See docs/progress.md, "IEP progress reports".
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class ProgressCode(models.TextChoices):
    """The stored codes: fixed keys; the words are the district's (`ProgressCodeWord`)."""

    MASTERED = "mastered", "Mastered"
    SUFFICIENT = "sufficient", "Sufficient progress"
    INSUFFICIENT = "insufficient", "Insufficient progress"
    NOT_INTRODUCED = "not_introduced", "Not yet introduced"


class ProgressCodeWord(models.Model):
    """A district's own word for a progress code ("Goal met" for mastered)."""

    district = models.ForeignKey(
        "district.District", on_delete=models.CASCADE, related_name="progress_code_words"
    )
    code = models.CharField(max_length=16, choices=ProgressCode.choices)
    word = models.CharField(max_length=60)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["district", "code"], name="one_word_per_code"),
            models.CheckConstraint(condition=~Q(word=""), name="code_word_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.word}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED = "signed", "Signed"


class ProgressReport(models.Model):
    """One revision of a student's progress report for one period (and discipline family:
    an OT's and a COTA's reports are the OT report)."""

    student = models.ForeignKey(
        "caseload.Student", on_delete=models.PROTECT, related_name="progress_reports"
    )
    period = models.ForeignKey(
        "district.ProgressPeriod", on_delete=models.RESTRICT, related_name="reports"
    )
    family = models.CharField(max_length=4, help_text="OT, PT or SLP: the service reported on.")
    revision = models.PositiveSmallIntegerField(default=1)
    amends = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="amended_by",
        help_text="The signed revision this one amends.",
    )
    amend_reason = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=8, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    created_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set once, on signing; never changed after.
    signed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    through = models.DateField(
        null=True, blank=True, help_text="The last day of data the signed report shows."
    )
    snapshot = models.JSONField(null=True, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    # Who else may read this signed revision (read-only, audited).
    shared_with_teacher = models.BooleanField(default=False)
    shared_with_paras = models.BooleanField(default=False)

    class Meta:
        ordering = ["period__start", "family", "revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "period", "family", "revision"], name="one_report_revision"
            ),
            models.UniqueConstraint(
                fields=["student", "period", "family"],
                condition=Q(status="draft"),
                name="one_draft_report",
            ),
            models.CheckConstraint(
                condition=Q(status="draft")
                | (
                    Q(signed_at__isnull=False)
                    & Q(through__isnull=False)
                    & Q(snapshot__isnull=False)
                ),
                name="signed_report_frozen",
            ),
            models.CheckConstraint(
                condition=Q(status="signed")
                | (Q(shared_with_teacher=False) & Q(shared_with_paras=False)),
                name="only_signed_reports_shared",
            ),
        ]

    def __str__(self) -> str:
        return f"Progress report {self.pk} (revision {self.revision}, {self.status})"

    @property
    def is_signed(self) -> bool:
        return self.status == ReportStatus.SIGNED


class ReportGoal(models.Model):
    """A draft's entry for one goal: the code chosen and the narrative as edited."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="entries")
    goal = models.ForeignKey("caseload.Goal", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=16, choices=ProgressCode.choices, blank=True)
    narrative = models.TextField(blank=True)
    edited = models.BooleanField(default=False, help_text="The provider saved it.")

    class Meta:
        ordering = ["report_id", "goal_id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "goal"], name="one_entry_per_goal"),
        ]

    def __str__(self) -> str:
        return f"Entry for goal {self.goal_id} in report {self.report_id}"
