"""The provider's day: Today, the week, one session and its one-tap data buttons.

Each view: parse, one access helper (`own_provider` for the provider's own pages,
`dated_session_for_user` for a session), one service or selector, render. Everyone but
the session's provider gets a 404. Record changes answer htmx with the changed card
(200 with the error shown in the card when the change is refused), and plain posts with
a redirect back to the page. A change made to a record or session that someone else
(or another tab) changed since the form was drawn answers 409: the card, or without htmx
the session page, as it now is, with what was entered shown beside it (never a redirect,
which would lose it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms.utils import pretty_name
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from pushin.accounts.forms import add_service_errors
from pushin.accounts.http import is_htmx, signed_in_user
from pushin.accounts.models import User
from pushin.caseload.alerts import caseload_alerts_for
from pushin.caseload.models import Goal
from pushin.collaboration.models import Strategy
from pushin.concurrency import EditConflict
from pushin.progress.reports.alerts import report_alert_source
from pushin.query import date_param
from pushin.sessions import selectors, services
from pushin.sessions.access import dated_session_for_user, own_provider
from pushin.sessions.forms import (
    AttendanceForm,
    CallOffForm,
    DataForm,
    NoteForm,
    PlanForm,
    SessionForm,
    UndoForm,
)
from pushin.sessions.models import Attendance, DatedSession, PromptLevel, SessionStudent
from pushin.timespans import monday_of
from pushin.vocabulary import CutShortReason, MissReason


def _errors_text(form: forms.BaseForm) -> list[str]:
    return [str(e) for errors in form.errors.values() for e in errors]


def _words(field: forms.Field, value: Any) -> str:
    if isinstance(value, Goal):
        return f"{value.get_domain_display()}: {value.text}"
    if isinstance(value, Strategy):
        return value.name
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(field, forms.ChoiceField):
        return str(dict(field.choices).get(value, value))  # type: ignore[arg-type]
    return str(value)


def _typed(form: forms.Form) -> list[tuple[str, str]]:
    """What the person entered, in words, to show beside a conflict: nothing is lost."""
    shown = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if name in ("version", "points") or value is None or value == "":
            continue
        shown.append((str(field.label or pretty_name(name)), _words(field, value)))
    return shown


# --- The day and the week -----------------------------------------------------------------


@login_required
def today(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    provider = own_provider(user)
    now = timezone.localdate()
    day = date_param(request.GET, "date", default=now)
    page = selectors.today_page(provider, day=day, today=now)
    services.session_read_audit(actor=user, records=page.records, page="today")
    # Counts only (no student named): the caseload page lists them.
    alerts = caseload_alerts_for(user, today=now, sources=[report_alert_source(provider)])
    # Whole-class lessons and float support, marked on their cards (two queries).
    from pushin.lessons.selectors import session_kinds

    lessons, floats = session_kinds(card.session.pk for card in page.cards)
    return render(
        request,
        "sessions/today.html",
        {"page": page, "alerts": alerts, "lesson_topics": lessons, "float_sessions": floats},
    )


@login_required
def week(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    provider = own_provider(user)
    now = timezone.localdate()
    monday = monday_of(date_param(request.GET, "date", default=now))
    page = selectors.week_page(provider, monday=monday, today=now)
    services.session_read_audit(actor=user, records=page.records, page="week")
    return render(
        request,
        "sessions/week.html",
        {
            "page": page,
            "prev_week": monday - dt.timedelta(days=7),
            "next_week": monday + dt.timedelta(days=7),
        },
    )


# --- One session --------------------------------------------------------------------------

ATTENDANCE_BUTTONS = Attendance.choices
PROMPT_BUTTONS = PromptLevel.choices
RUBRIC_BUTTONS = [0, 1, 2, 3, 4]


def _session_context(session: DatedSession) -> dict[str, Any]:
    started = session.has_started()
    return {
        "session": session,
        "attendance_buttons": ATTENDANCE_BUTTONS,
        "prompt_buttons": PROMPT_BUTTONS,
        "rubric_buttons": RUBRIC_BUTTONS,
        "miss_choices": MissReason.choices,
        # A session cut short has reasons of its own, never a miss reason.
        "cut_short_choices": CutShortReason.choices,
        "cut_short_values": CutShortReason.values,
        # Before the start: plan and note only; delivered, data and signing wait.
        "started": started,
        "not_started": "" if started else services.not_started_message(session),
    }


def _session_page(
    request: HttpRequest,
    session: DatedSession,
    *,
    conflict: EditConflict | None = None,
    conflict_record: int | None = None,
    typed: list[tuple[str, str]] | None = None,
) -> HttpResponse:
    """The session page; after a conflict (409), as it now is, with what was entered."""
    user = signed_in_user(request)
    page = selectors.session_page(session)
    services.session_read_audit(
        actor=user, records=[r.record for r in page.records], page="session"
    )
    context = _session_context(page.session)
    context["page"] = page
    if conflict is not None:
        context.update(
            conflict=conflict.shown_message, conflict_record=conflict_record, typed=typed or []
        )
    return render(request, "sessions/session.html", context, status=409 if conflict else 200)


@login_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    return _session_page(request, dated_session_for_user(user, pk))


@login_required
@require_POST
def session_sign(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    session = dated_session_for_user(user, pk)
    form = SessionForm(request.POST)
    form.is_valid()
    try:
        services.session_sign(actor=user, session=session, version=form.cleaned_data.get("version"))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except EditConflict as conflict:
        return _session_page(request, session, conflict=conflict)
    else:
        messages.success(request, "Session signed. Later changes are kept as amendments.")
    return redirect("sessions:detail", pk=session.pk)


@login_required
@require_POST
def session_call_off(request: HttpRequest, pk: int) -> HttpResponse:
    """Call a session off before it starts, with the miss reason and why in words."""
    user = signed_in_user(request)
    session = dated_session_for_user(user, pk)
    form = CallOffForm(request.POST)
    if form.is_valid():
        try:
            services.session_call_off(
                actor=user,
                session=session,
                attendance=form.cleaned_data["attendance"],
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except EditConflict as conflict:
            return _session_page(request, session, conflict=conflict, typed=_typed(form))
    if form.errors:
        for text in _errors_text(form):
            messages.error(request, text)
    else:
        messages.success(request, "Session called off. Every student in it is recorded as missed.")
    return redirect("sessions:detail", pk=session.pk)


@login_required
@require_POST
def session_call_off_undo(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    session = dated_session_for_user(user, pk)
    form = SessionForm(request.POST)
    form.is_valid()
    try:
        services.session_call_off_undo(
            actor=user, session=session, version=form.cleaned_data.get("version")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except EditConflict as conflict:
        return _session_page(request, session, conflict=conflict)
    else:
        messages.success(request, "The session is on again.")
    return redirect("sessions:detail", pk=session.pk)


# --- Changes to one student's record ------------------------------------------------------


def _record(session: DatedSession, record_pk: int) -> SessionStudent:
    return get_object_or_404(
        SessionStudent.objects.select_related("student", "focus_goal"),
        pk=record_pk,
        session=session,
    )


def _answer(
    request: HttpRequest,
    session: DatedSession,
    record: SessionStudent,
    form: forms.Form,
    conflict: EditConflict | None = None,
) -> HttpResponse:
    """The changed record's card (htmx), or back to the page it came from. A conflict
    answers 409 with the record as it now is and what was entered beside it."""
    errors = _errors_text(form)
    on_today = request.POST.get("view") == "today"
    typed = _typed(form) if conflict is not None else []
    if conflict is not None and not is_htmx(request):
        return _session_page(
            request, session, conflict=conflict, conflict_record=record.pk, typed=typed
        )
    if not is_htmx(request):
        for error in errors:
            messages.error(request, error)
        if on_today:
            url = reverse("sessions:today")
            return redirect(f"{url}?date={session.date:%Y-%m-%d}#plan-{record.pk}")
        return redirect(f"{reverse('sessions:detail', args=[session.pk])}#record-{record.pk}")
    # The card shows the record this same user just changed (audited as the change).
    detail = selectors.record_of(session, record.pk)
    if detail is None:
        raise Http404("No such record")
    fresh = DatedSession.objects.select_related("classroom__school").get(pk=session.pk)
    context = _session_context(fresh)
    context.update({"rd": detail, "rv": detail.view, "errors": errors, "oob": True})
    if conflict is not None:
        context.update(conflict=conflict.shown_message, conflict_record=record.pk, typed=typed)
    template = "sessions/_plan.html" if on_today else "sessions/_record.html"
    return render(request, template, context, status=409 if conflict else 200)


def _apply(
    request: HttpRequest, record: SessionStudent, form: forms.Form, change: Callable[[], object]
) -> HttpResponse:
    """Run the service `change` for a valid form: a refusal shows in the form's errors,
    a conflict answers 409 (`_answer`)."""
    conflict = None
    if form.is_valid():
        try:
            change()
        except ValidationError as error:
            add_service_errors(form, error)
        except EditConflict as error:
            conflict = error
    return _answer(request, record.session, record, form, conflict)


def _record_change(request: HttpRequest, pk: int, record_pk: int) -> tuple[User, SessionStudent]:
    user = signed_in_user(request)
    session = dated_session_for_user(user, pk)
    record = _record(session, record_pk)
    record.session = session
    return user, record


@login_required
@require_POST
def record_plan(request: HttpRequest, pk: int, record_pk: int) -> HttpResponse:
    user, record = _record_change(request, pk, record_pk)
    form = PlanForm(request.POST, record=record)
    return _apply(
        request,
        record,
        form,
        lambda: services.session_plan_set(
            actor=user,
            record=record,
            focus_goal=form.cleaned_data["focus_goal"],
            strategy=form.cleaned_data["strategy"],
            strategy_text=form.cleaned_data["strategy_text"],
            reason=form.cleaned_data["reason"],
            version=form.cleaned_data["version"],
        ),
    )


@login_required
@require_POST
def record_attendance(request: HttpRequest, pk: int, record_pk: int) -> HttpResponse:
    user, record = _record_change(request, pk, record_pk)
    form = AttendanceForm(request.POST)
    return _apply(
        request,
        record,
        form,
        lambda: services.attendance_record(
            actor=user,
            record=record,
            attendance=form.cleaned_data["attendance"],
            minutes=form.cleaned_data["minutes_delivered"],
            short_reason=form.cleaned_data["short_reason"],
            short_note=form.cleaned_data["short_note"],
            reason=form.cleaned_data["reason"],
            version=form.cleaned_data["version"],
        ),
    )


@login_required
@require_POST
def data_add(request: HttpRequest, pk: int, record_pk: int) -> HttpResponse:
    user, record = _record_change(request, pk, record_pk)
    form = DataForm(request.POST, record=record)
    return _apply(
        request,
        record,
        form,
        lambda: services.data_point_add(
            actor=user,
            record=record,
            goal=form.cleaned_data["goal"],
            correct=form.cleaned_data["correct"],
            prompt=form.cleaned_data["prompt"],
            value=form.cleaned_data["value"],
            text=form.cleaned_data["text"],
            reason=form.cleaned_data["reason"],
            version=form.cleaned_data["version"],
        ),
    )


@login_required
@require_POST
def data_undo(request: HttpRequest, pk: int, record_pk: int) -> HttpResponse:
    user, record = _record_change(request, pk, record_pk)
    form = UndoForm(request.POST)
    return _apply(
        request,
        record,
        form,
        lambda: services.data_point_undo(
            actor=user,
            record=record,
            reason=form.cleaned_data["reason"],
            version=form.cleaned_data["version"],
            points_seen=form.cleaned_data["points"],
        ),
    )


@login_required
@require_POST
def record_note(request: HttpRequest, pk: int, record_pk: int) -> HttpResponse:
    user, record = _record_change(request, pk, record_pk)
    form = NoteForm(request.POST)
    return _apply(
        request,
        record,
        form,
        lambda: services.session_note_set(
            actor=user,
            record=record,
            note=form.cleaned_data["note"],
            reason=form.cleaned_data["reason"],
            version=form.cleaned_data["version"],
        ),
    )
