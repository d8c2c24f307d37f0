"""The administrator's privacy-request pages (docs/privacy.md): the district's retention
period and its inactive students; per student, export everything, deactivate, delete."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from pushin.accounts.audit import audit_reads, audit_record
from pushin.accounts.forms import add_service_errors
from pushin.accounts.http import signed_in_user
from pushin.accounts.models import AuditAction, User
from pushin.caseload import privacy
from pushin.caseload.models import RecordRetention, Student
from pushin.district.access import can_edit_district, district_for_user
from pushin.district.models import District


class RetentionForm(forms.Form):
    years = forms.IntegerField(
        label="Keep a departed student's records for (years)",
        min_value=1,
        max_value=RecordRetention.MAX_YEARS,
    )


class FindForm(forms.Form):
    ref = forms.CharField(label="Student number", max_length=32)


class DeleteForm(forms.Form):
    confirm_ref = forms.CharField(label="Type the student's number to confirm", max_length=32)


def _privacy_district_for(user: User) -> District:
    """The district whose privacy requests `user` answers: its administrator's only."""
    if not user.is_authenticated or not user.is_active or not can_edit_district(user):
        raise Http404("No such page")
    return district_for_user(user)


def _privacy_student_for_user(user: User, pk: int) -> Student:
    district = _privacy_district_for(user)
    try:
        return Student.objects.select_related("district").get(pk=pk, district=district)
    except Student.DoesNotExist:
        raise Http404("No such student") from None


@login_required
@require_http_methods(["GET", "POST"])
def privacy_home(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    district = _privacy_district_for(user)
    years = privacy.retention_years(district)
    retention_form = RetentionForm(request.POST or None, initial={"years": years})
    find_form = FindForm(request.GET or None)
    if request.method == "POST" and retention_form.is_valid():
        try:
            privacy.record_retention_set(
                actor=user, district=district, years=retention_form.cleaned_data["years"]
            )
        except ValidationError as error:
            add_service_errors(retention_form, error)
        else:
            messages.success(request, "Saved the retention period.")
            return redirect("caseload:privacy")
    if request.GET and find_form.is_valid():
        found = privacy.student_by_ref(district, find_form.cleaned_data["ref"])
        if found is not None:
            return redirect("caseload:privacy_student", pk=found.pk)
        find_form.add_error("ref", "No student of the district has this number.")
    today = timezone.localdate()
    inactive = [
        (student, privacy.student_retention(student, today=today))
        for student in privacy.inactive_students(district)
    ]
    audit_reads(actor=user, student_ids=[s.pk for s, _ in inactive], page="privacy")
    return render(
        request,
        "caseload/privacy.html",
        {
            "retention_form": retention_form,
            "find_form": find_form,
            "years": years,
            "inactive": inactive,
        },
        status=400 if request.method == "POST" else 200,
    )


def _student_page(
    request: HttpRequest, student: Student, *, delete_form: DeleteForm | None = None
) -> HttpResponse:
    user = signed_in_user(request)
    audit_record(
        actor=user,
        action=AuditAction.READ,
        obj=student,
        student_id=student.pk,
        detail={"page": "privacy_student"},
    )
    return render(
        request,
        "caseload/privacy_student.html",
        {
            "student": student,
            "retention": privacy.student_retention(student, today=timezone.localdate()),
            "delete_form": delete_form or DeleteForm(),
        },
        status=200 if delete_form is None else 400,
    )


@login_required
def privacy_student(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    return _student_page(request, _privacy_student_for_user(user, pk))


@login_required
@require_POST
def privacy_export(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    student = _privacy_student_for_user(user, pk)
    body = privacy.student_export(actor=user, student=student)
    response = HttpResponse(body, content_type="application/zip")
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = (
        f'attachment; filename="student-records-{student.ref}-{stamp}.zip"'
    )
    return response


@login_required
@require_POST
def privacy_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    student = _privacy_student_for_user(user, pk)
    try:
        privacy.student_deactivate(actor=user, student=student)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Student {student.ref} is now inactive.")
    return redirect("caseload:privacy_student", pk=student.pk)


@login_required
@require_POST
def privacy_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    student = _privacy_student_for_user(user, pk)
    form = DeleteForm(request.POST)
    if form.is_valid():
        try:
            privacy.student_delete(
                actor=user, student=student, confirm_ref=form.cleaned_data["confirm_ref"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, "The student's records were deleted; the audit log keeps a tombstone."
            )
            return redirect(reverse("caseload:privacy"))
    return _student_page(request, student, delete_form=form)
