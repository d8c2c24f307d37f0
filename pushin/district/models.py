"""Schools, travel between them, classrooms and their week, the calendar and providers."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from pushin.timespans import spans_overlap
from pushin.vocabulary import (
    DEFAULT_OWED,
    Activity,
    CutShortReason,
    Discipline,
    Grade,
    MissReason,
    Weekday,
)

# The bounds of a district's idle sign-out, in minutes: at most the absolute lifetime of a
# sign-in (SESSION_COOKIE_AGE, ten hours).
SESSION_IDLE_DEFAULT_MINUTES = 30
SESSION_IDLE_MIN_MINUTES = 5
SESSION_IDLE_MAX_MINUTES = 600


class District(models.Model):
    name = models.CharField(max_length=120)
    school_year_start = models.DateField()
    school_year_end = models.DateField()
    # The billing-unit rule of service-log exports (the "8-minute rule" by default):
    # fewer than `billing_unit_min_minutes` = 0 units, up to `billing_unit_first_max` = 1,
    # then one more unit per started `billing_unit_step` minutes.
    billing_unit_min_minutes = models.PositiveSmallIntegerField(
        default=8, validators=[MinValueValidator(1)]
    )
    billing_unit_first_max = models.PositiveSmallIntegerField(
        default=22, validators=[MinValueValidator(1)]
    )
    billing_unit_step = models.PositiveSmallIntegerField(
        default=15, validators=[MinValueValidator(1)]
    )
    records_start = models.DateField(
        null=True,
        blank=True,
        help_text="The day Push-In's records start (adopted mid-year): before it the ledger "
        "counts nothing as owed or never scheduled. Empty: the records cover the whole year.",
    )
    # Idle sign-out: a request this long after the person's last one signs them out (on
    # top of the absolute lifetime of a sign-in, SESSION_COOKIE_AGE).
    session_idle_minutes = models.PositiveSmallIntegerField(
        default=SESSION_IDLE_DEFAULT_MINUTES,
        validators=[
            MinValueValidator(SESSION_IDLE_MIN_MINUTES),
            MaxValueValidator(SESSION_IDLE_MAX_MINUTES),
        ],
        help_text="Minutes without activity after which a person is signed out.",
    )
    # Off: the district's staff sign in only with single sign-on (pushin/accounts/oidc.py);
    # a superuser's password always works (break-glass).
    password_signin = models.BooleanField(
        default=True,
        help_text="Staff may sign in with a username and password (else only with single sign-on).",
    )
    # Passed to every plan as the scenario's one_pull_out_a_day (docs/scenario-format.md,
    # "Several providers"): a student on several caseloads leaves class once a day at most.
    one_pull_out_a_day = models.BooleanField(
        default=False,
        help_text="A student seen by several providers has at most one pull-out session a day.",
    )
    # Passed to every plan as the scenario's min_fit (docs/scenario-format.md): every
    # push-in student is at an activity whose fit for the goal served is at least this.
    min_fit = models.FloatField(
        default=0.5,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="The least fit of the class activity to the goal a push-in session serves.",
    )

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.school_year_end <= self.school_year_start:
            raise ValidationError({"school_year_end": "The school year must end after it starts."})
        if self.billing_unit_first_max < self.billing_unit_min_minutes:
            raise ValidationError(
                {"billing_unit_first_max": "The first unit must end at or after its minimum."}
            )
        problem = records_start_problem(self, self.records_start)
        if problem:
            raise ValidationError({"records_start": problem})

    def records_start_for(self, provider: Provider | None = None) -> dt.date | None:
        """The records start of `provider` (their own, else the district's)."""
        if provider is not None and provider.records_start is not None:
            return provider.records_start
        return self.records_start

    def owed_reasons(self) -> set[str]:
        """Miss and cut-short reasons whose minutes are owed under this district's policy."""
        policy = {p.reason: p.owed for p in self.makeup_policies.all()}
        return {r for r, default in DEFAULT_OWED.items() if policy.get(r, default)}


def records_start_problem(district: District, day: dt.date | None) -> str:
    """Why `day` cannot be a records start of `district` ("" when it can): it may be in
    the school year or before it, never after the school year's last day."""
    if day is None:
        return ""
    if district.school_year_end is not None and day > district.school_year_end:
        return (
            f"The records start must be on or before the last day of the school year "
            f"({district.school_year_end:%b %d, %Y}); {day:%b %d, %Y} is after it."
        )
    return ""


class Closure(models.Model):
    """A day or run of days without school: holiday, break, snow day."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="closures")
    name = models.CharField(max_length=120)
    start = models.DateField()
    end = models.DateField()

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="closure_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.start}..{self.end})"

    def covers(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


class MakeupPolicy(models.Model):
    """Whether the minutes of a session missed, or cut short, for `reason` are owed. A
    setting, never code."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="makeup_policies")
    reason = models.CharField(max_length=24, choices=[*MissReason.choices, *CutShortReason.choices])
    owed = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["district", "reason"], name="one_policy_per_reason")
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {'owed' if self.owed else 'not owed'}"


