"""The capacity what-if pages (for a provider) and the district's capacity (for its
administrator). docs/workload.md, "Capacity what-if".

Each view: one access helper (`whatif_provider_for_user`, `whatif_run_for_user`,
`workload_district_for_user`), one service or selector, render. Reading never writes: the
what-if page builds the provider's week in memory to offer its sizes and schools; asking
(POST) stores a queued run, and the run's page polls until the worker is done.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from pushin.accounts.forms import add_service_errors
from pushin.accounts.http import is_htmx, signed_in_user
from pushin.planning.models import RunStatus
from pushin.workload import charts, whatif
from pushin.workload.access import (
    whatif_provider_for_user,
    whatif_run_for_user,
    workload_district_for_user,
)
from pushin.workload.forms import WhatIfForm
from pushin.workload.models import WhatIfKind, WhatIfRun
from pushin.workload.staffing import district_staffing

RECENT_RUNS = 10


@login_required
@require_http_methods(["GET", "POST"])
def whatif_page(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the form, with the caseload as it is; POST: queue the what-if, then watch it."""
    user = signed_in_user(request)
    provider = whatif_provider_for_user(user, pk)
    week = whatif.provider_week(provider)
    form = WhatIfForm(
        request.POST or None,
        current=len(week.students),
        schools=whatif.caseload_schools(week),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                run = whatif.whatif_run_create(actor=user, provider=provider, **form.terms())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("workload:whatif_run", pk=provider.pk, run_pk=run.pk)
        status = 400
    context = {
        "provider": provider,
        "own": provider.user_id == user.pk,
        "form": form,
        "current": len(week.students),
        "schools": whatif.caseload_schools(week),
        "runs": WhatIfRun.objects.filter(provider=provider)[:RECENT_RUNS],
        "time_limit": whatif.whatif_time_limit(),
        "max_points": whatif.MAX_POINTS,
    }
    return render(request, "workload/whatif.html", context, status=status)


@login_required
@require_GET
def whatif_run(request: HttpRequest, pk: int, run_pk: int) -> HttpResponse:
    """While the worker solves: the progress, polled by htmx. When done: the chart over
    the points, their figures and the argument they make."""
    provider, run = whatif_run_for_user(signed_in_user(request), pk, run_pk)
    if is_htmx(request):
        if run.is_finished:
            return HttpResponseClientRefresh()
        return render(request, "workload/_whatif_progress.html", {"run": run})
    points = whatif.run_points(run)
    solved = [p for p in points if p.solved]
    over_size = run.kind == WhatIfKind.SIZE
    current = len(run.scenario.get("students", []))
    sentences = whatif.argument(run, points) if run.status == RunStatus.DONE else []
    context = {
        "provider": provider,
        "run": run,
        "points": points,
        "argument": [s for s in sentences if s != whatif.CUT_SHORT],
        "argument_cut_short": whatif.CUT_SHORT if whatif.CUT_SHORT in sentences else "",
        "chart": charts.whatif_svg(
            solved, over_size=over_size, today=current if over_size else None
        )
        if solved
        else "",
        "cut_short": any(p.cut_short for p in points),
        "current": current,
        "contracted": provider.contracted_minutes_per_week,
    }
    return render(request, "workload/whatif_run.html", context)


@login_required
@require_POST
def whatif_run_cancel(request: HttpRequest, pk: int, run_pk: int) -> HttpResponse:
    user = signed_in_user(request)
    provider, run = whatif_run_for_user(user, pk, run_pk)
    try:
        whatif.whatif_run_cancel(run=run, actor=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Cancelled: the what-if stops; points already solved stay.")
    return redirect("workload:whatif_run", pk=provider.pk, run_pk=run.pk)


@login_required
@require_GET
def district_capacity(request: HttpRequest) -> HttpResponse:
    """Who is over capacity, and what one more provider would change (staffing.py)."""
    district = workload_district_for_user(signed_in_user(request))
    staffing = district_staffing(district, on=timezone.localdate())
    return render(
        request,
        "workload/capacity.html",
        {"district": district, "staffing": staffing},
    )
