"""The makeup run page's "Cancel" and "Run again" (for a run that stalled, failed or was
cancelled)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from pushin.accounts.http import signed_in_user
from pushin.sessions import ledger_views, recovery
from pushin.sessions.models import MakeupRun


@login_required
@require_POST
def makeup_run_cancel(request: HttpRequest, pk: int, run_pk: int) -> HttpResponse:
    user = signed_in_user(request)
    provider = ledger_views._plannable(user, pk)
    run = get_object_or_404(MakeupRun, pk=run_pk, provider=provider)
    try:
        recovery.makeup_run_cancel(run=run, actor=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Cancelled: the scheduler stops and nothing is proposed.")
    return redirect("minutes:makeup_run", pk=provider.pk, run_pk=run.pk)


@login_required
@require_POST
def makeup_run_again(request: HttpRequest, pk: int, run_pk: int) -> HttpResponse:
    user = signed_in_user(request)
    provider = ledger_views._plannable(user, pk)
    run = get_object_or_404(MakeupRun, pk=run_pk, provider=provider)
    try:
        again = recovery.makeup_run_again(run=run, actor=user, today=ledger_views._today())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("minutes:makeup_run", pk=provider.pk, run_pk=run.pk)
    messages.success(request, "Asking again: this page updates by itself.")
    return redirect("minutes:makeup_run", pk=provider.pk, run_pk=again.pk)
