"""The indirect-time forms and the report's period picker."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from pushin.concurrency import VersionField
from pushin.query import DateField
from pushin.workload.models import MAX_ENTRY_MINUTES, IndirectKind
from pushin.workload.selectors import PeriodKey
from pushin.workload.services import NOTE_HELP

# The quick-add's minutes buttons (one tap each); the full form takes any number.
QUICK_MINUTES = [15, 30, 45, 60, 90]
MAX_RANGE_DAYS = 400


class IndirectTimeForm(forms.Form):
    """Kind, minutes, date (today unless given) and a note. The quick-add on Today sends
    the kind and one of its minutes buttons; the date is the day shown."""

    kind = forms.ChoiceField(
        choices=IndirectKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what the time was spent on.",
            "invalid_choice": "Choose what the time was spent on.",
        },
    )
    minutes = forms.IntegerField(
        min_value=1,
        max_value=MAX_ENTRY_MINUTES,
        error_messages={"required": "Say how many minutes."},
    )
    date = DateField(required=False, help_text="Today unless you choose another day.")
    note = forms.CharField(max_length=200, required=False, help_text=NOTE_HELP)
    version = VersionField()

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["date"].widget = forms.DateInput(
            attrs={"type": "date", "max": today.isoformat()}
        )

    def clean_date(self) -> dt.date:
        day: dt.date | None = self.cleaned_data.get("date")
        return day or self.today


class PeriodForm(forms.Form):
    """?period=week|term|custom, with ?start= and ?end= for a custom range."""

    period = forms.ChoiceField(
        choices=[
            (PeriodKey.WEEK, "This week"),
            (PeriodKey.TERM, "This term"),
            (PeriodKey.CUSTOM, "Custom"),
        ],
        required=False,
    )
    start = DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        key = data.get("period") or PeriodKey.WEEK
        start, end = data.get("start"), data.get("end")
        if key == PeriodKey.CUSTOM:
            if start is None or end is None:
                raise forms.ValidationError("A custom period needs a first and a last day.")
            if end < start:
                raise forms.ValidationError("The last day is before the first.")
            if (end - start).days > MAX_RANGE_DAYS:
                raise forms.ValidationError(f"Choose at most {MAX_RANGE_DAYS} days.")
            if start > self.today:
                raise forms.ValidationError(
                    "The period starts after today: nothing in it has happened yet."
                )
        data["period"] = key
        return data
