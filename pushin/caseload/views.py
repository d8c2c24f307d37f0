"""The caseload list, the student page and its edits, and the district's fit table."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from pushin.accounts.audit import audit_reads, audit_record
from pushin.accounts.forms import add_service_errors
from pushin.accounts.http import is_htmx, signed_in_user
from pushin.accounts.models import AuditAction
from pushin.caseload import selectors, services
from pushin.caseload.access import (
    StudentAccess,
    fit_table_district_for,
    goal_for_user,
    student_for_user,
)
from pushin.caseload.forms import (
    CaseloadFilterForm,
    ComfortForm,
    FitCellForm,
    GoalFitForm,
    MandateAmendForm,
)
from pushin.caseload.models import Service, Student
from pushin.concurrency import EditConflict
from pushin.progress.reports.alerts import caseload_alert_sources
from pushin.progress.selectors import student_history
from pushin.sessions.services import session_read_audit
from pushin.vocabulary import Activity, Domain


@login_required
def caseload_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = CaseloadFilterForm(user, request.GET or None)
    caseload = selectors.caseload_for(
        user,
        today=timezone.localdate(),
        alert_sources=caseload_alert_sources(user),
        page=request.GET.get("page"),
        **form.filters(),
    )
    # The students this page names (its rows and the alerts), not every one filtered.
    audit_reads(actor=user, student_ids=sorted(caseload.shown_student_ids), page="caseload")
    return render(
        request,
        "caseload/list.html",
        {
            "form": form,
            "caseload": caseload,
            "access": StudentAccess.for_user(user),
            "show_provider_filter": user.role != "provider"
            or form.fields["provider"].queryset.count() > 1,  # type: ignore[attr-defined]
        },
    )


@login_required
def student_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    return _student_page(request, student_for_user(user, pk))


def _student_page(
    request: HttpRequest,
    student: Student,
    *,
    comfort_form: ComfortForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = signed_in_user(request)
    access = StudentAccess.for_user(user)
    page = selectors.student_page(student, access, timezone.localdate())
    audit_record(
        actor=user,
        action=AuditAction.READ,
        obj=student,
        student_id=student.pk,
        detail={"page": "student"},
    )
    history = None
    if access.progress:  # the session history: providers and the administrator
        history = student_history(
            student, viewer=user, notes=access.clinical, page=request.GET.get("history")
        )
        session_read_audit(actor=user, records=history.records, page="student history")
    return render(
        request,
        "caseload/student_detail.html",
        {
            "page": page,
            "student": student,
            "access": access,
            "comfort_form": comfort_form or _comfort_form(student),
            "goal_fit_form": GoalFitForm(),
            "history": history,
        },
        status=status,
    )


def _comfort_form(student: Student) -> ComfortForm:
    return ComfortForm(
        initial={
            "comfort": student.comfort,
            "asked_on": student.comfort_asked_on,
            "version": student.version,
        }
    )


@login_required
@require_POST
def student_comfort_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    student = student_for_user(user, pk)
    access = StudentAccess.for_user(user)
    if not access.plan:
        raise PermissionDenied
    form = ComfortForm(request.POST)
    saved = False
    status = 200
    if form.is_valid():
        try:
            services.student_comfort_set(
                actor=user,
                student=student,
                comfort=form.cleaned_data["comfort"],
                asked_on=form.cleaned_data["asked_on"],
                version=form.cleaned_data["version"],
            )
            saved = True
        except ValidationError as error:
            add_service_errors(form, error)
        except EditConflict as conflict:
            # What they chose stays in the form (with its version: reload to see theirs).
            form.add_error(None, str(conflict))
            status = 409
    if status == 409 and not is_htmx(request):
        student.refresh_from_db()
        return _student_page(request, student, comfort_form=form, status=409)
    if not is_htmx(request):
        if saved:
            messages.success(request, "Comfort preference saved.")
        else:
            messages.error(request, "Comfort preference not saved: " + _errors_text(form))
        return redirect("caseload:student", pk=student.pk)
    if saved:
        form = _comfort_form(student)
    student.refresh_from_db()
    return render(
        request,
        "caseload/_comfort.html",
        {"student": student, "access": access, "comfort_form": form, "saved": saved},
        status=status,
    )


def _errors_text(form: ComfortForm | GoalFitForm) -> str:
    return " ".join(str(m) for messages_ in form.errors.values() for m in messages_)


@login_required
@require_http_methods(["GET", "POST"])
def mandate_amend(request: HttpRequest, pk: int, service_pk: int) -> HttpResponse:
    user = signed_in_user(request)
    student = student_for_user(user, pk)
    access = StudentAccess.for_user(user)
    if not access.mandate:
        raise Http404("No such service")
    service = get_object_or_404(
        Service.objects.select_related("iep").prefetch_related("versions"),
        pk=service_pk,
        iep__student=student,
    )
    if not access.edit:
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = MandateAmendForm(request.POST)
        if form.is_valid():
            try:
                version = services.mandate_amend(actor=user, service=service, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            except EditConflict as conflict:
                # The terms they entered stay in the form; the table above it shows the
                # versions as they now are.
                form.add_error(None, str(conflict))
                status = 409
                service = (
                    Service.objects.select_related("iep")
                    .prefetch_related("versions")
                    .get(pk=service.pk)
                )
            else:
                messages.success(
                    request,
                    f"Mandate amended: the new terms take effect on "
                    f"{version.effective_from:%b %d, %Y}. Earlier versions are kept.",
                )
                return redirect("caseload:student", pk=student.pk)
    mandate = selectors.service_mandate(service, timezone.localdate())
    if request.method != "POST":
        form = MandateAmendForm(
            initial={
                **MandateAmendForm.initial_from(mandate.latest, service.iep.end),
                "student_version": student.version,
            }
        )
    audit_record(
        actor=user,
        action=AuditAction.READ,
        obj=service,
        student_id=student.pk,
        detail={"page": "mandate_amend"},
    )
    return render(
        request,
        "caseload/mandate_amend.html",
        {"student": student, "service": service, "mandate": mandate, "form": form},
        status=status,
    )


@login_required
@require_POST
def goal_fit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    goal = goal_for_user(user, pk)
    if not StudentAccess.for_user(user).plan:
        raise PermissionDenied
    form = GoalFitForm(request.POST)
    saved = False
    if form.is_valid():
        try:
            services.goal_fit_set(
                actor=user,
                goal=goal,
                activity=form.cleaned_data["activity"],
                weight=form.cleaned_data["weight"],
            )
            saved = True
        except ValidationError as error:
            add_service_errors(form, error)
    if not is_htmx(request):
        if saved:
            messages.success(request, "Goal fit saved.")
        else:
            messages.error(request, "Goal fit not saved: " + _errors_text(form))
        return redirect("caseload:student", pk=goal.iep.student_id)
    return render(
        request,
        "caseload/_goal_fit.html",
        {
            "gf": selectors.goal_with_fit(goal),
            "goal_fit_form": GoalFitForm() if saved else form,
            "access": StudentAccess.for_user(user),
            "saved": saved,
        },
    )


@login_required
def fit_table(request: HttpRequest) -> HttpResponse:
    district = fit_table_district_for(signed_in_user(request))
    return render(
        request,
        "caseload/fit_table.html",
        {
            "rows": selectors.fit_rows(district),
            "activities": Activity.choices,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def fit_cell_edit(request: HttpRequest, domain: str, activity: str) -> HttpResponse:
    user = signed_in_user(request)
    district = fit_table_district_for(user)
    if domain not in Domain.values or activity not in Activity.values:
        raise Http404("No such cell")
    cell = selectors.fit_cell(district, domain, activity)
    form = FitCellForm(initial={"weight": cell.weight})
    if request.method == "POST":
        form = FitCellForm(request.POST)
        reset = "reset" in request.POST
        if reset or form.is_valid():
            weight = None if reset else form.cleaned_data["weight"]
            services.fit_weight_set(
                actor=user, district=district, domain=domain, activity=activity, weight=weight
            )
            cell = selectors.fit_cell(district, domain, activity)
            if not is_htmx(request):
                messages.success(
                    request,
                    f"{cell.domain_label} in {cell.activity_label}: now {cell.weight:g}.",
                )
                return redirect("caseload:fit_table")
            return render(request, "caseload/_fit_cell.html", {"cell": cell, "saved": True})
    template = "caseload/_fit_cell_form.html" if is_htmx(request) else "caseload/fit_cell.html"
    return render(request, template, {"cell": cell, "form": form})
