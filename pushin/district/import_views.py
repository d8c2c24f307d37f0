"""Import classroom timetables from a CSV file: upload, preview what would happen, confirm
(the flow every import shares: pushin.district.import_flow)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from pushin.accounts.http import signed_in_user
from pushin.accounts.models import User
from pushin.district.access import district_for_user
from pushin.district.csv_import import ImportResult, can_import_timetables, timetables_import
from pushin.district.import_flow import CsvImport, csv_import_respond
from pushin.district.models import District
from pushin.vocabulary import Activity


def _run(*, actor: User, district: District, payload: Any, dry_run: bool) -> ImportResult:
    return timetables_import(actor=actor, district=district, text=payload["t"], dry_run=dry_run)


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
