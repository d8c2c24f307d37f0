"""The workload report (page and PDF), the district's totals, and indirect time.

Each view: parse, one access helper (`workload_provider_for_user`, `own_indirect_time`,
`own_provider`, `workload_district_for_user`), one selector or service, render. The
quick-add on Today answers htmx with its card (200 with the error shown when refused) and
plain posts with a redirect back.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pushin.accounts.audit import audit_record
from pushin.accounts.forms import add_service_errors
from pushin.accounts.http import is_htmx, signed_in_user
from pushin.accounts.models import AuditAction, Role
from pushin.concurrency import EditConflict
from pushin.district.models import District
from pushin.planning.access import can_plan_for
from pushin.query import check_date_params
from pushin.sessions.access import own_provider
from pushin.workload import charts, selectors, services
from pushin.workload.access import (
    own_indirect_time,
    workload_district_for_user,
    workload_provider_for_user,
)
from pushin.workload.forms import IndirectTimeForm, PeriodForm
from pushin.workload.models import IndirectTime
from pushin.workload.pdf import report_pdf
from pushin.workload.quick_add import quick_add_context
from pushin.workload.templatetags.workload_tags import hours

ENTRIES_PER_PAGE = 25


@login_required
@require_GET
def workload_home(request: HttpRequest) -> HttpResponse:
    """A provider goes to their own report; an administrator to the district's totals."""
    user = signed_in_user(request)
    if user.role == Role.PROVIDER and hasattr(user, "provider"):
        return redirect("workload:report", pk=user.provider.pk)
    if user.role == Role.ADMIN or user.is_superuser:
        return redirect("workload:district")
    raise Http404("No such page")


def _period(request: HttpRequest, district: District) -> tuple[PeriodForm, selectors.Period | None]:
    today = timezone.localdate()
    form = PeriodForm(request.GET or None, today=today)
    check_date_params(form)  # a crafted date is a 400 naming the parameter
    if form.is_bound and not form.is_valid():
        return form, None
    data = form.cleaned_data if form.is_bound else {}
    period = selectors.period_of(
        district,
        key=data.get("period") or selectors.PeriodKey.WEEK,
        today=today,
        start=data.get("start"),
        end=data.get("end"),
    )
    return form, period


@login_required
@require_GET
def report(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    provider = workload_provider_for_user(user, pk)
    form, period = _period(request, provider.district)
    context = {
        "provider": provider,
        "form": form,
        "own": provider.user_id == user.pk,
        "can_whatif": can_plan_for(user, provider),
    }
    if period is None:
        return render(request, "workload/report.html", context, status=400)
    data = selectors.workload_report(provider, period=period)
    context |= {
        "report": data,
        "figures": data.figures,
        "chart": charts.weeks_svg(data.figures.weeks) if data.figures.weeks else "",
        "query": request.GET.urlencode(),
    }
    return render(request, "workload/report.html", context)


@login_required
@require_GET
def report_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    provider = workload_provider_for_user(user, pk)
    form, period = _period(request, provider.district)
    if period is None:
        return render(
            request,
            "workload/report.html",
            {"provider": provider, "form": form, "own": provider.user_id == user.pk},
            status=400,
        )
    data = selectors.workload_report(provider, period=period)
    body = report_pdf(data)
    # Not a student record, but who took a provider's figures away is worth knowing.
    audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        obj=provider,
        detail={
            "page": "workload_pdf",
            "start": period.start.isoformat(),
            "end": period.through.isoformat(),
        },
    )
    response = HttpResponse(body, content_type="application/pdf")
    name = f"workload-{period.start:%Y%m%d}-{period.through:%Y%m%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def district_workload(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    district = workload_district_for_user(user)
    form, period = _period(request, district)
    context = {"district": district, "form": form}
    if period is None:
        return render(request, "workload/district.html", context, status=400)
    rows = selectors.district_figures(district, period=period)
    context |= {
        "period": period,
        "rows": rows,
        "over": [r for r in rows if r.over_contract],
        "chart": charts.district_svg(rows) if rows else "",
    }
    return render(request, "workload/district.html", context)


# --- Indirect time --------------------------------------------------------------------------


