"""Whole-class lessons: the provider's page (requests and lessons), placing a lesson,
declining a request; the teacher's request; whether lessons count toward a mandate; float
support on a session (docs/lessons.md).

Each view: parse, one access helper, one service or selector, render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pushin.accounts.forms import add_service_errors
from pushin.accounts.http import signed_in_user
from pushin.collaboration.access import portal_classroom_for_user
from pushin.district.models import Provider
from pushin.ids import decode_id, encode_id
from pushin.lessons import selectors, services, weekly
from pushin.lessons.access import (
    lesson_request_for_provider,
    service_for_credit,
    weekly_lesson_for_provider,
)
from pushin.lessons.forms import (
    CreditForm,
    DeclineForm,
    LessonForm,
    PlaceForm,
    RequestForm,
    SupportForm,
)
from pushin.lessons.models import LessonRequest
from pushin.query import check_date_params
from pushin.sessions.access import dated_session_for_user, own_provider


def _errors_text(form: Any) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def _render_home(
    request: HttpRequest,
    provider: Provider,
    *,
    decline: DeclineForm | None = None,
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "lessons/home.html",
        {
            "requests": selectors.provider_requests(provider),
            "lessons": selectors.provider_lessons(provider, today),
            "weekly_lessons": selectors.provider_weekly_lessons(provider, today),
            "decline_form": decline or DeclineForm(),
        },
        status=status,
    )


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    provider = own_provider(signed_in_user(request))
    return _render_home(request, provider)


def _asked(provider: Provider, value: str | None) -> LessonRequest | None:
    """The open request a lesson answers (`?request=<public id>`), if any."""
    if not value:
        return None
    try:
        pk = decode_id(value)
    except ValueError:
        raise Http404("No such request") from None
    return lesson_request_for_provider(provider, pk)


@login_required
@require_http_methods(["GET", "POST"])
def lesson_new(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    provider = own_provider(user)
    asked = _asked(provider, request.GET.get("request"))
    rooms = services.provider_rooms(provider)
    query = request.GET.copy()
    if asked is not None and not query.get("classroom"):
        query["classroom"] = encode_id(asked.classroom_id)
    place = PlaceForm(query or None, rooms=rooms)
    check_date_params(place)
    today = timezone.localdate()
    classroom = place.cleaned_data.get("classroom") if place.is_valid() else None
    monday = place.monday(asked.by_when if asked is not None and asked.by_when >= today else today)
    if asked is not None and classroom is not None and classroom.pk != asked.classroom_id:
        raise Http404("No such request")
    form = LessonForm(
        request.POST if request.method == "POST" else None,
        initial={"topic": asked.topic if asked is not None else ""},
    )
    status = 200
    if request.method == "POST":
        if classroom is None:
            form.add_error(None, "Choose a classroom first.")
        elif form.is_valid() and form.cleaned_data["weekly"] and asked is not None:
            form.add_error(None, "A request is answered by one lesson, not a weekly one.")
        elif form.is_valid() and form.cleaned_data["weekly"]:
            try:
                date, start, end = services.parse_slot(form.cleaned_data["slot"])
                standing = weekly.weekly_lesson_create(
                    actor=user,
                    provider=provider,
                    classroom=classroom,
                    date=date,
                    start=start,
                    end=end,
                    topic=form.cleaned_data["topic"],
                    plan=form.cleaned_data["plan"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    f"Weekly {standing.get_topic_display().lower()} lesson placed in "
                    f"{classroom.name}: every {standing.get_day_display()} "
                    f"{start:%H:%M}-{end:%H:%M} from {date:%b} {date.day}. It is on your weeks "
                    "and the teacher sees it.",
                )
                return redirect("lessons:home")
        elif form.is_valid():
            try:
                date, start, end = services.parse_slot(form.cleaned_data["slot"])
                lesson = services.lesson_schedule(
                    actor=user,
                    provider=provider,
                    classroom=classroom,
                    date=date,
                    start=start,
                    end=end,
                    topic=form.cleaned_data["topic"],
                    plan=form.cleaned_data["plan"],
                    request=asked,  # an answered request is refused
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    f"{lesson.get_topic_display()} lesson placed in {classroom.name} on "
                    f"{date:%a %b} {date.day} {start:%H:%M}-{end:%H:%M}. It is on your week and "
                    "the teacher sees it.",
                )
                return redirect("lessons:home")
        status = 400
    slots = (
        services.lesson_slots(provider=provider, classroom=classroom, monday=monday)
        if classroom is not None
        else []
    )
    return render(
        request,
        "lessons/new.html",
        {
            "place": place,
            "form": form,
            "classroom": classroom,
            "asked": asked,
            "monday": monday,
            "slots": slots,
            "students": services.lesson_students(provider, classroom) if classroom else [],
        },
        status=status,
    )


@login_required
@require_POST
def request_decline(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    provider = own_provider(user)
    asked = lesson_request_for_provider(provider, pk)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.lesson_request_decline(
                actor=user, request=asked, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Request declined; the teacher sees your note.")
            return redirect("lessons:home")
    messages.error(request, _errors_text(form) or "The request was not declined.")
    return _render_home(request, provider, decline=form, status=400)


@login_required
@require_POST
def request_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    classroom = portal_classroom_for_user(user, pk)
    form = RequestForm(request.POST)
    if form.is_valid():
        try:
            services.lesson_request_create(actor=user, classroom=classroom, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Request sent to the therapists who work in your room.")
            return redirect(reverse("collaboration:portal", args=[classroom.pk]) + "#lessons")
    messages.error(request, f"The request was not sent: {_errors_text(form)}")
    return redirect(reverse("collaboration:portal", args=[classroom.pk]) + "#lessons")


@login_required
@require_POST
def credit_set(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    service = service_for_credit(user, pk)
    form = CreditForm(request.POST)
    back = reverse("caseload:mandate_amend", args=[service.iep.student_id, service.pk])
    if not form.is_valid():
        messages.error(request, "Choose yes or no.")
        return redirect(back)
    services.lesson_credit_set(actor=user, service=service, counts=form.cleaned_data["counts"])
    words = "count" if form.cleaned_data["counts"] else "do not count"
    messages.success(request, f"Whole-class lessons now {words} toward this mandate.")
    return redirect(back)


@login_required
@require_POST
def support_set(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    session = dated_session_for_user(user, pk)
    form = SupportForm(request.POST)
    back = reverse("sessions:detail", args=[session.pk])
    if not form.is_valid():
        messages.error(request, _errors_text(form))
        return redirect(back)
    focus = form.cleaned_data["focus"]
    try:
        focus_id = decode_id(focus) if focus else None
        services.session_support_set(
            actor=user, session=session, style=form.cleaned_data["style"], focus_student_id=focus_id
        )
    except ValueError:
        messages.error(request, "Choose one of the session's students.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Support style saved.")
    return redirect(back)


@login_required
@require_POST
def weekly_end(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    provider = own_provider(user)
    standing = weekly_lesson_for_provider(provider, pk)
    try:
        weekly.weekly_lesson_end(actor=user, lesson=standing)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            "Weekly lesson ended: its lessons from now on are off your weeks; the past ones "
            "stay on the record.",
        )
    return redirect(reverse("lessons:home") + "#weekly")