class ProgressPeriod(models.Model):
    """A progress-report period (often a quarter, with report cards)."""

    district = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="progress_periods"
    )
    name = models.CharField(max_length=60)
    start = models.DateField()
    end = models.DateField()

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="period_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.name


class School(models.Model):
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="schools")
    name = models.CharField(max_length=120)
    code = models.SlugField(max_length=32, help_text="Short stable id, used in imports and plans.")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "code"], name="school_code_unique")
        ]

    def __str__(self) -> str:
        return self.name


class TravelTime(models.Model):
    """Minutes between two schools, stored once per pair (from.pk < to.pk)."""

    from_school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    to_school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    minutes = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["from_school", "to_school"], name="travel_pair_unique"),
            models.CheckConstraint(
                condition=Q(from_school__lt=models.F("to_school")), name="travel_pair_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_school_id}<->{self.to_school_id}: {self.minutes} min"


class Classroom(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="classrooms")
    name = models.CharField(max_length=60, help_text="Room name or number")
    code = models.SlugField(max_length=40)
    grade = models.CharField(max_length=8, choices=Grade.choices, blank=True)
    teacher = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="classrooms"
    )

    class Meta:
        ordering = ["school__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "code"], name="classroom_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.school})"


class TimedSpan(models.Model):
    """A start-end span within one day; subclasses say which day."""

    start = models.TimeField()
    end = models.TimeField()

    class Meta:
        abstract = True

    def clean(self) -> None:
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValidationError({"end": "The end must be after the start."})

    def overlaps(self, start: dt.time, end: dt.time) -> bool:
        return spans_overlap(self.start, self.end, start, end)


class TeacherPreference(models.TextChoices):
    GOOD = "good", "Good time for push-in"
    BAD = "bad", "Bad time for push-in"


class ActivityBlock(TimedSpan):
    """One slice of a classroom's usual week: Monday 09:00-09:45 is writing."""

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="blocks")
    day = models.CharField(max_length=3, choices=Weekday.choices)
    activity = models.CharField(max_length=24, choices=Activity.choices)
    teacher_preference = models.CharField(
        max_length=4, choices=TeacherPreference.choices, blank=True
    )
    # Optimistic locking of the block's edit form (pushin/concurrency.py).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["classroom_id", "day", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="block_end_after_start"
            )
        ]

    def __str__(self) -> str:
        span = f"{self.start:%H:%M}-{self.end:%H:%M}"
        return f"{self.get_day_display()} {span} {self.get_activity_display()}"

    def clean(self) -> None:
        super().clean()
        # Unsaved forms may leave the times empty; the field errors say so already.
        start: dt.time | None = self.start
        end: dt.time | None = self.end
        if self.classroom_id is None or start is None or end is None:
            return
        clash = (
            ActivityBlock.objects.filter(classroom_id=self.classroom_id, day=self.day)
            .exclude(pk=self.pk)
            .filter(start__lt=self.end, end__gt=self.start)
            .first()
        )
        if clash is not None:
            raise ValidationError(f"Overlaps the block {clash} in the same classroom.")


