"""The watch list's pages: parse, one access helper, one service or selector, render.

An entry a user may not see is a 404; something they see but may not change (a teacher
carrying an entry over, someone renewing another's entry) answers 403. Names never go in
URLs (opaque ids), flash messages or logs.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pushin.accounts.audit import audit_reads, audit_record
from pushin.accounts.forms import add_service_errors
from pushin.accounts.http import signed_in_user
from pushin.accounts.models import AuditAction, Role, User
from pushin.ids import encode_id
from pushin.watchlist import selectors, services
from pushin.watchlist.access import (
    _get_watch_entry_for_user,
    can_carry_over,
    can_renew,
    can_use_watch_list,
    carried_student_for_user,
    carry_over_students,
    watch_counts_district_for,
    watch_entries_visible_to,
    watch_rooms_for,
)
from pushin.watchlist.forms import CarryOverForm, EntryForm, ObservationForm, PolicyForm
from pushin.watchlist.models import WatchEntry
from pushin.watchlist.pdf import summary_pdf


def _list_user(request: HttpRequest) -> User:
    user = signed_in_user(request)
    if not can_use_watch_list(user):
        raise Http404("No watch list")
    return user


@login_required
@require_GET
def watch_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if user.role == Role.ADMIN and not user.is_superuser:
        return redirect("watchlist:counts")
    user = _list_user(request)
    entries = selectors.entry_list(watch_entries_visible_to(user))
    services.watch_entries_read_audit(actor=user, entries=entries, page="watch_list")
    threshold = services.summary_thresholds({e.district_id for e in entries})
    return render(
        request,
        "watchlist/list.html",
        {
            "entries": entries,
            "ready": {e.pk for e in entries if e.n_observations >= threshold[e.district_id]},  # type: ignore[attr-defined]
            "can_add": watch_rooms_for(user).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def watch_entry_create(request: HttpRequest) -> HttpResponse:
    user = _list_user(request)
    rooms = watch_rooms_for(user)
    form = EntryForm(request.POST or None, rooms=rooms)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.watch_entry_create(actor=user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Added to the watch list.")
            return redirect("watchlist:entry", pk=entry.pk)
    return render(request, "watchlist/entry_form.html", {"form": form, "has_rooms": rooms.exists()})


def _entry_page(
    request: HttpRequest,
    entry: WatchEntry,
    *,
    observation_form: ObservationForm | None = None,
    carry_form: CarryOverForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = signed_in_user(request)
    services.watch_entries_read_audit(actor=user, entries=[entry], page="watch_entry")
    students = carry_over_students(user, entry)
    # The carry-over form names the provider's caseload students at the school: a read.
    listed = list(students.values_list("pk", flat=True)) if can_carry_over(user) else []
    if listed:
        audit_reads(actor=user, student_ids=listed, page="watch_entry_carry_over")
    observations = list(entry.observations.select_related("author"))
    threshold = services.summary_threshold(entry.district)
    return render(
        request,
        "watchlist/entry.html",
        {
            "entry": entry,
            "observations": observations,
            "threshold": threshold,
            "ready": len(observations) >= threshold,
            "observation_form": observation_form or ObservationForm(),
            "can_renew": can_renew(user, entry),
            "renew_to": services.renewed_expiry(entry=entry, today=timezone.localdate()),
            "can_carry": can_carry_over(user),
            "carry_form": carry_form or CarryOverForm(students=students),
            "has_students": bool(listed),
        },
        status=status,
    )


@login_required
@require_GET
def watch_entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _get_watch_entry_for_user(signed_in_user(request), pk)
    return _entry_page(request, entry)


@login_required
@require_POST
def watch_observation_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    entry = _get_watch_entry_for_user(user, pk)
    form = ObservationForm(request.POST)
    if form.is_valid():
        try:
            services.watch_observation_add(actor=user, entry=entry, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Observation added.")
            return redirect("watchlist:entry", pk=entry.pk)
    return _entry_page(request, entry, observation_form=form, status=400)


@login_required
@require_POST
def watch_entry_renew(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    entry = _get_watch_entry_for_user(user, pk)
    if not can_renew(user, entry):
        raise PermissionDenied("Only the person who noted it renews an entry.")
    entry = services.watch_entry_renew(actor=user, entry=entry)
    messages.success(request, f"Renewed: kept through {entry.expires_on:%b %d, %Y}.")
    return redirect("watchlist:entry", pk=entry.pk)


@login_required
@require_POST
def watch_entry_carry_over(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    entry = _get_watch_entry_for_user(user, pk)
    if not can_carry_over(user):
        raise PermissionDenied("A provider carries the notes over to their caseload student.")
    form = CarryOverForm(request.POST, students=carry_over_students(user, entry))
    if form.is_valid():
        student = form.cleaned_data["student"]
        try:
            n = services.watch_entry_carry_over(actor=user, entry=entry, student=student)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Carried {n} observations over; the watch entry is removed.")
            return redirect("watchlist:carried", pk=student.pk)
    return _entry_page(request, entry, carry_form=form, status=400)


@login_required
@require_GET
def watch_summary(request: HttpRequest, pk: int) -> HttpResponse:
    """One printable page for the school's intervention team (MTSS / RTI)."""
    user = signed_in_user(request)
    entry = _get_watch_entry_for_user(user, pk)
    services.watch_entries_read_audit(actor=user, entries=[entry], page="watch_summary")
    observations = list(entry.observations.all())
    threshold = services.summary_threshold(entry.district)
    context: dict[str, Any] = {
        "entry": entry,
        "observations": observations,
        "threshold": threshold,
        "ready": len(observations) >= threshold,
        "activities": selectors.activity_counts(observations),
        "strategies": selectors.strategies_tried(observations),
        "printed_on": timezone.localdate(),
    }
    return render(request, "watchlist/summary.html", context)


