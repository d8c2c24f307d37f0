"""The watch list: concerns about students who are on no caseload.

A provider or a teacher notes what they saw of a classmate who is not referred: a first
name and a last initial, the room, and dated observations (the class activity, what was
seen, a strategy tried in class and how it went). It is deliberately not a special-
education record: no diagnosis, no goals, no last name. Only the providers serving the
room's school and the room's teacher see it; an administrator sees counts per school.

An entry lives until `expires_on` (by default the end of the school year, or a number of
days the district sets), then `watch_entries_expire` deletes it with its observations,
unless its owner renewed it. When the student is referred and joins a caseload, a provider
carries the observations over to the student's record (`CarriedObservation`) and the entry
is deleted.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone

from pushin.collaboration.models import Outcome
from pushin.vocabulary import Activity, activity_label

# How many observations make a summary for the intervention team, unless the district
# sets its own number (WatchPolicy.summary_min_observations).
SUMMARY_MIN_OBSERVATIONS = 3
KEEP_DAYS_MIN, KEEP_DAYS_MAX = 14, 730


class WatchPolicy(models.Model):
    """A district's watch-list settings (absent: the defaults)."""

    district = models.OneToOneField(
        "district.District", on_delete=models.CASCADE, related_name="watch_policy"
    )
    keep_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(KEEP_DAYS_MIN), MaxValueValidator(KEEP_DAYS_MAX)],
        help_text="Days an entry is kept from when it is noted or renewed. "
        "Empty: until the end of the school year.",
    )
    summary_min_observations = models.PositiveSmallIntegerField(
        default=SUMMARY_MIN_OBSERVATIONS,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text="Observations needed before the summary for the intervention team prints.",
    )

    def __str__(self) -> str:
        return f"Watch-list policy of district {self.district_id}"


class WatchEntry(models.Model):
    """One watched student: a first name and last initial in one room, nothing more."""

    district = models.ForeignKey(
        "district.District", on_delete=models.CASCADE, related_name="watch_entries"
    )
    classroom = models.ForeignKey(
        "district.Classroom", on_delete=models.CASCADE, related_name="watch_entries"
    )
    first_name = models.CharField(max_length=40)
    last_initial = models.CharField(
        max_length=1, validators=[RegexValidator(r"^[A-Za-z]$", "One letter.")]
    )
    created_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_on = models.DateField(help_text="Kept through this day, then deleted.")
    renewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["classroom__school__name", "classroom__name", "first_name", "pk"]
        verbose_name_plural = "watch entries"

    def __str__(self) -> str:  # never a name: this may end up in a log
        return f"Watch entry {self.pk}"

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_initial.upper()}."


def validate_activity(value: str) -> None:
    if value not in Activity.values:
        raise ValidationError("Choose a class activity.")


class ObservationFields(models.Model):
    """What an observation records, on the watch list and once carried over."""

    observed_on = models.DateField("Date seen")
    # The vocabulary's activities (not `choices`: the vocabulary grows without a migration).
    activity = models.CharField("Class activity", max_length=24, validators=[validate_activity])
    seen = models.TextField("What was seen", max_length=1000)
    strategy_tried = models.CharField(
        "Strategy tried in class", max_length=200, blank=True, help_text="Optional."
    )
    outcome = models.CharField("How it went", max_length=8, choices=Outcome.choices, blank=True)
    outcome_note = models.CharField(
        "Notes on how it went", max_length=300, blank=True, help_text="Optional."
    )
    author = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True

    @property
    def activity_display(self) -> str:
        return activity_label(self.activity)


class WatchObservation(ObservationFields):
    entry = models.ForeignKey(WatchEntry, on_delete=models.CASCADE, related_name="observations")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["observed_on", "pk"]

    def __str__(self) -> str:
        return f"Observation {self.pk} of watch entry {self.entry_id}"


class CarriedObservation(ObservationFields):
    """A watch-list observation carried over to a caseload student's record on referral."""

    student = models.ForeignKey(
        "caseload.Student", on_delete=models.CASCADE, related_name="carried_observations"
    )
    noted_at = models.DateTimeField(help_text="When it was noted on the watch list.")
    carried_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    carried_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["observed_on", "pk"]

    def __str__(self) -> str:
        return f"Carried observation {self.pk} of student {self.student_id}"
