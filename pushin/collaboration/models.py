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
