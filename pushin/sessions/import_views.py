"""Import minutes delivered before the records start: upload, preview, confirm.

The flow and its helpers are those of the timetable and student imports
(pushin.district.import_views): a dry-run preview whose page carries the text back in a
signed hidden field, then a confirmation that re-checks it and applies it atomically.
"""

from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from pushin.accounts.http import signed_in_user
from pushin.caseload.import_views import audit_preview
from pushin.district.access import district_for_user
from pushin.district.import_views import (
    DB_FAILED,
    EXPIRED,
    csv_file_field,
    example_response,
    sign_preview,
    unsign_preview,
)
from pushin.sessions.csv_import import MAX_MINUTES, can_import_minutes, past_minutes_import

logger = logging.getLogger(__name__)

SALT = "pushin.sessions.past_minutes_import"
TEMPLATE = "sessions/import_minutes.html"


class PastMinutesImportForm(forms.Form):
    file = csv_file_field()


@login_required
def past_minutes(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not can_import_minutes(user):
        raise Http404("No such page")
    district = district_for_user(user)
    provider = getattr(user, "provider", None)
    context: dict[str, Any] = {
        "provider_only": not (user.is_superuser or user.is_district_admin),
        "district": district,
        "records_start": district.records_start_for(provider),
        "provider": provider,
        "max_minutes": MAX_MINUTES,
    }

    if request.method != "POST":
        if request.GET.get("example"):
            return example_response("minutes.csv")
        context["form"] = PastMinutesImportForm()
        return render(request, TEMPLATE, context)

    if "confirm" in request.POST:
        data = unsign_preview(
            request.POST.get("payload", ""), salt=SALT, user=user, district_id=district.pk
        )
        if data is None:
            messages.error(request, EXPIRED)
            return redirect("minutes:import")
        try:
            result = past_minutes_import(
                actor=user, district=district, text=data["t"], dry_run=False
            )
        except DatabaseError as exc:
            logger.warning("past minutes import rolled back: %s", type(exc).__name__)
            messages.error(request, DB_FAILED)
            return redirect("minutes:import")
        if result.ok:
            messages.success(request, f"Import done. {result.summary_text()}.")
            return redirect("minutes:import")
        # The database changed since the preview: show what is wrong now.
        context.update(form=PastMinutesImportForm(), result=result)
        return render(request, TEMPLATE, context)

    form = PastMinutesImportForm(request.POST, request.FILES)
    context["form"] = form
    if not form.is_valid():
        return render(request, TEMPLATE, context)
    text: str = form.cleaned_data["file"]
    result = past_minutes_import(actor=user, district=district, text=text, dry_run=True)
    audit_preview(user, result)
    context["result"] = result
    if result.ok:
        context["payload"] = sign_preview(
            salt=SALT, user=user, district_id=district.pk, payload={"t": text}
        )
    return render(request, TEMPLATE, context)
