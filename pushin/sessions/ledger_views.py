"""Minutes pages: compliance (district, provider, school), a student's ledger, the lapse
notice, makeup proposals and the service-log export.

Who sees what:
- a provider: their own compliance page (a supervising therapist their assistants' too,
  through `provider_for_user`), their caseload's ledgers and notices, makeups for their
  own sessions, an export of their own sessions with notes;
- the district administrator: the district page, every provider's and school's page,
  ledgers and notices of the district's students (names only where action is needed:
  students behind and lapses), makeups for any provider, the district's export without
  notes, and the billing-unit rule;
- teachers, paras and anyone else: 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from pushin.accounts.audit import audit_reads, audit_record
from pushin.accounts.http import signed_in_user
from pushin.accounts.models import AuditAction, Role, User
from pushin.caseload.access import minutes_student_for_user
from pushin.caseload.models import Student
from pushin.district.access import (
    can_edit_district,
    compliance_district_for_user,
    compliance_school_for_user,
    district_for_user,
    provider_for_user,
)
from pushin.district.models import Provider
from pushin.ids import encode_id
from pushin.planning.access import can_plan_for
from pushin.planning.models import RunStatus
from pushin.sessions import compliance, export, makeups
from pushin.sessions.ledger import (
    AGE_BUCKETS,
    ServiceLedger,
    family,
    load_ledgers,
)
from pushin.sessions.models import MakeupRun


def _today() -> dt.date:
    return timezone.localdate()


BUCKETS = [label for label, _, _ in AGE_BUCKETS]


@login_required
def minutes_home(request: HttpRequest) -> HttpResponse:
    """A provider lands on their own compliance page, an administrator on the district's."""
    user = signed_in_user(request)
    if user.role == Role.PROVIDER and hasattr(user, "provider"):
        return redirect("minutes:provider", pk=user.provider.pk)
    compliance_district_for_user(user)
    return redirect("minutes:district")


