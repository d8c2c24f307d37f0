"""Import minutes delivered before the records start: upload, preview, confirm (the flow
every import shares: pushin.district.import_flow)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from pushin.accounts.http import signed_in_user
from pushin.accounts.models import User
from pushin.district.access import district_for_user
from pushin.district.csv_import import ImportResult
from pushin.district.import_flow import CsvImport, csv_import_respond
from pushin.district.models import District
from pushin.sessions.csv_import import MAX_MINUTES, can_import_minutes, past_minutes_import


def _run(*, actor: User, district: District, payload: Any, dry_run: bool) -> ImportResult:
    return past_minutes_import(actor=actor, district=district, text=payload["t"], dry_run=dry_run)


PAST_MINUTES_IMPORT = CsvImport(
    what="past minutes import",
    salt="pushin.sessions.past_minutes_import",
    template="sessions/import_minutes.html",
    url_name="minutes:import",
    example="minutes.csv",
    run=_run,
    audits_reads=True,
)


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
    return csv_import_respond(
        request, flow=PAST_MINUTES_IMPORT, user=user, district=district, context=context
    )
