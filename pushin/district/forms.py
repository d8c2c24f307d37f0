"""Input parsing for the district pages. Rules that need the database live in services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from pushin.concurrency import VersionField
from pushin.district.models import (
    SESSION_IDLE_MAX_MINUTES,
    SESSION_IDLE_MIN_MINUTES,
    ActivityBlock,
    ExceptionKind,
    School,
    TeacherPreference,
)
from pushin.query import DateField
from pushin.vocabulary import DEFAULT_OWED, Activity, CutShortReason, MissReason, Weekday

TIME = forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _SpanForm(forms.Form):
    """A start-end time within one day."""

    start = forms.TimeField(widget=TIME)
    end = forms.TimeField(widget=TIME)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if isinstance(start, dt.time) and isinstance(end, dt.time) and end <= start:
            self.add_error("end", "The end must be after the start.")
        return data


class BlockForm(_SpanForm):
    day = forms.ChoiceField(choices=Weekday.choices)
    activity = forms.ChoiceField(choices=Activity.choices)
    teacher_preference = forms.ChoiceField(
        choices=[("", "No preference"), *TeacherPreference.choices],
        required=False,
        label="Teacher says",
    )
    field_order = ["day", "start", "end", "activity", "teacher_preference"]


class BlockEditForm(BlockForm):
    """A block's edit form: also the version it was drawn with (pushin/concurrency.py)."""

    version = VersionField()

    @classmethod
    def of(cls, block: ActivityBlock) -> BlockEditForm:
        return cls(
            initial={
                "day": block.day,
                "start": block.start,
                "end": block.end,
                "activity": block.activity,
                "teacher_preference": block.teacher_preference,
                "version": block.version,
            }
        )


class ExceptionForm(_SpanForm):
    date = DateField(widget=DATE)
    kind = forms.ChoiceField(choices=ExceptionKind.choices, initial=ExceptionKind.ACTIVITY)
    activity = forms.ChoiceField(
        choices=[("", "(pick when a different activity)"), *Activity.choices],
        required=False,
        help_text="For a test, pick “Test / assessment”.",
    )
    note = forms.CharField(max_length=200, required=False)
    field_order = ["date", "start", "end", "kind", "activity", "note"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") == ExceptionKind.ACTIVITY and not data.get("activity"):
            self.add_error("activity", "Say which activity replaces the usual one.")
        return data


class SchoolForm(forms.Form):
    name = forms.CharField(max_length=120)
    code = forms.SlugField(max_length=32, help_text="Short stable id used in imports, e.g. maple.")


class TravelForm(forms.Form):
    a = forms.IntegerField(widget=forms.HiddenInput)
    b = forms.IntegerField(widget=forms.HiddenInput)
    minutes = forms.IntegerField(min_value=0, max_value=240)


class AvailabilityForm(_SpanForm):
    day = forms.ChoiceField(choices=Weekday.choices)
    school = forms.ModelChoiceField(
        queryset=School.objects.none(), required=False, empty_label="Any school"
    )
    field_order = ["day", "start", "end", "school"]

    def __init__(self, *args: Any, schools: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if schools is not None:
            self.fields["school"].queryset = schools  # type: ignore[attr-defined]


BUSY_LABELS = ["Lunch", "Team meeting", "Evaluations", "Documentation", "IEP meetings"]


class BusyTimeForm(_SpanForm):
    day = forms.ChoiceField(choices=Weekday.choices)
    label = forms.CharField(
        max_length=80,
        required=False,
        widget=forms.TextInput(attrs={"list": "busy-labels", "placeholder": "e.g. Lunch"}),
    )
    # "Save anyway": the busy time overlaps upcoming sessions and the user keeps it.
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)
    field_order = ["day", "start", "end", "label"]


class ProviderHoursForm(forms.Form):
    contracted_minutes_per_week = forms.IntegerField(
        min_value=0, max_value=60 * 60, label="Contracted minutes per week"
    )
    max_direct_minutes_per_day = forms.IntegerField(
        min_value=0,
        max_value=24 * 60,
        required=False,
        label="Most direct minutes in one day",
        help_text="Leave empty for no daily limit.",
    )


class SchoolYearForm(forms.Form):
    start = DateField(widget=DATE, label="First day")
    end = DateField(widget=DATE, label="Last day")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", "The school year must end after it starts.")
        return data


class RecordsStartForm(forms.Form):
    """The day Push-In's records start; empty clears it."""

    records_start = DateField(
        widget=DATE,
        required=False,
        label="Records start",
        help_text="Adopted mid-year? Before this day nothing counts as owed or never "
        "scheduled, and lapse alerts count from it. Empty: the whole school year.",
    )


class SessionIdleForm(forms.Form):
    """Minutes without activity before a person is signed out."""

    session_idle_minutes = forms.IntegerField(
        min_value=SESSION_IDLE_MIN_MINUTES,
        max_value=SESSION_IDLE_MAX_MINUTES,
        label="Idle sign-out (minutes)",
        help_text=f"{SESSION_IDLE_MIN_MINUTES} to {SESSION_IDLE_MAX_MINUTES}. A sign-in also "
        "ends after ten hours, however active.",
    )


class PlanningRulesForm(forms.Form):
    """District-wide rules every plan follows."""

    one_pull_out_a_day = forms.BooleanField(
        required=False,
        label="One pull-out a day",
        help_text="A student seen by several providers (an OT and an SLP, say) is taken out "
        "of class for at most one session a day across them.",
    )
    min_fit = forms.FloatField(
        required=False,
        min_value=0.0,
        max_value=1.0,
        label="Minimum fit",
        widget=forms.NumberInput(attrs={"step": "0.05", "inputmode": "decimal"}),
        help_text="Every push-in session is at a class activity that fits the goal it serves "
        "at least this well (0 to 1, as in the fit table; 0: any activity that fits at all). "
        "A student with no such time is left short, and the plan says why.",
    )


class ClosureForm(forms.Form):
    name = forms.CharField(max_length=120, help_text="e.g. Winter break, Snow day")
    start = DateField(widget=DATE, label="First day")
    end = DateField(widget=DATE, label="Last day", help_text="Same as the first for one day.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "The last day cannot be before the first day.")
        return data


class ProgressPeriodForm(forms.Form):
    name = forms.CharField(max_length=60, help_text="e.g. Quarter 1")
    start = DateField(widget=DATE)
    end = DateField(widget=DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", "The period must end after it starts.")
        return data


class MakeupPolicyForm(forms.Form):
    """One yes/no per miss reason and per cut-short reason: are the minutes owed?"""

    MISSED = tuple(MissReason.values)
    CUT_SHORT = tuple(CutShortReason.values)

    def __init__(self, *args: Any, current: dict[str, bool] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = current or {}
        for reason, label in [*MissReason.choices, *CutShortReason.choices]:
            self.fields[reason] = forms.BooleanField(
                required=False,
                label=label,
                initial=current.get(reason, DEFAULT_OWED[reason]),
            )

    def missed_fields(self) -> list[forms.BoundField]:
        return [self[reason] for reason in self.MISSED]

    def cut_short_fields(self) -> list[forms.BoundField]:
        return [self[reason] for reason in self.CUT_SHORT]

    def owed(self) -> dict[str, bool]:
        return {reason: bool(self.cleaned_data.get(reason)) for reason in DEFAULT_OWED}