@login_required
def district_compliance(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    district = compliance_district_for_user(user)
    data = compliance.district_compliance(district=district, today=_today())
    # Totals per provider and school, no student named: one entry for the district's
    # figures, not one per student counted (the provider and school pages name students).
    audit_reads(
        actor=user,
        student_ids=(),
        page="compliance_district",
        obj=district,
        detail={"students": data.district.students},
    )
    return render(
        request,
        "sessions/compliance_district.html",
        {"district": district, "data": data, "buckets": BUCKETS, "today": _today()},
    )


@login_required
def provider_compliance(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    provider = provider_for_user(user, pk)
    summary = compliance.provider_compliance(provider=provider, today=_today())
    _audit_summary(user, summary, page="compliance_provider")
    return render(
        request,
        "sessions/compliance_provider.html",
        {
            "provider": provider,
            "summary": summary,
            "buckets": BUCKETS,
            "can_plan": can_plan_for(user, provider),
            "today": _today(),
        },
    )


@login_required
def school_compliance(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    school = compliance_school_for_user(user, pk)
    summary = compliance.school_compliance(school=school, today=_today())
    _audit_summary(user, summary, page="compliance_school")
    return render(
        request,
        "sessions/compliance_school.html",
        {"school": school, "summary": summary, "buckets": BUCKETS, "today": _today()},
    )


def _audit_summary(user: User, summary: compliance.Summary, *, page: str) -> None:
    """Compliance is computed from the ledgers of every student it counts (and names the
    students behind or lapsed): one READ entry per student counted."""
    audit_reads(
        actor=user,
        student_ids=(standing.student.pk for standing in summary.standings),
        page=page,
    )


# --- A student's ledger and the lapse notice -----------------------------------------------


def _shown_periods(ledger: ServiceLedger, today: dt.date) -> tuple[list[object], int, int]:
    """Periods up to the current one (newest first), and how many later ones (and their
    minutes) are folded away."""
    shown = [p for p in ledger.periods if p.start <= today]
    later = [p for p in ledger.periods if p.start > today]
    return list(reversed(shown)), len(later), sum(p.mandated for p in later)


@login_required
def student_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    student = minutes_student_for_user(user, pk)
    today = _today()
    book = load_ledgers(district=student.district, students=[student.pk], today=today)
    ledger = book.ledgers[student.pk]
    audit_record(
        actor=user,
        action=AuditAction.READ,
        obj=student,
        student_id=student.pk,
        detail={"page": "minutes"},
    )
    services = []
    for service in ledger.services:
        shown, later, later_minutes = _shown_periods(service, today)
        services.append(
            {
                "ledger": service,
                "version": service.service.version_on(today),
                "current": service.service.iep_start <= today <= service.service.iep_end,
                "periods": shown,
                "later": later,
                "later_minutes": later_minutes,
                "owed_by_age": service.owed_by_age(),
            }
        )
    return render(
        request,
        "sessions/ledger_student.html",
        {
            "student": student,
            "services": services,
            "unassigned": ledger.unassigned,
            "buckets": BUCKETS,
            "today": today,
            "is_provider": user.role == Role.PROVIDER,
        },
    )


def _signer(user: User, student: Student, discipline: str) -> str:
    """The provider who signs the notice: the reader if they serve the student, else the
    student's provider of that discipline."""
    providers = list(student.providers.select_related("user"))
    for provider in providers:
        if provider.user_id == user.pk:
            return f"{user.display_name}, {provider.get_discipline_display()}"
    for provider in providers:
        if family(provider.discipline) == discipline:
            return f"{provider.user.display_name}, {provider.get_discipline_display()}"
    return user.display_name


@login_required
def lapse_notice(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    student = minutes_student_for_user(user, pk)
    today = _today()
    book = load_ledgers(district=student.district, students=[student.pk], today=today)
    current = [
        s
        for s in book.ledgers[student.pk].services
        if s.service.iep_start <= today <= s.service.iep_end
    ]
    wanted = request.GET.get("service", "")
    chosen = next((s for s in current if encode_id(s.service.pk) == wanted), None)
    if chosen is None:
        chosen = next((s for s in current if s.lapsed), current[0] if current else None)
    if chosen is None:
        raise Http404("No service in force")
    audit_record(
        actor=user,
        action=AuditAction.READ,
        obj=student,
        student_id=student.pk,
        detail={"page": "lapse_notice", "service": chosen.service.pk},
    )
    notice = compliance.lapse_notice(
        student=student,
        ledger=chosen,
        signer=_signer(user, student, chosen.service.family),
        today=today,
    )
    return render(
        request,
        "sessions/lapse_notice.html",
        {"student": student, "ledger": chosen, "notice": notice, "services": current},
    )


# --- Makeups -------------------------------------------------------------------------------


def _plannable(user: User, pk: int) -> Provider:
    provider = provider_for_user(user, pk)
    if not can_plan_for(user, provider):
        raise Http404("No such provider")
    return provider


@login_required
@require_http_methods(["GET", "POST"])
def makeup_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what is owed; POST: ask the scheduler (on the task queue) for proposals for the
    next N school days, then watch the run's page."""
    user = signed_in_user(request)
    provider = _plannable(user, pk)
    today = _today()
    form = makeups.MakeupDaysForm(request.POST or None, initial={"days": makeups.DEFAULT_DAYS})
    if request.method == "POST" and form.is_valid():
        run = makeups.makeup_run_create(
            actor=user, provider=provider, days=form.cleaned_data["days"], today=today
        )
        return redirect("minutes:makeup_run", pk=provider.pk, run_pk=run.pk)
    owed, _ = makeups.makeup_owed(provider=provider, today=today)
    rows = makeups.page_rows(owed, None)
    _audit_makeup_rows(user, rows, page="makeups")
    return render(
        request,
        "sessions/makeup_schedule.html",
        {
            "provider": provider,
            "form": form,
            "plan": None,
            "last_run": MakeupRun.objects.filter(provider=provider).first(),
            **rows,
        },
    )


def _audit_makeup_rows(
    user: User, rows: dict[str, Any], *, page: str, run: MakeupRun | None = None
) -> None:
    """One READ entry per student the makeup page names (owed, proposed, not placed),
    naming the run when the page shows one."""
    named = [
        row["student"]
        for key in ("owed_rows", "unplaced_rows", "not_plannable_rows")
        for row in rows[key]
    ]
    named += [student for row in rows["proposal_rows"] for student, _ in row["members"]]
    audit_reads(
        actor=user,
        student_ids=(student.pk for student in named if student is not None),
        page=page,
        obj=run,
    )


@login_required
@require_GET
def makeup_run(request: HttpRequest, pk: int, run_pk: int) -> HttpResponse:
    """While the scheduler works: "Finding times…", polled by htmx. When done: the
    proposals to accept, against what is owed now."""
    user = signed_in_user(request)
    provider = _plannable(user, pk)
    run = get_object_or_404(MakeupRun, pk=run_pk, provider=provider)
    polled = request.headers.get("HX-Request") == "true"
    if polled and run.is_finished:
        return HttpResponseClientRefresh()
    if polled:
        return render(request, "sessions/makeup_run_progress.html", {"run": run})
    context: dict[str, object] = {"provider": provider, "run": run, "plan": None}
    if run.is_finished:
        owed, _ = makeups.makeup_owed(provider=provider, today=_today())
        plan = None
        if run.status == RunStatus.DONE and isinstance(run.result, dict):
            plan = makeups.makeup_plan_from_result(run.result, owed=owed)
        rows = makeups.page_rows(owed, plan)
        _audit_makeup_rows(user, rows, page="makeup_run", run=run)
        context |= {
            "plan": plan,
            "form": makeups.MakeupDaysForm(initial={"days": run.days}),
            **rows,
        }
    return render(request, "sessions/makeup_run.html", context)


@login_required
@require_POST
def makeup_accept(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    provider = _plannable(user, pk)
    try:
        proposals = [makeups.Proposal.from_token(t) for t in request.POST.getlist("proposal")]
        created = makeups.makeup_accept(
            actor=user, provider=provider, proposals=proposals, today=_today()
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("minutes:makeups", pk=provider.pk)
    messages.success(
        request,
        f"{len(created)} makeup session{'s' if len(created) != 1 else ''} added to the calendar.",
    )
    return redirect("minutes:provider", pk=provider.pk)


# --- The service-log export ----------------------------------------------------------------


def _exporter(user: User) -> None:
    if not export.can_export(user):
        raise Http404("No such page")


@login_required
@require_http_methods(["GET", "POST"])
def service_log_export(request: HttpRequest) -> HttpResponseBase:
    """GET: the form; POST: the CSV, streamed, after one EXPORT audit entry per student."""
    user = signed_in_user(request)
    _exporter(user)
    district = district_for_user(user)
    rule = export.BillingRule.of(district)
    today = _today()
    form = export.ExportForm(
        request.POST or None, initial={"start": district.school_year_start, "end": today}
    )
    if request.method == "POST" and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        unsigned = form.cleaned_data["include_unsigned"]
        records = export.service_log_records(
            user=user, district=district, start=start, end=end, include_unsigned=unsigned
        )
        export.export_audit(
            actor=user, records=records, start=start, end=end, include_unsigned=unsigned
        )
        response = StreamingHttpResponse(
            export.service_log_lines(records, rule=rule, notes=export.includes_notes(user)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="service-log-{start:%Y%m%d}-{end:%Y%m%d}.csv"'
        )
        return response
    billing = None
    if can_edit_district(user):
        billing = export.BillingRuleForm(
            initial={
                "min_minutes": rule.min_minutes,
                "first_max": rule.first_max,
                "step": rule.step,
            }
        )
    return render(
        request,
        "sessions/export.html",
        {
            "form": form,
            "rule": rule,
            "billing_form": billing,
            "notes": export.includes_notes(user),
            "columns": [(name, export.COLUMN_NOTES[name]) for name in export.COLUMNS],
        },
    )


@login_required
@require_POST
def billing_rule_edit(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    district = compliance_district_for_user(user)
    form = export.BillingRuleForm(request.POST)
    if form.is_valid():
        try:
            export.billing_rule_set(actor=user, district=district, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, "Billing-unit rule saved.")
    else:
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, f"Billing-unit rule not saved: {text}")
    return redirect("minutes:export")
