"""The progress report pages: a caseload's reports for a period (and its batch PDF), one
report (view, edit a draft's goals, sign, amend, share, PDF), and drafting.

Parse, one access helper (reports/access.py), one service or selector, an audit entry
for every read of a student's report, render. A GET never writes anything but its audit.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from pushin.accounts.audit import audit_record
from pushin.accounts.forms import add_service_errors
from pushin.accounts.http import is_htmx, signed_in_user
from pushin.accounts.models import AuditAction, AuditEntry, User
from pushin.caseload.models import Goal
from pushin.district.models import ProgressPeriod
from pushin.ids import encode_id
from pushin.progress.models import ProgressReport
from pushin.progress.reports import selectors, services
from pushin.progress.reports.access import (
    caseload_for_user,
    caseload_to_change,
    report_for_user,
    report_to_change,
    student_to_report_on,
)
from pushin.progress.reports.codes import code_words
from pushin.progress.reports.document import GoalPart
from pushin.progress.reports.forms import AmendForm, PeriodForm, ReportGoalForm, ShareForm
from pushin.progress.reports.pdf import BatchLine, PdfReport, batch_pdf, report_pdf


def _audit_export(user: User, student_ids: list[int], page: str, obj: object) -> None:
    """One EXPORT entry per student whose report left in a file (ids only)."""
    assert isinstance(obj, ProgressReport | ProgressPeriod)
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor=user,
            action=AuditAction.EXPORT,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            student_id=pk,
            detail={"page": page},
        )
        for pk in sorted(set(student_ids))
    )


def _pdf(body: bytes, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- A caseload's reports ---------------------------------------------------------------


def _period(request: HttpRequest, district_id: int) -> tuple[PeriodForm, ProgressPeriod | None]:
    """The period of `?period=`, else the one in force; None when the choice is refused."""
    form = PeriodForm(request.GET or None, district_id=district_id, required=False)
    if form.is_bound and not form.is_valid():
        return form, None
    chosen = form.cleaned_data.get("period") if form.is_bound else None
    if chosen is None:
        field = form.fields["period"]
        assert hasattr(field, "queryset")
        chosen = selectors.period_in_force(list(field.queryset), timezone.localdate())
        form = PeriodForm(district_id=district_id, required=False, initial={"period": chosen})
    return form, chosen


@login_required
@require_safe
def caseload(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    access = caseload_for_user(user, pk)
    provider = access.provider
    form, period = _period(request, provider.district_id)
    context = {"provider": provider, "form": form, "edit": access.edit, "period": period}
    if form.errors:
        return render(request, "progress/reports/caseload.html", context, status=400)
    if period is not None:
        page = selectors.caseload_reports(provider, period)
        AuditEntry.objects.bulk_create(
            AuditEntry(
                actor=user,
                action=AuditAction.READ,
                object_type=row.student._meta.label_lower,
                object_id=str(row.student.pk),
                student_id=row.student.pk,
                detail={"page": "progress_reports", "period": period.pk},
            )
            for row in page.rows
        )
        context |= {
            "page": page,
            "period_id": encode_id(period.pk),
            "started": period.start <= timezone.localdate(),
        }
    return render(request, "progress/reports/caseload.html", context)


@login_required
@require_safe
def caseload_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    provider = caseload_for_user(user, pk).provider
    form, period = _period(request, provider.district_id)
    if period is None:
        context = {"provider": provider, "form": form, "edit": False, "period": None}
        return render(request, "progress/reports/caseload.html", context, status=400)
    found = selectors.caseload_documents(provider, period, timezone.localdate())
    lines = [
        BatchLine(
            name=item.student.full_name,
            ref=item.student.ref,
            status=selectors.status_of(
                item.report, {item.report.pk} if item.changed and item.report else set()
            ).word,
            report=PdfReport(item.document, item.changed) if item.document else None,
        )
        for item in found
    ]
    body = batch_pdf(provider_name=provider.user.display_name, period_name=period.name, lines=lines)
    _audit_export(user, [i.student.pk for i in found], "progress_reports_pdf", period)
    return _pdf(body, f"progress-reports-{period.start:%Y%m%d}.pdf")


@login_required
@require_POST
def caseload_draft(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    provider = caseload_to_change(user, pk)
    form = PeriodForm(request.POST, district_id=provider.district_id)
    url = reverse("progress:reports", args=[provider.pk])
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for ms in form.errors.values() for m in ms))
        return redirect(url)
    period = form.cleaned_data["period"]
    try:
        made = services.report_draft_many(actor=user, provider=provider, period=period)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"Drafted {len(made)} report{'s' if len(made) != 1 else ''} from the data."
        )
    return redirect(f"{url}?period={encode_id(period.pk)}")


# --- Drafting one student's report ---------------------------------------------------------


@login_required
@require_POST
def student_draft(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    student, provider = student_to_report_on(user, pk)
    form = PeriodForm(request.POST, district_id=student.district_id)
    back = reverse("progress:student", args=[student.pk]) + "#reports"
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for ms in form.errors.values() for m in ms))
        return redirect(back)
    try:
        report, created = services.report_draft(
            actor=user, provider=provider, student=student, period=form.cleaned_data["period"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    if created:
        messages.success(request, "Drafted from the data: check each goal's code and narrative.")
    else:
        messages.info(request, "This period's report exists already: here it is.")
    return redirect("progress:report", pk=report.pk)


# --- One report --------------------------------------------------------------------------


def _goal_context(
    report: ProgressReport,
    part: GoalPart,
    n: int,
    words: dict[str, str],
    form: ReportGoalForm | None,
) -> dict[str, object]:
    return {
        "report": report,
        "part": part,
        "n": n,
        "form": form
        or ReportGoalForm(
            initial={"code": part.code, "narrative": part.narrative},
            words=words,
            auto_id=f"goal-{part.goal_id}-%s",
        ),
    }


@login_required
@require_safe
def report_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    access = report_for_user(user, pk)
    report = access.report
    page = selectors.report_page(report, today=timezone.localdate())
    audit_record(
        actor=user,
        action=AuditAction.READ,
        obj=report,
        student_id=report.student_id,
        detail={"page": "progress_report", "shared": access.shared},
    )
    words = code_words(report.student.district_id)
    editing = access.edit and not report.is_signed
    goals = [
        _goal_context(report, part, n, words, None) if editing else {"part": part, "n": n}
        for n, part in enumerate(page.document.goals, start=1)
    ]
    return render(
        request,
        "progress/reports/report.html",
        {
            "report": report,
            "page": page,
            "doc": page.document,
            "goals": goals,
            "access": access,
            "editing": editing,
            "amend_form": AmendForm(),
            "share_form": ShareForm(
                initial={"teacher": report.shared_with_teacher, "paras": report.shared_with_paras}
            ),
        },
    )


@login_required
@require_safe
def report_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    report = report_for_user(user, pk).report
    document = selectors.report_document(report, today=timezone.localdate(), draw=False)
    body = report_pdf(PdfReport(document, selectors.report_changed(report)))
    _audit_export(user, [report.student_id], "progress_report_pdf", report)
    return _pdf(body, f"progress-report-{report.period.start:%Y%m%d}-r{report.revision}.pdf")


@login_required
@require_POST
def report_goal(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    """Save (or redraft from the data) one goal of a draft; htmx gets the goal's block."""
    user = signed_in_user(request)
    report = report_to_change(user, pk)
    goal = Goal.objects.filter(pk=goal_pk, iep__student_id=report.student_id).first()
    if goal is None:
        raise Http404("No such goal")
    words = code_words(report.student.district_id)
    form = ReportGoalForm(request.POST, words=words, auto_id=f"goal-{goal.pk}-%s")
    redraft = request.POST.get("action") == "redraft"
    saved = False
    try:
        if redraft:
            services.report_goal_redraft(actor=user, report=report, goal=goal)
            saved = True
        elif form.is_valid():
            services.report_goal_set(
                actor=user,
                report=report,
                goal=goal,
                code=form.cleaned_data["code"],
                narrative=form.cleaned_data["narrative"],
            )
            saved = True
    except ValidationError as error:
        add_service_errors(form, error)
    if not is_htmx(request):
        if saved:
            messages.success(request, "Saved.")
        for refused in form.errors.values():
            for said in refused:
                messages.error(request, str(said))
        return redirect(reverse("progress:report", args=[report.pk]) + f"#goal-{goal.pk}")
    document = selectors.report_document(report, today=timezone.localdate())
    found = [(n, p) for n, p in enumerate(document.goals, start=1) if p.goal_id == goal.pk]
    if not found:
        raise Http404("No such goal in this report")
    n, part = found[0]
    context = _goal_context(report, part, n, words, None if saved else form)
    context["saved"] = saved
    return render(request, "progress/reports/_goal_form.html", context)


@login_required
@require_POST
def report_sign(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    report = report_to_change(user, pk)
    try:
        services.report_sign(actor=user, report=report)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Signed: the report is frozen as it is now.")
    return redirect("progress:report", pk=report.pk)


@login_required
@require_POST
def report_amend(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    report = report_to_change(user, pk)
    form = AmendForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the signed report is amended.")
        return redirect("progress:report", pk=report.pk)
    try:
        new = services.report_amend(actor=user, report=report, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("progress:report", pk=report.pk)
    messages.success(request, f"Revision {new.revision} opened: edit it, then sign it.")
    return redirect("progress:report", pk=new.pk)


@login_required
@require_POST
def report_share(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    report = report_to_change(user, pk)
    form = ShareForm(request.POST)
    form.is_valid()  # two check boxes: unticked is False, never invalid
    try:
        services.report_share(
            actor=user,
            report=report,
            teacher=bool(form.cleaned_data.get("teacher")),
            paras=bool(form.cleaned_data.get("paras")),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Saved who the report is shared with.")
    return redirect("progress:report", pk=report.pk)
