"""Dates a page reads from its query string (`?date=`, `?week=`, `?on=`) or a form: one
parser, one window.

A date outside EARLIEST..LATEST is refused as well as one that is not a date: year 1 or
9999 parse, but the week arithmetic around them (Monday of the week, the next week's
link) overflows, and no school record is that old or that far ahead. A page whose
parameter is refused answers 400 naming the parameter and why (pushin/errors.py), the
same on every page, instead of silently showing another day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import BadRequest, ValidationError

EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2199, 12, 31)

WINDOW = f"between {EARLIEST:%Y-%m-%d} and {LATEST:%Y-%m-%d}"


def in_window(day: dt.date) -> None:
    """Validator: a date the app can show and count weeks around."""
    if not EARLIEST <= day <= LATEST:
        raise ValidationError(f"Enter a date {WINDOW}.", code="out_of_window")


class DateField(forms.DateField):
    """A form's date, refused outside the window (every date a person types or crafts)."""

    default_validators = [in_window]


class BadDateParameter(BadRequest):
    """A query-string date a page cannot use; the message names the parameter and why."""

    def __init__(self, name: str) -> None:
        super().__init__(f"“?{name}=” must be a date written YYYY-MM-DD, {WINDOW}.")


def date_param(params: Mapping[str, Any], name: str, *, default: dt.date) -> dt.date:
    """The date in `params[name]` (a request's GET or POST), `default` when absent or
    empty; BadDateParameter (a 400) when it is not a date in the window."""
    try:
        day = DateField(required=False).clean(params.get(name))
    except ValidationError as error:
        raise BadDateParameter(name) from error
    return day or default


def check_date_params(form: forms.Form) -> None:
    """A bound query-string form (a week picker) whose dates are refused is a 400 naming
    the first refused field, like `date_param`."""
    if form.is_bound and not form.is_valid():
        for name, field in form.fields.items():
            if name in form.errors and isinstance(field, forms.DateField):
                raise BadDateParameter(name)