def _indirect_page(
    request: HttpRequest, form: IndirectTimeForm | None = None, status: int = 200
) -> HttpResponse:
    user = signed_in_user(request)
    provider = own_provider(user)
    today = timezone.localdate()
    entries = IndirectTime.objects.filter(provider=provider).order_by("-date", "-pk")
    page = Paginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "provider": provider,
        "page": page,
        "form": form or IndirectTimeForm(today=today, initial={"date": today}),
    }
    return render(request, "workload/indirect.html", context, status=status)


@login_required
@require_GET
def indirect_list(request: HttpRequest) -> HttpResponse:
    return _indirect_page(request)


def _done_words(entry: IndirectTime) -> str:
    return (
        f"Logged {hours(entry.minutes)} of {entry.get_kind_display().lower()} on "
        f"{entry.date:%a %b} {entry.date.day}."
    )


def _quick_card(request: HttpRequest, day: dt.date, **extra: object) -> HttpResponse:
    provider = own_provider(signed_in_user(request))
    context = quick_add_context(provider, day=day, today=timezone.localdate(), **extra)  # type: ignore[arg-type]
    return render(request, "workload/_quick_add.html", context)


def _back_to_today(day: dt.date) -> HttpResponse:
    return redirect(f"{reverse('sessions:today')}?date={day:%Y-%m-%d}")


@login_required
@require_POST
def indirect_add(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    provider = own_provider(user)
    today = timezone.localdate()
    form = IndirectTimeForm(request.POST, today=today)
    from_today = request.POST.get("back") == "today"
    entry = None
    if form.is_valid():
        try:
            entry = services.indirect_time_add(
                actor=user,
                provider=provider,
                date=form.cleaned_data["date"],
                kind=form.cleaned_data["kind"],
                minutes=form.cleaned_data["minutes"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
    day = form.cleaned_data.get("date") or today
    if from_today:
        if is_htmx(request):
            if entry is None:
                return _quick_card(request, min(day, today), form=form)
            return _quick_card(request, entry.date, done=_done_words(entry))
        if entry is None:
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, str(message))
            return _back_to_today(min(day, today))
        messages.success(request, _done_words(entry))
        return _back_to_today(entry.date)
    if entry is None:
        return _indirect_page(request, form=form, status=400)
    messages.success(request, _done_words(entry))
    return redirect("workload:indirect")


@login_required
@require_http_methods(["GET", "POST"])
def indirect_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    entry = own_indirect_time(user, pk)
    today = timezone.localdate()
    if request.method != "POST":
        form = IndirectTimeForm(
            today=today,
            initial={
                "kind": entry.kind,
                "minutes": entry.minutes,
                "date": entry.date,
                "note": entry.note,
                "version": entry.version,
            },
        )
        return render(request, "workload/indirect_edit.html", {"entry": entry, "form": form})
    form = IndirectTimeForm(request.POST, today=today)
    status = 400
    if form.is_valid():
        try:
            services.indirect_time_update(
                actor=user,
                entry=entry,
                date=form.cleaned_data["date"],
                kind=form.cleaned_data["kind"],
                minutes=form.cleaned_data["minutes"],
                note=form.cleaned_data["note"],
                version=form.cleaned_data["version"],
            )
        except EditConflict as conflict:
            # What was entered stays in the form, now drawn against the entry as it is:
            # saving again replaces theirs knowingly.
            entry.refresh_from_db()
            data = request.POST.copy()
            data["version"] = str(entry.version)
            form = IndirectTimeForm(data, today=today)
            form.is_valid()
            form.add_error(None, conflict.shown_message)
            status = 409
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Indirect time changed.")
            return redirect("workload:indirect")
    return render(
        request,
        "workload/indirect_edit.html",
        {"entry": entry, "form": form, "conflict": status == 409},
        status=status,
    )


@login_required
@require_POST
def indirect_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    entry = own_indirect_time(user, pk)
    day = entry.date
    version = request.POST.get("version")
    try:
        services.indirect_time_delete(
            actor=user, entry=entry, version=int(version) if version and version.isdigit() else None
        )
    except EditConflict as conflict:
        if is_htmx(request) and request.POST.get("back") == "today":
            return _quick_card(request, day, done=conflict.message)
        messages.error(request, conflict.message)
        return redirect("workload:indirect")
    words = f"Deleted {hours(entry.minutes)} of {entry.get_kind_display().lower()}."
    if request.POST.get("back") == "today":
        if is_htmx(request):
            return _quick_card(request, day, done=words)
        messages.success(request, words)
        return _back_to_today(day)
    messages.success(request, words)
    return redirect("workload:indirect")
