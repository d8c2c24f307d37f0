"""Import classroom timetables from a CSV file, and the roster from a OneRoster export:
upload, preview what would happen, confirm (the flow every import shares:
pushin.district.import_flow)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from pushin.accounts.http import signed_in_user
from pushin.accounts.models import User
from pushin.district.access import district_for_user
from pushin.district.csv_import import (
    ImportResult,
    can_import_timetables,
    decode_upload,
    timetables_import,
)
from pushin.district.import_flow import CsvImport, csv_import_respond
from pushin.district.models import District
from pushin.district.oneroster import (
    FILES,
    MAX_ZIP_BYTES,
    REQUIRED_FILES,
    RosterFileError,
    can_import_roster,
    roster_files_from_zip,
    roster_import,
)
from pushin.vocabulary import Activity


def _run(*, actor: User, district: District, payload: Any, dry_run: bool) -> ImportResult:
    return timetables_import(actor=actor, district=district, text=payload["t"], dry_run=dry_run)


ROSTER_EXAMPLES_DIR = Path(settings.BASE_DIR) / "examples" / "oneroster"

TIMETABLE_IMPORT = CsvImport(
    what="timetable import",
    salt="pushin.district.timetable_import",
    template="district/import_timetables.html",
    url_name="district:import_timetables",
    example="timetables.csv",
    run=_run,
)


@login_required
def timetable_import(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not can_import_timetables(user):
        raise Http404("No such page")
    district = district_for_user(user)
    context: dict[str, Any] = {"activities": Activity.values}

    return csv_import_respond(
        request, flow=TIMETABLE_IMPORT, user=user, district=district, context=context
    )


# --- OneRoster -----------------------------------------------------------------------------


class RosterImportForm(forms.Form):
    """A OneRoster 1.2 CSV export: one ZIP, or the CSV files one by one."""

    zip = forms.FileField(
        label="OneRoster ZIP",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
        help_text="The export of your student information system, with orgs.csv, users.csv, "
        "classes.csv, enrollments.csv and academicSessions.csv.",
    )
    orgs = forms.FileField(label="or orgs.csv", required=False)
    academicSessions = forms.FileField(label="academicSessions.csv", required=False)
    users = forms.FileField(label="users.csv", required=False)
    classes = forms.FileField(label="classes.csv", required=False)
    enrollments = forms.FileField(label="enrollments.csv", required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("zip")
        if upload:
            if upload.size > MAX_ZIP_BYTES:
                raise forms.ValidationError(
                    f"The ZIP is larger than {MAX_ZIP_BYTES // (1024 * 1024)} MB."
                )
            try:
                cleaned["texts"] = roster_files_from_zip(upload.read())
            except RosterFileError as exc:
                raise forms.ValidationError(str(exc)) from None
            return cleaned
        texts: dict[str, str] = {}
        for key in FILES:
            part = cleaned.get(key)
            if not part:
                continue
            if part.size > MAX_ZIP_BYTES:
                self.add_error(key, "The file is too large.")
                continue
            try:
                texts[key] = decode_upload(part.read())
            except UnicodeDecodeError:
                self.add_error(key, "The file is not UTF-8 text.")
        missing = [f"{key}.csv" for key in REQUIRED_FILES if key not in texts]
        if missing and not self.errors:
            raise forms.ValidationError(
                f"Upload the OneRoster ZIP, or at least {', '.join(missing)}."
            )
        cleaned["texts"] = texts
        return cleaned


def _roster_run(*, actor: User, district: District, payload: Any, dry_run: bool) -> ImportResult:
    texts = {key: payload[key] for key in FILES if key in payload}
    return roster_import(actor=actor, district=district, texts=texts, dry_run=dry_run)


def _roster_payload(cleaned: Mapping[str, Any]) -> dict[str, str]:
    return dict(cleaned["texts"])


ROSTER_IMPORT = CsvImport(
    what="roster import",
    salt="pushin.district.roster_import",
    template="district/import_roster.html",
    url_name="district:import_roster",
    example="",
    run=_roster_run,
    form_class=RosterImportForm,
    payload_of=_roster_payload,
    audits_reads=True,
)


def _example_zip() -> HttpResponse:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for key in FILES:
            path = ROSTER_EXAMPLES_DIR / f"{key}.csv"
            archive.writestr(f"{key}.csv", path.read_bytes())
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="oneroster-example.zip"'
    return response


@login_required
def roster_import_view(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not can_import_roster(user):
        raise Http404("No such page")
    if request.method != "POST" and request.GET.get("example"):
        return _example_zip()
    return csv_import_respond(
        request,
        flow=ROSTER_IMPORT,
        user=user,
        district=district_for_user(user),
        context={"files": FILES},
    )