class ExceptionKind(models.TextChoices):
    ACTIVITY = "activity", "Different activity"
    CANCELLED = "cancelled", "No class activity (cancelled)"


class TimetableException(TimedSpan):
    """One dated change to a classroom's week: 'this Thursday 10:00-10:45 is a test'."""

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="exceptions")
    date = models.DateField()
    kind = models.CharField(
        max_length=10, choices=ExceptionKind.choices, default=ExceptionKind.ACTIVITY
    )
    activity = models.CharField(max_length=24, choices=Activity.choices, blank=True)
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="exception_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(kind="cancelled") | ~Q(activity=""), name="exception_activity_given"
            ),
        ]

    def __str__(self) -> str:
        what = self.get_activity_display() if self.kind == ExceptionKind.ACTIVITY else "cancelled"
        return f"{self.date:%a %b %d} {self.start:%H:%M}-{self.end:%H:%M}: {what}"

    def clean(self) -> None:
        super().clean()
        if self.kind == ExceptionKind.ACTIVITY and not self.activity:
            raise ValidationError({"activity": "Say which activity replaces the usual one."})
        if self.date is not None and self.date.isoweekday() > 5:
            raise ValidationError({"date": "Exceptions are for school days (Monday to Friday)."})


class Provider(models.Model):
    """A related-service provider: the person, discipline, hours and supervision."""

    user = models.OneToOneField("accounts.User", on_delete=models.CASCADE, related_name="provider")
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="providers")
    discipline = models.CharField(max_length=4, choices=Discipline.choices, default=Discipline.OT)
    supervisor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervisees",
        help_text="The supervising therapist of an assistant (COTA, PTA, SLPA).",
    )
    contracted_minutes_per_week = models.PositiveIntegerField(default=37 * 60 + 30)
    max_direct_minutes_per_day = models.PositiveIntegerField(null=True, blank=True)
    calendar_token = models.CharField(max_length=64, blank=True, db_index=True)
    records_start = models.DateField(
        null=True,
        blank=True,
        help_text="This provider's records start, when it differs from the district's.",
    )
    # Moves on with every accepted plan (and imported schedule): a plan run remembers the
    # revision it was planned against, so an accept made meanwhile refuses the others.
    schedule_revision = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["user__last_name", "user__first_name"]

    def __str__(self) -> str:
        return f"{self.user.display_name} ({self.discipline})"

    def clean(self) -> None:
        assistants = {Discipline.COTA, Discipline.PTA, Discipline.SLPA}
        if self.discipline in assistants and self.supervisor_id is None:
            raise ValidationError({"supervisor": "An assistant needs a supervising therapist."})
        if self.supervisor_id is not None and self.supervisor_id == self.pk:
            raise ValidationError({"supervisor": "A provider cannot supervise themself."})
        if self.district_id is not None:
            problem = records_start_problem(self.district, self.records_start)
            if problem:
                raise ValidationError({"records_start": problem})


class Availability(TimedSpan):
    """When a provider works, optionally pinned to one school."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="availability")
    day = models.CharField(max_length=3, choices=Weekday.choices)
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        ordering = ["provider_id", "day", "start"]
        verbose_name_plural = "availability"
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="availability_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_day_display()} {self.start:%H:%M}-{self.end:%H:%M}"


class BusyTime(TimedSpan):
    """A weekly time the provider cannot see students: meeting, lunch, evaluations."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="busy_times")
    day = models.CharField(max_length=3, choices=Weekday.choices)
    label = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["provider_id", "day", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="busy_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_day_display()} {self.start:%H:%M}-{self.end:%H:%M} {self.label}"
