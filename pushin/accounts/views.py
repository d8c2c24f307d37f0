from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from pushin.accounts.models import Role


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each person to the page they start their day on."""
    if request.user.role == Role.ADMIN:  # type: ignore[union-attr]
        return redirect("district:dashboard")
    return redirect("caseload:list")
