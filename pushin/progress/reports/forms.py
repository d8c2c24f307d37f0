"""The forms of the progress report pages, and the district's code words (settings)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms

from pushin.district.models import ProgressPeriod
from pushin.ids import OpaqueModelChoiceField
from pushin.progress.models import ProgressCode
from pushin.progress.reports.codes import DEFAULT_WORDS
from pushin.progress.reports.services import NARRATIVE_MAX, REASON_MAX, WORD_MAX


class PeriodField(OpaqueModelChoiceField[ProgressPeriod]):
    def label_from_instance(self, obj: ProgressPeriod) -> str:
        start, end = obj.start, obj.end
        return f"{obj.name} ({start:%b} {start.day} to {end:%b} {end.day}, {end.year})"


class PeriodForm(forms.Form):
    """Which progress period (a page's `?period=`, or a draft's POST)."""

    period = PeriodField(
        queryset=ProgressPeriod.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": "Choose one of the district's progress periods."},
    )

    def __init__(self, *args: Any, district_id: int, required: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["period"]
        assert isinstance(field, PeriodField)
        field.queryset = ProgressPeriod.objects.filter(district_id=district_id).order_by("start")
        field.required = required


CODE_CHOICES = [("", "Choose a code"), *ProgressCode.choices]


class ReportGoalForm(forms.Form):
    """One goal of a draft: its progress code and narrative."""

    code = forms.ChoiceField(choices=CODE_CHOICES, required=False, label="Progress code")
    narrative = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=NARRATIVE_MAX,
        label="Narrative",
        help_text="Drafted from the data: edit it in your own words.",
    )

    def __init__(self, *args: Any, words: Mapping[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if words:  # the district's words for the codes
            field = self.fields["code"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [("", "Choose a code")] + [
                (code, words.get(code, label)) for code, label in ProgressCode.choices
            ]


class AmendForm(forms.Form):
    reason = forms.CharField(
        max_length=REASON_MAX,
        label="Reason for the amendment",
        help_text="Required: the signed report stays readable as it was.",
    )


class ShareForm(forms.Form):
    teacher = forms.BooleanField(required=False, label="Share with the teacher")
    paras = forms.BooleanField(required=False, label="Share with the paras")


class ProgressCodeWordsForm(forms.Form):
    """The district's words for the four progress codes (District settings)."""

    def __init__(self, *args: Any, current: Mapping[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = current or DEFAULT_WORDS
        for code, label in ProgressCode.choices:
            self.fields[code] = forms.CharField(
                max_length=WORD_MAX,
                label=f"{label} (code “{code}”)",
                initial=current.get(code, label),
            )

    def words(self) -> dict[str, str]:
        return {code: str(self.cleaned_data[code]) for code in ProgressCode.values}
