"""Import students from a CSV file: upload, preview what would happen, confirm.

The flow and its helpers are those of the timetable import
(pushin.district.import_views): a dry-run preview whose page carries the text back in a
signed hidden field, then a confirmation that re-checks it and applies it atomically.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from pushin.accounts.audit import audit_record
from pushin.accounts.models import AuditAction, User
from pushin.caseload.csv_import import can_import_students, students_import
from pushin.district.access import district_for_user
from pushin.district.csv_import import ImportResult
from pushin.district.import_views import (
    DB_FAILED,
    EXPIRED,
    csv_file_field,
    example_response,
    sign_preview,
    unsign_preview,
)

logger = logging.getLogger(__name__)

SALT = "pushin.caseload.student_import"
TEMPLATE = "caseload/import_students.html"


class StudentImportForm(forms.Form):
    file = csv_file_field()
    effective_from = forms.DateField(
        label="Mandate changes take effect from",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="A changed mandate adds a new version from this date; earlier versions stay.",
    )


def audit_preview(actor: User, result: ImportResult) -> None:
    """The preview shows existing students' mandates and goals: a read of their records."""
    for item in result.items:
        if item.record is not None:
            audit_record(
                actor=actor,
                action=AuditAction.READ,
                obj=item.record,
                student_id=item.record.pk,
                detail={"via": "import_preview"},
            )


@login_required
def student_import(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not can_import_students(user):
        raise Http404("No such page")
    district = district_for_user(user)
    context: dict[str, Any] = {"provider_only": not (user.is_superuser or user.is_district_admin)}

    if request.method != "POST":
        if request.GET.get("example"):
            return example_response("students.csv")
        context["form"] = StudentImportForm(initial={"effective_from": timezone.localdate()})
        return render(request, TEMPLATE, context)

    if "confirm" in request.POST:
        data = unsign_preview(
            request.POST.get("payload", ""), salt=SALT, user=user, district_id=district.pk
        )
        if data is None:
            messages.error(request, EXPIRED)
            return redirect("caseload:import_students")
        effective_from = dt.date.fromisoformat(data["e"])
        try:
            result = students_import(
                actor=user,
                district=district,
                text=data["t"],
                effective_from=effective_from,
                dry_run=False,
            )
        except DatabaseError as exc:
            logger.warning("student import rolled back: %s", type(exc).__name__)
            messages.error(request, DB_FAILED)
            return redirect("caseload:import_students")
        if result.ok:
            messages.success(request, f"Import done. {result.summary_text()}.")
            return redirect("caseload:import_students")
        # The database changed since the preview: show what is wrong now.
        context.update(
            form=StudentImportForm(initial={"effective_from": effective_from}), result=result
        )
        return render(request, TEMPLATE, context)

    form = StudentImportForm(request.POST, request.FILES)
    context["form"] = form
    if not form.is_valid():
        return render(request, TEMPLATE, context)
    text: str = form.cleaned_data["file"]
    effective_from = form.cleaned_data["effective_from"]
    result = students_import(
        actor=user, district=district, text=text, effective_from=effective_from, dry_run=True
    )
    audit_preview(user, result)
    context.update(result=result, effective_from=effective_from)
    if result.ok:
        context["payload"] = sign_preview(
            salt=SALT,
            user=user,
            district_id=district.pk,
            payload={"t": text, "e": effective_from.isoformat()},
        )
    return render(request, TEMPLATE, context)
