"""The small forms behind the session buttons. Each carries `reason`, which a signed
session requires for any change (the service says so when it is missing), and the
`version` of the record or session it was drawn with (pushin/concurrency.py)."""

from __future__ import annotations

from typing import Any

from django import forms

from pushin.caseload.models import Goal
from pushin.collaboration.models import Strategy
from pushin.concurrency import VersionField
from pushin.sessions.models import Attendance, PromptLevel, SessionStudent
from pushin.sessions.services import NOTE_MAX
from pushin.vocabulary import SHORT_REASON_CHOICES, MissReason

REASON_HELP = "The session is signed: say why this changes."


class _ReasonForm(forms.Form):
    reason = forms.CharField(max_length=200, required=False, help_text=REASON_HELP)
    version = VersionField()


class PlanForm(_ReasonForm):
    """Focus goal and strategy for one student; choices are that student's own."""

    focus_goal = forms.ModelChoiceField(
        queryset=Goal.objects.none(), required=False, empty_label="No focus goal"
    )
    strategy = forms.ModelChoiceField(
        queryset=Strategy.objects.none(), required=False, empty_label="No strategy from the list"
    )
    strategy_text = forms.CharField(max_length=200, required=False, label="Or in words")

    def __init__(self, *args: Any, record: SessionStudent, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["focus_goal"].queryset = Goal.objects.filter(  # type: ignore[attr-defined]
            iep__student_id=record.student_id
        ).select_related("iep")
        self.fields["strategy"].queryset = Strategy.objects.filter(  # type: ignore[attr-defined]
            uses__student_id=record.student_id
        )
        self.fields["focus_goal"].error_messages["invalid_choice"] = (
            "Choose one of this student's goals."
        )
        self.fields["strategy"].error_messages["invalid_choice"] = (
            "Choose one of this student's strategies, or write the plan in words."
        )


class AttendanceForm(_ReasonForm):
    attendance = forms.ChoiceField(
        choices=Attendance.choices,
        error_messages={
            "required": "Choose what happened for this student.",
            "invalid_choice": "Choose what happened for this student.",
        },
    )
    minutes_delivered = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=600,
        label="Minutes delivered",
        error_messages={"invalid": "Minutes are a whole number."},
    )
    # Offered: the cut-short reasons (never a miss reason); a record from before they had
    # their own list keeps its reason when it is saved again.
    short_reason = forms.ChoiceField(
        choices=[("", "Not cut short"), *SHORT_REASON_CHOICES],
        required=False,
        label="Cut short because",
    )
    short_note = forms.CharField(
        max_length=200,
        required=False,
        label="Other reason, in words",
        error_messages={"max_length": "Keep it under 200 characters."},
    )


class DataForm(_ReasonForm):
    """One data point for one of the student's goals (none given: the focus goal)."""

    goal = forms.ModelChoiceField(
        queryset=Goal.objects.none(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "Choose one of this student's goals."},
    )
    correct = forms.NullBooleanField(required=False)
    prompt = forms.ChoiceField(choices=[("", "-"), *PromptLevel.choices], required=False)
    value = forms.IntegerField(
        required=False, min_value=0, error_messages={"invalid": "A whole number, please."}
    )
    text = forms.CharField(max_length=NOTE_MAX, required=False, widget=forms.Textarea)

    def __init__(self, *args: Any, record: SessionStudent, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = Goal.objects.filter(  # type: ignore[attr-defined]
            iep__student_id=record.student_id
        )


class NoteForm(_ReasonForm):
    note = forms.CharField(
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": f"Keep the note under {NOTE_MAX} characters."},
    )


class UndoForm(_ReasonForm):
    points = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)


class SessionForm(forms.Form):
    """Sign, or take a call-off back: nothing to fill in but the session's version."""

    version = VersionField()


class CallOffForm(forms.Form):
    """Call a session off before it starts: why it will not happen, in a choice and words."""

    version = VersionField()

    attendance = forms.ChoiceField(
        choices=MissReason.choices,
        label="Will not happen because",
        error_messages={
            "required": "Choose why the session will not happen.",
            "invalid_choice": "Choose why the session will not happen.",
        },
    )
    reason = forms.CharField(
        max_length=200,
        required=False,  # the service says why it is needed, in one place
        label="Reason",
        help_text="For the record, e.g. provider out sick, class trip, family trip.",
        error_messages={"max_length": "Keep the reason under 200 characters."},
    )
