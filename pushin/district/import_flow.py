"""The one flow every CSV import follows: upload, preview what would happen, confirm.

The preview is a dry run. Its page carries the uploaded text back in a hidden field,
signed and bound to the user, the district and the hour, so no copy is kept on disk or
in the session; "Confirm import" re-checks the text and applies it in one transaction.
Timetables (pushin.district), students (pushin.caseload) and past minutes
(pushin.sessions) each describe themselves as a `CsvImport` and call `csv_import_respond`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from pushin.accounts.audit import audit_record
from pushin.accounts.models import AuditAction, User
from pushin.district.csv_import import ImportResult, decode_upload
from pushin.district.models import District

logger = logging.getLogger(__name__)

EXAMPLES_DIR = Path(settings.BASE_DIR) / "examples" / "csv"
MAX_UPLOAD_BYTES = 1024 * 1024
PREVIEW_MAX_AGE = 60 * 60  # seconds a preview may wait for its confirmation
EXPIRED = "The preview has expired or is not valid; upload the file again."
DB_FAILED = "The import failed and nothing was saved. Please try again."

# What the signed preview carries: "t" is the file's text, other keys are the form's
# other fields, as text.
Payload = Mapping[str, str]


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


class CsvImportForm(forms.Form):
    file = csv_file_field()


def sign_preview(*, salt: str, user: User, district_id: int, payload: Payload) -> str:
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


def audit_preview(actor: User, result: ImportResult) -> None:
    """A preview that shows existing students' records is a read of those records."""
    for item in result.items:
        if item.record is not None:
            audit_record(
                actor=actor,
                action=AuditAction.READ,
                obj=item.record,
                student_id=item.record.pk,
                detail={"via": "import_preview"},
            )


def _text_only(cleaned: Mapping[str, Any]) -> dict[str, str]:
    return {"t": cleaned["file"]}


def _no_initial(payload: Payload) -> dict[str, Any]:
    return {}


# run(actor=, district=, payload=, dry_run=) -> the import's result
ImportRun = Callable[..., ImportResult]


@dataclass(frozen=True)
class CsvImport:
    """One kind of CSV import: its page, its form and the service that runs it."""

    what: str  # for the log: "student import"
    salt: str
    template: str
    url_name: str
    example: str
    run: ImportRun
    form_class: type[forms.Form] = CsvImportForm
    payload_of: Callable[[Mapping[str, Any]], dict[str, str]] = _text_only
    # The form's initial values again after a confirmation found new problems.
    initial_of: Callable[[Payload], dict[str, Any]] = _no_initial
    # The preview shows existing students' records (an audited read).
    audits_reads: bool = False
    preview_context: Callable[[Payload], dict[str, Any]] = _no_initial


def csv_import_respond(
    request: HttpRequest,
    *,
    flow: CsvImport,
    user: User,
    district: District,
    context: dict[str, Any],
    initial: dict[str, Any] | None = None,
) -> HttpResponse:
    """GET: the upload form (or the example file). POST: the preview, or the confirmation."""
    if request.method != "POST":
        if request.GET.get("example"):
            return example_response(flow.example)
        context["form"] = flow.form_class(initial=initial)
        return render(request, flow.template, context)

    if "confirm" in request.POST:
        return _confirm(request, flow=flow, user=user, district=district, context=context)

    form = flow.form_class(request.POST, request.FILES)
    context["form"] = form
    if not form.is_valid():
        return render(request, flow.template, context)
    payload = flow.payload_of(form.cleaned_data)
    result = flow.run(actor=user, district=district, payload=payload, dry_run=True)
    if flow.audits_reads:
        audit_preview(user, result)
    context.update(result=result, **flow.preview_context(payload))
    if result.ok:
        context["payload"] = sign_preview(
            salt=flow.salt, user=user, district_id=district.pk, payload=payload
        )
    return render(request, flow.template, context)


def _confirm(
    request: HttpRequest,
    *,
    flow: CsvImport,
    user: User,
    district: District,
    context: dict[str, Any],
) -> HttpResponse:
    payload = unsign_preview(
        request.POST.get("payload", ""), salt=flow.salt, user=user, district_id=district.pk
    )
    if payload is None:
        messages.error(request, EXPIRED)
        return redirect(flow.url_name)
    try:
        result = flow.run(actor=user, district=district, payload=payload, dry_run=False)
    except DatabaseError as exc:
        logger.warning("%s rolled back: %s", flow.what, type(exc).__name__)
        messages.error(request, DB_FAILED)
        return redirect(flow.url_name)
    if result.ok:
        messages.success(request, f"Import done. {result.summary_text()}.")
        return redirect(flow.url_name)
    # The database changed since the preview: show what is wrong now.
    context.update(form=flow.form_class(initial=flow.initial_of(payload)), result=result)
    return render(request, flow.template, context)
