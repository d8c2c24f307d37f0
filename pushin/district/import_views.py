"""CSV import of classroom timetables. First version: placeholder."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse


@login_required
def timetable_import(request: HttpRequest) -> HttpResponse:
    raise Http404
