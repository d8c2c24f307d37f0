"""The indirect-time forms, the report's period picker and the capacity what-if."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms

from pushin.concurrency import VersionField
from pushin.query import DateField
from pushin.workload.models import MAX_ENTRY_MINUTES, IndirectKind, WhatIfKind
from pushin.workload.selectors import PeriodKey
from pushin.workload.services import NOTE_HELP
from pushin.workload.whatif import MAX_POINTS, MAX_SIZE, sizes_between

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


class WhatIfForm(forms.Form):
    """A capacity what-if: caseload sizes from `start` to `end` by `step` (optionally with
    every group individual), one school taken away, or every group individual."""

    kind = forms.ChoiceField(
        choices=WhatIfKind.choices,
        widget=forms.RadioSelect,
        initial=WhatIfKind.SIZE,
        label="What if",
        error_messages={"required": "Choose a what-if.", "invalid_choice": "Choose a what-if."},
    )
    start = forms.IntegerField(min_value=1, max_value=MAX_SIZE, required=False, label="From")
    end = forms.IntegerField(min_value=1, max_value=MAX_SIZE, required=False, label="To")
    step = forms.IntegerField(min_value=1, max_value=MAX_SIZE, required=False, label="Step")
    individual = forms.BooleanField(
        required=False, label="And every group session individual push-in"
    )
    school = forms.ChoiceField(required=False, label="School taken away")

    def __init__(
        self, *args: Any, current: int, schools: Sequence[tuple[str, str]], **kwargs: Any
    ) -> None:
        kwargs.setdefault(
            "initial",
            {
                "kind": WhatIfKind.SIZE,
                "start": max(1, current - 20),
                "end": max(current + 20, 1),
                "step": 5,
            },
        )
        super().__init__(*args, **kwargs)
        self.current = current
        school_field = self.fields["school"]
        assert isinstance(school_field, forms.ChoiceField)
        school_field.choices = [("", "Choose a school"), *schools]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == WhatIfKind.SIZE:
            start, end, step = data.get("start"), data.get("end"), data.get("step")
            if start is None or end is None or step is None:
                raise forms.ValidationError("Give the caseload sizes: from, to and a step.")
            if end < start:
                raise forms.ValidationError("The largest caseload is smaller than the first.")
            data["sizes"] = sizes_between(start, end, step, current=self.current)
            if len(data["sizes"]) > MAX_POINTS:
                raise forms.ValidationError(
                    f"From {start} to {end} by {step} is {len(data['sizes'])} caseload sizes: "
                    f"at most {MAX_POINTS} in one what-if (take a larger step)."
                )
        if kind == WhatIfKind.REMOVE_SCHOOL and not data.get("school"):
            self.add_error("school", "Choose the school to take away.")
        return data

    def terms(self) -> dict[str, Any]:
        """The keyword arguments of `whatif.whatif_run_create`."""
        data = self.cleaned_data
        kind = data["kind"]
        if kind == WhatIfKind.SIZE:
            return {"kind": kind, "sizes": data["sizes"], "individual": data["individual"]}
        if kind == WhatIfKind.REMOVE_SCHOOL:
            return {"kind": kind, "school": data["school"]}
        return {"kind": kind}
