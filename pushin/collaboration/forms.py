"""Input parsing for the collaboration pages. Rules that need the database live in services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from pushin.collaboration.models import Outcome, Strategy
from pushin.collaboration.starter_strategies import PAPER_KINDS
from pushin.district.forms import DATE, BlockForm, ExceptionForm
from pushin.district.models import TeacherPreference
from pushin.query import DateField
from pushin.sessions.models import SessionStudent
from pushin.timespans import monday_of
from pushin.vocabulary import Domain


class StrategyForm(forms.ModelForm[Strategy]):
    domains = forms.MultipleChoiceField(
        choices=Domain.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Goal domains it serves",
    )
    printable = forms.ChoiceField(
        choices=[("", "No printable"), *PAPER_KINDS],
        required=False,
        label="Adapted paper to print",
    )

    class Meta:
        model = Strategy
        fields = ["name", "how_to", "when_to_use", "materials", "domains", "printable"]
        labels = {"how_to": "How to do it", "when_to_use": "When to use it"}
        widgets = {"how_to": forms.Textarea(attrs={"rows": 5})}


class DomainFilterForm(forms.Form):
    domain = forms.ChoiceField(choices=[("", "All domains"), *Domain.choices], required=False)
    q = forms.CharField(required=False, max_length=80, label="Search")


class StrategyChoiceField(forms.ModelChoiceField[Strategy]):
    def label_from_instance(self, obj: Strategy) -> str:
        return obj.name


class StudentStrategyAddForm(forms.Form):
    strategy = StrategyChoiceField(queryset=Strategy.objects.none(), label="Strategy")
    carryover = forms.BooleanField(
        required=False,
        initial=True,
        label="Carry over: teachers and paras see it on the student's card",
    )
    notes = forms.CharField(
        max_length=200,
        required=False,
        label="For this student",
        help_text="e.g. 'use the blue grip; offer before writing'. No clinical detail.",
    )

    def __init__(self, *args: Any, library: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if library is not None:
            self.fields["strategy"].queryset = library  # type: ignore[attr-defined]


class StudentStrategyEditForm(forms.Form):
    carryover = forms.BooleanField(required=False, label="Carry over to teacher and paras")
    notes = forms.CharField(max_length=200, required=False, label="For this student")


class SessionRecordChoiceField(forms.ModelChoiceField[SessionStudent]):
    def label_from_instance(self, obj: SessionStudent) -> str:
        return f"{obj.session.date:%a %b} {obj.session.date.day} {obj.session.start:%H:%M}"


class StrategyUseForm(forms.Form):
    """The provider's log: the day, the outcome, and the session whose data shows it."""

    used_on = DateField(widget=DATE, label="Used on")
    outcome = forms.ChoiceField(choices=Outcome.choices, widget=forms.RadioSelect)
    session_record = SessionRecordChoiceField(
        queryset=SessionStudent.objects.none(),
        required=False,
        empty_label="The session that day, if any",
        label="Session",
    )
    note = forms.CharField(max_length=200, required=False)

    def __init__(self, *args: Any, records: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if records is not None:
            self.fields["session_record"].queryset = records  # type: ignore[attr-defined]


class TwoTapForm(forms.Form):
    """The para's second tap: how the student responded."""

    outcome = forms.ChoiceField(choices=Outcome.choices)


class DatedChangeForm(ExceptionForm):
    """'Thursday 10:00-10:45 is a test': one date."""


class WeeklyChangeForm(BlockForm):
    """'Writing moved to after lunch': every week from now on."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["teacher_preference"]


class PreferenceForm(forms.Form):
    teacher_preference = forms.ChoiceField(
        choices=[("", "No preference"), *TeacherPreference.choices], required=False
    )


class WeekForm(forms.Form):
    week = DateField(required=False, widget=DATE)

    def monday(self, default: dt.date) -> dt.date:
        day = self.cleaned_data.get("week") if self.is_valid() else None
        day = day or default
        return monday_of(day)
