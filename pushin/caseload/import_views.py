"""CSV import of students (with mandates and goals). First version: placeholder."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse


@login_required
def student_import(request: HttpRequest) -> HttpResponse:
    raise Http404
