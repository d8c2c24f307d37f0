"""The run page's "Run again" for a plan run that stalled, failed or was cancelled."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from pushin.accounts.http import signed_in_user
from pushin.planning import recovery, services
from pushin.planning.access import plan_run_to_decide
from pushin.planning.views import _input_errors, same_plan_queued


@login_required
@require_POST
def run_again(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    run = plan_run_to_decide(user, pk)
    try:
        again = recovery.plan_run_again(run=run, user=user)
    except services.AcceptRefused as error:
        messages.error(request, f"Not run again: {error}.")
        return redirect("planning:run", pk=run.pk)
    except services.SamePlanQueued as queued:
        return same_plan_queued(request, queued)
    except services.PlanInputError as error:
        return render(
            request,
            "planning/input_errors.html",
            {"errors": _input_errors(error, user), "providers": list(run.providers.all())},
            status=400,
        )
    messages.success(request, "Running it again: this page updates by itself.")
    return redirect("planning:run", pk=again.pk)
