from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from pushin.accounts.models import User
from pushin.caseload.models import MANDATE_MINUTES_MAX, MANDATE_MINUTES_TOO_MANY, MandateVersion
from pushin.caseload.selectors import caseload_filter_options
from pushin.caseload.services import WEIGHT_ERROR
from pushin.concurrency import VersionField
from pushin.district.models import Classroom, Provider, School
from pushin.ids import OpaqueModelChoiceField
from pushin.query import DateField
from pushin.vocabulary import Activity, Comfort

WEIGHT_ERRORS = {
    "required": WEIGHT_ERROR,
    "invalid": WEIGHT_ERROR,
    "min_value": WEIGHT_ERROR,
    "max_value": WEIGHT_ERROR,
}


class DateInput(forms.DateInput):
    input_type = "date"


class ProviderChoiceField(OpaqueModelChoiceField[Provider]):
    def label_from_instance(self, obj: Provider) -> str:
        return obj.user.display_name


class ClassroomChoiceField(OpaqueModelChoiceField[Classroom]):
    def label_from_instance(self, obj: Classroom) -> str:
        return f"{obj.name} · {obj.school.name}"


class CaseloadFilterForm(forms.Form):
    """The caseload filters; each offers only what the user can see."""

    # Sent by GET: the choices are public ids, since they end up in the URL.
    school = OpaqueModelChoiceField[School](
        queryset=School.objects.none(), required=False, empty_label="All schools"
    )
    classroom = ClassroomChoiceField(
        queryset=Classroom.objects.none(), required=False, empty_label="All classrooms"
    )
    provider = ProviderChoiceField(
        queryset=Provider.objects.none(), required=False, empty_label="All providers"
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        schools, classrooms, providers = caseload_filter_options(user)
        self.fields["school"].queryset = schools  # type: ignore[attr-defined]
        self.fields["classroom"].queryset = classrooms  # type: ignore[attr-defined]
        self.fields["provider"].queryset = providers  # type: ignore[attr-defined]
        for name in self.fields:
            self.fields[name].error_messages["invalid_choice"] = (
                "That choice is not one of yours; showing all."
            )

    def filters(self) -> dict[str, Any]:
        """The valid filters (an invalid one is reported and ignored)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v is not None}


class ComfortForm(forms.Form):
    comfort = forms.ChoiceField(
        choices=[("", "Not asked yet"), *Comfort.choices],
        required=False,
        label="What the student prefers",
    )
    asked_on = DateField(
        required=False, widget=DateInput, label="Asked on", help_text="Leave empty for today."
    )
    version = VersionField()  # the student's (pushin/concurrency.py)


class MandateAmendForm(forms.ModelForm[MandateVersion]):
    minutes = forms.IntegerField(
        label="Minutes",
        min_value=1,
        max_value=MANDATE_MINUTES_MAX,
        error_messages={"max_value": MANDATE_MINUTES_TOO_MANY},
    )

    class Meta:
        model = MandateVersion
        fields = [
            "effective_from",
            "minutes",
            "frequency",
            "session_minutes",
            "delivery",
            "grouping",
            "max_group",
            "reason",
        ]
        widgets = {"effective_from": DateInput}
        labels = {
            "effective_from": "Takes effect on",
            "minutes": "Minutes",
            "session_minutes": "Session length (minutes)",
            "max_group": "Largest group",
        }
        help_texts = {"reason": "e.g. amendment meeting of 11/20, annual review."}

    # The student's version when the form was drawn (pushin/concurrency.py); "version"
    # alone would read as a mandate version here.
    student_version = VersionField()

    @staticmethod
    def initial_from(latest: MandateVersion | None, iep_end: dt.date) -> dict[str, Any]:
        """Defaults for an amendment: the current terms, from today (or the day after)."""
        if latest is None:
            return {"effective_from": timezone.localdate()}
        start = max(timezone.localdate(), latest.effective_from + dt.timedelta(days=1))
        return {
            "effective_from": start if start <= iep_end else None,
            "minutes": latest.minutes,
            "frequency": latest.frequency,
            "session_minutes": latest.session_minutes,
            "delivery": latest.delivery,
            "grouping": latest.grouping,
            "max_group": latest.max_group,
        }


class FitCellForm(forms.Form):
    weight = forms.FloatField(
        min_value=0.0,
        max_value=1.0,
        error_messages=WEIGHT_ERRORS,
        widget=forms.NumberInput(attrs={"step": "0.05", "min": "0", "max": "1"}),
    )


class GoalFitForm(forms.Form):
    activity = forms.ChoiceField(choices=Activity.choices)
    weight = forms.FloatField(
        min_value=0.0,
        max_value=1.0,
        required=False,
        error_messages=WEIGHT_ERRORS,
        help_text="Empty: use the district's fit table again.",
        widget=forms.NumberInput(attrs={"step": "0.05", "min": "0", "max": "1"}),
    )
