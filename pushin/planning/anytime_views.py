"""The run page while it solves (the best plan so far), "Accept now", "Stop here" and
"Keep improving" (pushin/planning/anytime.py, docs/anytime.md)."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from pushin.accounts.audit import audit_reads
from pushin.accounts.http import signed_in_user
from pushin.planning import anytime, selectors, services, views
from pushin.planning.access import can_decide_run, plan_run_for_user, plan_run_to_decide
from pushin.planning.forms import AcceptForm, WeekAcceptForm
from pushin.planning.models import PlanRun, RunKind


def run_waiting(request: HttpRequest, run: PlanRun) -> HttpResponse:
    """A run not finished: its progress (polled), the best plan so far with its grid, and
    what the provider can do: accept it now, stop here, or cancel."""
    user = signed_in_user(request)
    can_decide = can_decide_run(user, run)
    best = anytime.best_so_far(run)
    preview = None
    if best is not None:
        # The grid of the best plan so far, as drawn now (the counts above it update).
        shown = copy.copy(run)
        shown.plan = run.best_plan
        preview = selectors.run_result(shown, user=user)
        audit_reads(
            actor=user,
            student_ids=views._run_students(run, user),
            page="plan_run",
            obj=run,
        )
    accept_form = (
        WeekAcceptForm()
        if run.kind == RunKind.WEEK
        else AcceptForm(initial={"effective_from": services.default_effective_from(run)})
    )
    return render(
        request,
        "planning/run_waiting.html",
        {
            "run": run,
            "can_cancel": can_decide,
            "can_decide": can_decide and best is not None,
            "best": best,
            "preview": preview,
            "accept_form": accept_form,
        },
    )


@login_required
@require_POST
def run_accept_now(request: HttpRequest, pk: int) -> HttpResponse:
    """Stop the solve with its best plan so far and accept it, through the one accept
    (views.run_accept: its form, its rules, its refusals shown on the result page)."""
    user = signed_in_user(request)
    run = plan_run_to_decide(user, pk)
    try:
        anytime.plan_run_stop(run=run, user=user)
    except services.AcceptRefused as error:
        messages.error(request, f"Not accepted: {error}.")
        return redirect("planning:run", pk=run.pk)
    return views.run_accept(request, pk)


@login_required
@require_POST
def run_stop(request: HttpRequest, pk: int) -> HttpResponse:
    """Stop the solve with its best plan so far, to look at it before deciding."""
    user = signed_in_user(request)
    run = plan_run_to_decide(user, pk)
    try:
        anytime.plan_run_stop(run=run, user=user)
    except services.AcceptRefused as error:
        messages.error(request, f"Not stopped: {error}.")
    else:
        messages.success(request, "Stopped: here is the best plan found so far.")
    return redirect("planning:run", pk=run.pk)


@login_required
@require_POST
def run_improve(request: HttpRequest, pk: int) -> HttpResponse:
    """Keep improving a finished, unproven plan for a while longer."""
    user = signed_in_user(request)
    run = plan_run_to_decide(user, pk)
    try:
        run = anytime.plan_run_improve(run=run, user=user)
    except services.AcceptRefused as error:
        messages.error(request, f"Not improving: {error}.")
    else:
        messages.success(
            request,
            f"Improving for up to {run.time_limit:g} more seconds: this page updates by "
            "itself, and you can accept the best plan so far at any time.",
        )
    return redirect("planning:run", pk=run.pk)


@login_required
@require_GET
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """While solving: progress, polled by htmx, and the best plan so far. When done: the
    plan, to accept or not (the result page of views.py)."""
    user = signed_in_user(request)
    run = plan_run_for_user(user, pk)
    if not run.is_finished:
        return run_waiting(request, run)
    return views._render_run(request, run)
