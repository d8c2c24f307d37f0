"""Import classroom timetables from a CSV file: upload, preview what would happen, confirm.

The preview is a dry run. Its page carries the uploaded text back in a hidden field,
signed and bound to the user, the district and the hour, so no copy is kept on disk or
in the session; "Confirm import" re-checks the text and applies it in one transaction.
The student import (pushin.caseload.import_views) uses the same helpers.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from pushin.accounts.models import User
from pushin.district.access import district_for_user
from pushin.district.csv_import import can_import_timetables, decode_upload, timetables_import
from pushin.vocabulary import Activity

logger = logging.getLogger(__name__)

EXAMPLES_DIR = Path(settings.BASE_DIR) / "examples" / "csv"
MAX_UPLOAD_BYTES = 1024 * 1024
PREVIEW_MAX_AGE = 60 * 60  # seconds a preview may wait for its confirmation
SALT = "pushin.district.timetable_import"
TEMPLATE = "district/import_timetables.html"
EXPIRED = "The preview has expired or is not valid; upload the file again."
DB_FAILED = "The import failed and nothing was saved. Please try again."


class CsvUploadField(forms.FileField):
    """A CSV upload, cleaned to its text (UTF-8, with or without a byte-order mark)."""

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {MAX_UPLOAD_BYTES // 1024} KB; split it into parts."
            )
        try:
            return decode_upload(upload.read())
        except UnicodeDecodeError:
            raise forms.ValidationError(
                "The file is not UTF-8 text. In your spreadsheet choose "
                "Save as / Download > CSV UTF-8."
            ) from None


def csv_file_field() -> CsvUploadField:
    return CsvUploadField(
        label="CSV file", widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"})
    )


def sign_preview(*, salt: str, user: User, district_id: int, payload: dict[str, str]) -> str:
    return signing.dumps({**payload, "u": user.pk, "d": district_id}, salt=salt, compress=True)


def unsign_preview(token: str, *, salt: str, user: User, district_id: int) -> dict[str, Any] | None:
    """The signed preview payload, if it is genuine, recent and this user's."""
    try:
        data = signing.loads(token, salt=salt, max_age=PREVIEW_MAX_AGE)
    except signing.BadSignature:  # includes SignatureExpired
        return None
    if not isinstance(data, dict) or data.get("u") != user.pk or data.get("d") != district_id:
        return None
    return data


def example_response(name: str) -> HttpResponse:
    """One of the shipped example files, as a download."""
    path = EXAMPLES_DIR / name
    if not path.is_file():
        raise Http404("No example")
    response = HttpResponse(path.read_bytes(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class TimetableImportForm(forms.Form):
    file = csv_file_field()


@login_required
def timetable_import(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not can_import_timetables(user):
        raise Http404("No such page")
    district = district_for_user(user)
    context: dict[str, Any] = {"activities": Activity.values}

    if request.method != "POST":
        if request.GET.get("example"):
            return example_response("timetables.csv")
        context["form"] = TimetableImportForm()
        return render(request, TEMPLATE, context)

    if "confirm" in request.POST:
        data = unsign_preview(
            request.POST.get("payload", ""), salt=SALT, user=user, district_id=district.pk
        )
        if data is None:
            messages.error(request, EXPIRED)
            return redirect("district:import_timetables")
        try:
            result = timetables_import(actor=user, district=district, text=data["t"], dry_run=False)
        except DatabaseError as exc:
            logger.warning("timetable import rolled back: %s", type(exc).__name__)
            messages.error(request, DB_FAILED)
            return redirect("district:import_timetables")
        if result.ok:
            messages.success(request, f"Import done. {result.summary_text()}.")
            return redirect("district:import_timetables")
        # The database changed since the preview: show what is wrong now.
        context.update(form=TimetableImportForm(), result=result)
        return render(request, TEMPLATE, context)

    form = TimetableImportForm(request.POST, request.FILES)
    context["form"] = form
    if not form.is_valid():
        return render(request, TEMPLATE, context)
    text: str = form.cleaned_data["file"]
    result = timetables_import(actor=user, district=district, text=text, dry_run=True)
    context["result"] = result
    if result.ok:
        context["payload"] = sign_preview(
            salt=SALT, user=user, district_id=district.pk, payload={"t": text}
        )
    return render(request, TEMPLATE, context)
