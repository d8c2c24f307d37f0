from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms

from pushin.concurrency import VersionField
from pushin.district.models import ActivityBlock, Provider
from pushin.planning.models import ScheduledSession
from pushin.planning.move_offers import MoveOffers
from pushin.query import DateField
from pushin.timespans import minutes_of
from pushin.vocabulary import MissReason

ALL_PROVIDERS = "all"


class PlanForm(forms.Form):
    """Plan the usual week of one provider, or of all of them (administrators)."""

    provider = forms.ChoiceField(label="Whose week")

    def __init__(
        self, *args: Any, providers: Sequence[Provider], allow_all: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.providers = {str(p.pk): p for p in providers}
        choices = [(str(p.pk), p.user.display_name) for p in providers]
        if allow_all and len(providers) > 1:
            choices.insert(0, (ALL_PROVIDERS, "All providers of the district"))
        field = self.fields["provider"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def selected(self) -> list[Provider]:
        value = self.cleaned_data["provider"]
        if value == ALL_PROVIDERS:
            return list(self.providers.values())
        return [self.providers[value]]


class WeekForm(forms.Form):
    week = DateField(
        required=False,
        label="Check the week of",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a date as YYYY-MM-DD."},
    )

    def clean_week(self) -> dt.date | None:
        week: dt.date | None = self.cleaned_data.get("week")
        if week is not None and week.isoweekday() > 5:
            week = week + dt.timedelta(days=8 - week.isoweekday())  # the next Monday
        return week


class MoveForm(forms.Form):
    """Move a standing session within its classroom's week, to one of the blocks
    `move_offers` lists (free, fitting, best fit first)."""

    block = forms.ChoiceField(
        label="Class block",
        help_text="Only blocks where you are free and the activity fits the goals, best fit first.",
        error_messages={
            "invalid_choice": "Choose one of the blocks listed: that one is not free or its "
            "activity fits none of the goals."
        },
    )
    start = forms.TimeField(
        label="Start",
        widget=forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M"),
        error_messages={"invalid": "Enter a time as HH:MM."},
    )
    pin = forms.BooleanField(required=False, label="Pin it here (a re-plan keeps it unchanged)")
    version = VersionField()

    def __init__(
        self, *args: Any, session: ScheduledSession, offers: MoveOffers, **kwargs: Any
    ) -> None:
        kwargs.setdefault(
            "initial",
            {
                "block": session.block_id,
                "start": session.start,
                "pin": session.pinned,
                "version": session.version,
            },
        )
        super().__init__(*args, **kwargs)
        self.session = session
        self.offers = offers
        block_field = self.fields["block"]
        assert isinstance(block_field, forms.ChoiceField)
        block_field.choices = [(str(o.block.pk), o.label) for o in offers.offers]

    def clean_block(self) -> ActivityBlock | None:
        offer = self.offers.offer(int(self.cleaned_data["block"]))
        return offer.block if offer is not None else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        block: ActivityBlock | None = data.get("block")
        start: dt.time | None = data.get("start")
        if block is None or start is None:
            return data
        length = self.session.minutes
        first, last = minutes_of(block.start), minutes_of(block.end) - length
        if not first <= minutes_of(start) <= last:
            if last < first:
                self.add_error("block", f"That block is shorter than this {length}-minute session.")
            else:
                self.add_error(
                    "start",
                    f"A {length}-minute session fits that block when it starts between "
                    f"{block.start:%H:%M} and {last // 60:02d}:{last % 60:02d}.",
                )
        return data


class PinForm(forms.Form):
    pinned = forms.BooleanField(required=False)
    version = VersionField()


class CalendarForm(forms.Form):
    action = forms.ChoiceField(choices=[("regenerate", "New address"), ("revoke", "Turn off")])


class AcceptForm(forms.Form):
    """Accept a plan as the standing schedule from a date (never before today); a plan
    that leaves students with fewer minutes asks for an explicit confirmation."""

    effective_from = DateField(
        label="In force from",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Choose the first day the new schedule is in force.",
            "invalid": "Enter a date as YYYY-MM-DD.",
        },
    )
    confirm_losses = forms.BooleanField(
        required=False, label="I have read the warning: accept with these students' minutes lost"
    )


class WeekAcceptForm(forms.Form):
    """Apply a one-week re-plan; sessions it leaves out are called off with a reason."""

    reason = forms.ChoiceField(
        label="Reason recorded for a session called off",
        choices=[
            (MissReason.PROVIDER_CONFLICT.value, MissReason.PROVIDER_CONFLICT.label),
            (MissReason.STUDENT_UNAVAILABLE.value, MissReason.STUDENT_UNAVAILABLE.label),
        ],
        initial=MissReason.PROVIDER_CONFLICT.value,
    )
    confirm_losses = forms.BooleanField(
        required=False, label="I have read the warning: accept with these students' minutes lost"
    )
