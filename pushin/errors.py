"""The 400 page (`handler400` in pushin/urls.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pushin.query import BadDateParameter


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    # Only our own refusals are explained: their text names a parameter and the rule,
    # never the value sent. Other 400s (a forged host, a broken upload) stay generic.
    reason = str(exception) if isinstance(exception, BadDateParameter) else ""
    return render(request, "400.html", {"reason": reason}, status=400)
