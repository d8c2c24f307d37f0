"""Students, their IEPs, versioned service mandates, goals, and the goal-activity fit table."""

from __future__ import annotations

import datetime as dt
import math

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from pushin.district.models import TimedSpan
from pushin.sessions.ledger_stamps import LedgerInputQuerySet
from pushin.vocabulary import (
    Activity,
    Comfort,
    Delivery,
    Discipline,
    Domain,
    Grade,
    Grouping,
    Weekday,
)

WEEKS_PER_MONTH = 52 / 12
# The most minutes a mandate version may state (per week, month or IEP period): the one
# bound the model, the amendment form and the CSV import share.
MANDATE_MINUTES_MAX = 100_000
MANDATE_MINUTES_TOO_MANY = f"At most {MANDATE_MINUTES_MAX:,} minutes."


class Student(models.Model):
    """A student on a caseload. Pages and URLs use `pk`; `ref` is the district's number."""

    district = models.ForeignKey(
        "district.District", on_delete=models.CASCADE, related_name="students"
    )
    ref = models.CharField(max_length=32, help_text="The district's student number.")
    first_name = models.CharField(max_length=60)
    last_name = models.CharField(max_length=60)
    grade = models.CharField(max_length=8, choices=Grade.choices, blank=True)
    classroom = models.ForeignKey(
        "district.Classroom", on_delete=models.PROTECT, related_name="students"
    )
    providers = models.ManyToManyField("district.Provider", related_name="students", blank=True)
    paras = models.ManyToManyField("accounts.User", related_name="supported_students", blank=True)
    comfort = models.CharField(max_length=12, choices=Comfort.choices, blank=True)
    comfort_asked_on = models.DateField(null=True, blank=True)
    active = models.BooleanField(default=True)
    # Optimistic locking of the student's edit forms (comfort, mandate amendments):
    # pushin/concurrency.py.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "ref"], name="student_ref_unique")
        ]

    def __str__(self) -> str:
        # Deliberately the opaque number: str() ends up in logs and error pages.
        return f"Student {self.ref}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def initials(self) -> str:
        return f"{self.first_name[:1]}{self.last_name[:1]}".upper()

    def clean(self) -> None:
        if self.comfort_asked_on is not None and not self.comfort:
            raise ValidationError({"comfort": "Record what the student said when they were asked."})


