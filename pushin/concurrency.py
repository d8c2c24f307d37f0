"""Optimistic locking: two people editing one row never overwrite each other silently.

A row that people edit through forms (a dated session and its student records, a weekly
session, a timetable block, a student) carries an integer `version`. Each edit form sends
the version it was drawn with as a hidden field; the service claims the row with one
conditional UPDATE (`version_claim`): it succeeds only while the row still has that
version, and moves it on by one. The first of two concurrent saves wins; the second gets
`EditConflict`, the view answers 409 with the message and the person's input shown again,
and nothing of theirs is written. On PostgreSQL the UPDATE waits for a concurrent one and
re-reads the row; on SQLite writers are serialised. Either way exactly one claim matches.

A caller that sends no version (a script, a test, a service acting for the system) is
not checked, but still moves the version on, so forms drawn before its change conflict.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models

CONFLICT = "{what} was changed by someone else a moment ago; your changes were not saved"
RELOAD = " — reload to see theirs."
SHOWN = " — theirs are shown below, and what you entered is kept here."


class EditConflict(Exception):
    """The row changed since the form was drawn; nothing was written."""

    def __init__(self, what: str) -> None:
        self.what = what
        super().__init__(CONFLICT.format(what=what) + RELOAD)

    @property
    def message(self) -> str:
        """For a page that shows the form again with the person's input."""
        return str(self)

    @property
    def shown_message(self) -> str:
        """For a partial that shows the row as it now is, beside the person's input."""
        return CONFLICT.format(what=self.what) + SHOWN


def version_claim(
    queryset: models.QuerySet[Any] | models.Manager[Any],
    *,
    pk: int,
    expected: int | None,
    what: str,
    bump: bool = True,
) -> None:
    """Move the row's version on by one, if it still is `expected` (any, when None).

    Call it first in the service's transaction: the UPDATE holds the row (and on SQLite
    the database) until the end, and a failed service rolls the claim back with the rest.
    `bump=False` checks and holds without moving the version on, for an addition that
    leaves the row as others see it (a data point: taps in a row must not trip each
    other). Raises EditConflict when the row changed (or is gone).
    """
    rows = queryset.filter(pk=pk)
    if expected is not None:
        rows = rows.filter(version=expected)
    if rows.update(version=models.F("version") + (1 if bump else 0)) != 1:
        raise EditConflict(what)


def version_bump(queryset: models.QuerySet[Any]) -> None:
    """Move the versions of rows changed as a side effect on (the records of a session
    called off), so forms drawn before conflict."""
    queryset.update(version=models.F("version") + 1)


class VersionField(forms.IntegerField):
    """The hidden version an edit form was drawn with. Optional: a post without it is
    taken as "whatever is there now" (see the module docstring)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 0)
        super().__init__(**kwargs)
