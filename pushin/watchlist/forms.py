"""Input parsing for the watch-list pages. Rules that need the database live in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from pushin.caseload.models import Student
from pushin.district.forms import DATE
from pushin.district.models import Classroom
from pushin.ids import OpaqueModelChoiceField
from pushin.vocabulary import Activity
from pushin.watchlist.models import KEEP_DAYS_MAX, KEEP_DAYS_MIN, WatchObservation, WatchPolicy

OBSERVATION_FIELDS = [
    "observed_on",
    "activity",
    "seen",
    "strategy_tried",
    "outcome",
    "outcome_note",
]


class ObservationForm(forms.ModelForm[WatchObservation]):
    activity = forms.ChoiceField(choices=Activity.choices, label="Class activity")

    class Meta:
        model = WatchObservation
        fields = OBSERVATION_FIELDS
        widgets = {"observed_on": DATE, "seen": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"seen": "What the student did, in plain words. No diagnosis."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["observed_on"].initial = timezone.localdate()
        self.fields["outcome"].choices = [("", "Not recorded"), *self.fields["outcome"].choices[1:]]  # type: ignore[attr-defined]


class RoomChoiceField(OpaqueModelChoiceField[Classroom]):
    def label_from_instance(self, obj: Classroom) -> str:
        return f"{obj.name}, {obj.school.name}"


class EntryForm(ObservationForm):
    """A new watch entry: who (first name, last initial), where, and a first observation."""

    first_name = forms.CharField(max_length=40, label="First name")
    last_initial = forms.RegexField(
        regex=r"^\s*[A-Za-z]\s*$",
        max_length=3,
        label="Last initial",
        help_text="One letter. The watch list never holds a last name.",
        error_messages={"invalid": "One letter."},
    )
    classroom = RoomChoiceField(queryset=Classroom.objects.none(), label="Classroom")

    field_order = ["first_name", "last_initial", "classroom", *OBSERVATION_FIELDS]

    def __init__(self, *args: Any, rooms: QuerySet[Classroom], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["classroom"]
        assert isinstance(field, RoomChoiceField)
        field.queryset = rooms
        if len(rooms) == 1:
            field.initial = rooms[0]
        self.order_fields(self.field_order)


class StudentChoiceField(OpaqueModelChoiceField[Student]):
    def label_from_instance(self, obj: Student) -> str:
        return f"{obj.full_name} ({obj.classroom.name})"


class CarryOverForm(forms.Form):
    student = StudentChoiceField(
        queryset=Student.objects.none(), label="Caseload student", empty_label="Choose a student"
    )
    confirm = forms.BooleanField(
        label="I confirm this is the same student, now referred and on my caseload.",
        error_messages={"required": "Confirm that this is the same student."},
    )

    def __init__(self, *args: Any, students: QuerySet[Student], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["student"]
        assert isinstance(field, StudentChoiceField)
        field.queryset = students


class PolicyForm(forms.ModelForm[WatchPolicy]):
    class Meta:
        model = WatchPolicy
        fields = ["keep_days", "summary_min_observations"]
        labels = {
            "keep_days": f"Keep entries for (days, {KEEP_DAYS_MIN}-{KEEP_DAYS_MAX})",
            "summary_min_observations": "Observations before a summary prints",
        }