class StudentUnavailability(TimedSpan):
    """A weekly time the student is elsewhere (another service, a pull-out class)."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="unavailable")
    day = models.CharField(max_length=3, choices=Weekday.choices)
    reason = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["day", "start"]
        verbose_name_plural = "student unavailability"
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="unavail_end_after_start"
            )
        ]


class IEP(models.Model):
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="ieps")
    start = models.DateField()
    end = models.DateField()
    annual_review = models.DateField()

    objects = LedgerInputQuerySet.as_manager()

    class Meta:
        ordering = ["-start"]
        verbose_name = "IEP"
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="iep_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"IEP {self.start}..{self.end}"

    def clean(self) -> None:
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": "The IEP must end after it starts."})

    def is_in_force(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


class Service(models.Model):
    """One line of related service on an IEP (e.g. OT). Its terms live in versions."""

    iep = models.ForeignKey(IEP, on_delete=models.CASCADE, related_name="services")
    discipline = models.CharField(max_length=4, choices=Discipline.choices, default=Discipline.OT)

    objects = LedgerInputQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["iep", "discipline"], name="one_service_per_discipline")
        ]

    def __str__(self) -> str:
        return f"{self.discipline} service"

    def version_on(self, day: dt.date) -> MandateVersion | None:
        """The mandate in force on `day`: the latest version effective on or before it."""
        candidates = [v for v in self.versions.all() if v.effective_from <= day]
        return max(candidates, key=lambda v: (v.effective_from, v.pk), default=None)

    def current_version(self) -> MandateVersion | None:
        versions = list(self.versions.all())
        return max(versions, key=lambda v: (v.effective_from, v.pk), default=None)


class Frequency(models.TextChoices):
    WEEK = "week", "per week"
    MONTH = "month", "per month"
    IEP_PERIOD = "iep_period", "per IEP period"


class MandateVersion(models.Model):
    """The terms of a service from a date on. Amendments add a version, never edit one."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="versions")
    effective_from = models.DateField()
    minutes = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.WEEK)
    session_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(5), MaxValueValidator(120)]
    )
    delivery = models.CharField(max_length=8, choices=Delivery.choices, default=Delivery.PUSH_IN)
    grouping = models.CharField(
        max_length=10, choices=Grouping.choices, default=Grouping.INDIVIDUAL
    )
    max_group = models.PositiveSmallIntegerField(default=3, validators=[MinValueValidator(1)])
    reason = models.CharField(
        max_length=200, blank=True, help_text="Why this version (amendment, annual review)."
    )
    created_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LedgerInputQuerySet.as_manager()

    class Meta:
        ordering = ["effective_from", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "effective_from"], name="one_version_per_day"
            ),
            models.CheckConstraint(condition=Q(max_group__gte=1), name="max_group_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.minutes} min {self.get_frequency_display()} from {self.effective_from}"

    def clean(self) -> None:
        if self.minutes and self.minutes > MANDATE_MINUTES_MAX:
            raise ValidationError({"minutes": MANDATE_MINUTES_TOO_MANY})
        if self.minutes and self.session_minutes and self.minutes < self.session_minutes:
            raise ValidationError({"minutes": "The mandate is shorter than one session."})

    def summary(self) -> str:
        return (
            f"{self.minutes} min {self.get_frequency_display()}, "
            f"{self.get_delivery_display().lower()}, "
            f"{self.session_minutes}-min sessions, {self.get_grouping_display().lower()}"
        )

    def glance(self) -> str:
        """The terms as lists show them: '60 min/week push-in, 30-min sessions, group ok
        (up to 3)'. (A method, not an included template: a long list shows one a row.)"""
        per = {Frequency.WEEK: "week", Frequency.MONTH: "month"}.get(
            Frequency(self.frequency), "IEP period"
        )
        grouping = (
            f"group ok (up to {self.max_group})"
            if self.grouping == Grouping.GROUP_OK
            else "individual"
        )
        return (
            f"{self.minutes} min/{per} {self.get_delivery_display().lower()}, "
            f"{self.session_minutes}-min sessions, {grouping}"
        )

    def weekly_minutes(self, *, iep_weeks: float | None = None) -> int:
        """Minutes to plan per school week: a multiple of the session length, rounded up."""
        return planned_weekly_minutes(
            frequency=self.frequency,
            minutes=self.minutes,
            session_minutes=self.session_minutes,
            iep_weeks=iep_weeks,
        )


def planned_weekly_minutes(
    *, frequency: str, minutes: int, session_minutes: int, iep_weeks: float | None = None
) -> int:
    """`MandateVersion.weekly_minutes` of a version's values (for totals read as rows)."""
    if frequency == Frequency.WEEK:
        per_week = float(minutes)
    elif frequency == Frequency.MONTH:
        per_week = minutes / WEEKS_PER_MONTH
    else:
        per_week = minutes / max(iep_weeks or 36.0, 1.0)
    sessions = math.ceil(per_week / session_minutes - 1e-9)
    return sessions * session_minutes


class Method(models.TextChoices):
    PERCENT_TRIALS = "percent_trials", "Percent of opportunities / trials"
    FREQUENCY = "frequency", "Frequency count"
    DURATION = "duration", "Duration"
    LATENCY = "latency", "Latency"
    PROMPT_LEVEL = "prompt_level", "Level of prompting"
    RUBRIC = "rubric", "Rubric score (0-4)"
    NARRATIVE = "narrative", "Narrative observation"


class Goal(models.Model):
    iep = models.ForeignKey(IEP, on_delete=models.CASCADE, related_name="goals")
    domain = models.CharField(max_length=16, choices=Domain.choices)
    text = models.TextField()
    method = models.CharField(max_length=16, choices=Method.choices)
    baseline = models.CharField(max_length=200, blank=True)
    target = models.CharField(max_length=200)
    mastery_criterion = models.CharField(
        max_length=200, blank=True, help_text="e.g. in 3 consecutive sessions"
    )

    class Meta:
        ordering = ["iep_id", "id"]

    def __str__(self) -> str:
        return f"Goal {self.pk} ({self.domain})"


class FitWeight(models.Model):
    """A district's edit of the default goal-activity fit (absent rows keep the default)."""

    district = models.ForeignKey(
        "district.District", on_delete=models.CASCADE, related_name="fit_weights"
    )
    domain = models.CharField(max_length=16, choices=Domain.choices)
    activity = models.CharField(max_length=24, choices=Activity.choices)
    weight = models.FloatField(validators=[MinValueValidator(0.0), MaxValueValidator(1.0)])

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["district", "domain", "activity"], name="fit_cell_unique"
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=0) & Q(weight__lte=1), name="fit_weight_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.domain} in {self.activity}: {self.weight}"


class GoalFitOverride(models.Model):
    """One goal's own fit for an activity (e.g. this handwriting goal is about copying in math)."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="fit_overrides")
    activity = models.CharField(max_length=24, choices=Activity.choices)
    weight = models.FloatField(validators=[MinValueValidator(0.0), MaxValueValidator(1.0)])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["goal", "activity"], name="goal_fit_unique"),
            models.CheckConstraint(
                condition=Q(weight__gte=0) & Q(weight__lte=1), name="goal_fit_range"
            ),
        ]

    def __str__(self) -> str:
        return f"Goal {self.goal_id} in {self.activity}: {self.weight}"


class RecordRetention(models.Model):
    """How many years a district keeps a departed student's records (docs/privacy.md).
    Without a row: `DEFAULT_YEARS`. A student may be deleted only once that many years
    have passed since they left and since their last session."""

    DEFAULT_YEARS = 7
    MAX_YEARS = 75

    district = models.OneToOneField(
        "district.District", on_delete=models.CASCADE, related_name="record_retention"
    )
    years = models.PositiveSmallIntegerField(
        default=DEFAULT_YEARS,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_YEARS)],
    )

    def __str__(self) -> str:
        return f"Records kept {self.years} years"


class StudentDeparture(models.Model):
    """The day a student was made inactive on the privacy page: retention counts from it."""

    student = models.OneToOneField(Student, on_delete=models.CASCADE, related_name="departure")
    left_on = models.DateField()
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Left on {self.left_on}"