@login_required
@require_GET
def watch_summary_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The summary as a one-page PDF (once there are enough observations; else a 404)."""
    user = signed_in_user(request)
    entry = _get_watch_entry_for_user(user, pk)
    observations = list(entry.observations.all())
    if len(observations) < services.summary_threshold(entry.district):
        raise Http404("No summary yet")
    body = summary_pdf(
        entry,
        observations,
        activities=selectors.activity_counts(observations),
        strategies=selectors.strategies_tried(observations),
        printed_on=timezone.localdate(),
    )
    audit_record(
        actor=user, action=AuditAction.EXPORT, obj=entry, detail={"page": "watch_summary_pdf"}
    )
    response = HttpResponse(body, content_type="application/pdf")
    # The opaque id, never the name, in the file name.
    response["Content-Disposition"] = f'attachment; filename="watch-summary-{encode_id(pk)}.pdf"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def watch_counts(request: HttpRequest) -> HttpResponse:
    """The administrator's numbers per school (never a name) and the district's settings."""
    user = signed_in_user(request)
    district = watch_counts_district_for(user)
    policy = services.watch_policy_for(district)
    form = PolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        try:
            services.watch_policy_update(actor=user, district=district, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved the watch-list settings.")
            return redirect("watchlist:counts")
    threshold = services.summary_threshold(district)
    return render(
        request,
        "watchlist/counts.html",
        {
            "form": form,
            "counts": selectors.counts_per_school(district, threshold=threshold),
            "threshold": threshold,
            "year_end": district.school_year_end,
        },
    )


@login_required
@require_GET
def carried_observations(request: HttpRequest, pk: int) -> HttpResponse:
    """A caseload student's observations from before the referral (carried over)."""
    user = signed_in_user(request)
    student = carried_student_for_user(user, pk)
    audit_reads(actor=user, student_ids=[student.pk], page="carried_observations")
    observations = list(student.carried_observations.select_related("author"))
    return render(
        request,
        "watchlist/carried.html",
        {"student": student, "observations": observations},
    )
