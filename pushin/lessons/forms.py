from __future__ import annotations

import datetime as dt

from django import forms

from pushin.district.forms import DATE
from pushin.district.models import Classroom
from pushin.ids import OpaqueModelChoiceField
from pushin.lessons.models import SupportStyle, Topic
from pushin.query import DateField
from pushin.timespans import monday_of


class PlaceForm(forms.Form):
    """Which room and week to list the free blocks of (a GET form: ids are public ids)."""

    classroom = OpaqueModelChoiceField(queryset=Classroom.objects.none(), label="Classroom")
    week = DateField(required=False, widget=DATE, label="Week of")

    def __init__(self, *args: object, rooms: list[Classroom], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["classroom"]
        assert isinstance(field, OpaqueModelChoiceField)
        field.queryset = Classroom.objects.filter(pk__in=[r.pk for r in rooms]).select_related(
            "school"
        )

    def monday(self, default: dt.date) -> dt.date:
        day = self.cleaned_data.get("week") if self.is_valid() else None
        return monday_of(day or default)


class LessonForm(forms.Form):
    slot = forms.CharField(label="When", max_length=40)
    topic = forms.ChoiceField(choices=Topic.choices)
    plan = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What you will do together; the teacher sees it.",
    )
    weekly = forms.BooleanField(
        required=False,
        label="Every week",
        help_text="The same block every week from that day on, until you end it.",
    )


class RequestForm(forms.Form):
    topic = forms.ChoiceField(choices=Topic.choices, label="Lesson")
    by_when = DateField(widget=DATE, label="By when")
    note = forms.CharField(
        required=False,
        max_length=300,
        label="Note",
        widget=forms.TextInput(attrs={"placeholder": "before the holiday craft"}),
    )


class DeclineForm(forms.Form):
    note = forms.CharField(max_length=300, label="Why (the teacher reads it)")


class CreditForm(forms.Form):
    counts = forms.TypedChoiceField(
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        label="Whole-class lessons count toward this mandate",
    )


class SupportForm(forms.Form):
    style = forms.ChoiceField(
        choices=[("", "Usual (with the students named)"), *SupportStyle.choices], required=False
    )
    focus = forms.CharField(required=False, max_length=20)
