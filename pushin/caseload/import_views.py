"""Import students from a CSV file: upload, preview what would happen, confirm (the flow
every import shares: pushin.district.import_flow). Mandate changes take effect from a date
the upload form asks for."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from pushin.accounts.http import signed_in_user
from pushin.accounts.models import User
from pushin.caseload.csv_import import can_import_students, students_import
from pushin.district.access import district_for_user
from pushin.district.csv_import import ImportResult
from pushin.district.import_flow import CsvImport, csv_file_field, csv_import_respond
from pushin.district.models import District
from pushin.query import DateField


class StudentImportForm(forms.Form):
    file = csv_file_field()
    effective_from = DateField(
        label="Mandate changes take effect from",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="A changed mandate adds a new version from this date; earlier versions stay.",
    )


def _run(*, actor: User, district: District, payload: Any, dry_run: bool) -> ImportResult:
    return students_import(
        actor=actor,
        district=district,
        text=payload["t"],
        effective_from=dt.date.fromisoformat(payload["e"]),
        dry_run=dry_run,
    )


def _payload(cleaned: Mapping[str, Any]) -> dict[str, str]:
    return {"t": cleaned["file"], "e": cleaned["effective_from"].isoformat()}


def _effective_from(payload: Mapping[str, str]) -> dict[str, Any]:
    return {"effective_from": dt.date.fromisoformat(payload["e"])}


STUDENT_IMPORT = CsvImport(
    what="student import",
    salt="pushin.caseload.student_import",
    template="caseload/import_students.html",
    url_name="caseload:import_students",
    example="students.csv",
    run=_run,
    form_class=StudentImportForm,
    payload_of=_payload,
    initial_of=_effective_from,
    preview_context=_effective_from,
    audits_reads=True,
)


@login_required
def student_import(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not can_import_students(user):
        raise Http404("No such page")
    return csv_import_respond(
        request,
        flow=STUDENT_IMPORT,
        user=user,
        district=district_for_user(user),
        context={"provider_only": not (user.is_superuser or user.is_district_admin)},
        initial={"effective_from": timezone.localdate()},
    )
