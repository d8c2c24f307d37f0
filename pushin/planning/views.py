"""Plan the week, watch the run, accept it; the standing schedule, its flags and its feed."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from pushin.accounts.audit import audit_reads
from pushin.accounts.http import signed_in_user
from pushin.accounts.models import Role, User
from pushin.caseload.access import students_visible_to
from pushin.concurrency import EditConflict
from pushin.district.access import provider_for_user
from pushin.district.models import Provider
from pushin.planning import selectors, services
from pushin.planning.access import (
    can_decide_run,
    can_plan_for,
    can_see_calendar_address,
    plan_run_for_user,
    plan_run_to_decide,
    plannable_provider_for_user,
    scheduled_session_for_user,
)
from pushin.planning.fit_marks import GoalFits
from pushin.planning.forms import (
    AcceptForm,
    CalendarForm,
    MoveForm,
    PinForm,
    PlanForm,
    WeekAcceptForm,
    WeekForm,
)
from pushin.planning.ical import provider_feed
from pushin.planning.losses import Loss, named_losses, run_losses, student_pk
from pushin.planning.models import (
    PlanRun,
    RunDecision,
    RunKind,
    RunStatus,
    ScheduledSessionStudent,
)
from pushin.planning.move_offers import fit_warnings, move_offers
from pushin.planning.scenario_build import IdMap
from pushin.planning.words import RULE_WORDS, name_book
from pushin.query import check_date_params
from pushin.scheduling.scenario import scenario_to_dict
from pushin.timespans import monday_of
from pushin.workload.capacity import provider_capacity, run_capacities

SAME_PLAN_QUEUED = (
    "This plan was already on its way (asked for a moment ago, nothing has changed since): "
    "here it is, nothing new was queued."
)


def _default_week() -> dt.date:
    """This week's Monday on a school day, else next week's."""
    today = timezone.localdate()
    if today.isoweekday() > 5:
        today += dt.timedelta(days=8 - today.isoweekday())
    return monday_of(today)


def _input_errors(error: services.PlanInputError, user: User) -> list[str]:
    book = name_book(user=user, id_map=error.id_map, scenario=error.scenario)
    return [book.words(message) for message in error.messages]


def _refusal_words(error: services.PlanRefused, user: User) -> list[str]:
    scenario = scenario_to_dict(error.scenario) if error.scenario is not None else {}
    book = name_book(user=user, id_map=error.id_map, scenario=scenario)
    return [
        f"{RULE_WORDS.get(p.rule, 'A scheduling rule is broken.')} {book.words(p.message)}."
        for p in error.problems
    ]


@login_required
@require_GET
def planning_home(request: HttpRequest) -> HttpResponse:
    """A provider goes to their own week; an administrator sees every provider's."""
    user = signed_in_user(request)
    if user.role == Role.PROVIDER and hasattr(user, "provider"):
        return redirect("planning:provider", pk=user.provider.pk)
    if user.role != Role.ADMIN and not user.is_superuser:
        raise Http404("No planning here")
    providers = list(selectors.plannable_providers(user).order_by("user__last_name", "pk"))
    form = PlanForm(providers=providers, allow_all=True)
    rows = selectors.provider_rows(providers)
    return render(request, "planning/home.html", {"form": form, "rows": rows})


@login_required
@require_POST
def run_create(request: HttpRequest) -> HttpResponse:
    """Start a solver run for one provider's week (or all providers', for admin)."""
    user = signed_in_user(request)
    providers = list(selectors.plannable_providers(user).order_by("pk"))
    if not providers:
        raise Http404("No planning here")
    form = PlanForm(request.POST, providers=providers, allow_all=user.role != Role.PROVIDER)
    if not form.is_valid():
        messages.error(request, "Choose whose week to plan.")
        return redirect("planning:home")
    chosen = form.selected()
    try:
        run = services.plan_run_create(
            user=user, district=chosen[0].district, providers=chosen, kind=RunKind.STANDING
        )
    except services.PlanInputError as error:
        return render(
            request,
            "planning/input_errors.html",
            {"errors": _input_errors(error, user), "providers": chosen},
            status=400,
        )
    except services.SamePlanQueued as queued:
        return same_plan_queued(request, queued)
    return redirect("planning:run", pk=run.pk)


def same_plan_queued(request: HttpRequest, queued: services.SamePlanQueued) -> HttpResponse:
    """A second click while the same plan is on its way: that plan, said so."""
    messages.info(request, SAME_PLAN_QUEUED)
    return redirect("planning:run", pk=queued.run.pk)


@login_required
@require_GET
def provider_planning(request: HttpRequest, pk: int) -> HttpResponse:
    """One provider's planning page: plan the week, the schedule's flags, recent runs."""
    user = signed_in_user(request)
    provider = provider_for_user(user, pk)
    week_form = WeekForm(request.GET or None)
    check_date_params(week_form)
    week = _default_week()
    if week_form.is_valid() and week_form.cleaned_data["week"] is not None:
        week = monday_of(week_form.cleaned_data["week"])
    flags = selectors.schedule_flags_for(provider, week, reader=user)
    context = {
        "provider": provider,
        "can_plan": can_plan_for(user, provider),
        "plan_form": PlanForm(providers=[provider], allow_all=False),
        "week_form": week_form if week_form.is_bound else WeekForm(initial={"week": week}),
        "week": week,
        "flags": flags,
        "runs": selectors.recent_runs(provider),
        "has_hours": provider.availability.exists(),
        # Before anything about the schedule: does the caseload fit the contract at all?
        "capacity": provider_capacity(provider, on=timezone.localdate()),
    }
    return render(request, "planning/provider.html", context)


@login_required
@require_POST
def replan(request: HttpRequest, pk: int) -> HttpResponse:
    """Re-plan with minimal changes: the standing schedule is the previous plan."""
    user = signed_in_user(request)
    provider = provider_for_user(user, pk)
    if not can_plan_for(user, provider):
        raise PermissionDenied
    form = WeekForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a valid week.")
        return redirect("planning:provider", pk=provider.pk)
    # A dated change (one week) is re-planned for that week only; a change of the usual
    # week is re-planned for every week, from a date chosen on accept.
    week = form.cleaned_data["week"]
    try:
        run = services.plan_run_create(
            user=user,
            district=provider.district,
            providers=[provider],
            kind=RunKind.WEEK if week is not None else RunKind.REPLAN,
            week_of=week,
        )
    except services.PlanInputError as error:
        return render(
            request,
            "planning/input_errors.html",
            {"errors": _input_errors(error, user), "providers": [provider]},
            status=400,
        )
    except services.SamePlanQueued as queued:
        return same_plan_queued(request, queued)
    return redirect("planning:run", pk=run.pk)


_STUDENT_KEY = re.compile(r"st(\d+)(?:-p\d+)?")  # a scenario's student id (scenario_build)


def _run_students(run: PlanRun, user: User, losses: Sequence[Loss] = ()) -> list[int]:
    """The students the run's page names for `user`: the run's students (those left out,
    those of a re-plan's previous plan, and those named among its losses) that `user` may
    see."""
    id_map = IdMap.from_json(run.id_map)
    pks = set(id_map.students.values()) | {pk for pk, _, _ in id_map.excluded}
    pks |= {pk for loss in losses if (pk := student_pk(loss.student, run)) is not None}
    for session in (run.scenario.get("previous_plan") or {}).get("sessions", []):
        for key in session.get("students", []):
            if (match := _STUDENT_KEY.fullmatch(key)) is not None:
                pks.add(int(match.group(1)))
    return list(students_visible_to(user).filter(pk__in=pks).values_list("pk", flat=True))


def _render_run(
    request: HttpRequest,
    run: PlanRun,
    *,
    accept_form: AcceptForm | WeekAcceptForm | None = None,
    refused: str = "",
    status: int = 400,
    replan_week: bool = False,
) -> HttpResponse:
    user = signed_in_user(request)
    result = selectors.run_result(run, user=user)
    if accept_form is None:
        accept_form = (
            WeekAcceptForm()
            if run.kind == RunKind.WEEK
            else AcceptForm(initial={"effective_from": services.default_effective_from(run)})
        )
    # The losses of the date the form asks for (a re-plan replaces what is in force then),
    # else of the date it offers.
    losses = run_losses(run, effective_from=_chosen_start(accept_form))
    audit_reads(actor=user, student_ids=_run_students(run, user, losses), page="plan_run", obj=run)
    context = {
        "run": run,
        "result": result,
        "losses": named_losses(run, user=user, losses=losses),
        # Said before the shortfalls: a caseload past the contract cannot be planned whole.
        "capacities": run_capacities(run, result) if run.status == RunStatus.DONE else [],
        "accept_form": accept_form,
        "refused": refused,
        # The week changed since this one-week run: one click makes a new one.
        "replan_provider": run.providers.get() if replan_week else None,
        "can_decide": run.status == RunStatus.DONE
        and run.decision == RunDecision.PENDING
        and can_decide_run(user, run),
    }
    return render(request, "planning/run.html", context, status=status if refused else 200)


def _chosen_start(form: AcceptForm | WeekAcceptForm) -> dt.date | None:
    if not form.is_bound or not form.is_valid():
        return None
    start = form.cleaned_data.get("effective_from")
    return start if isinstance(start, dt.date) else None


def _refused(
    request: HttpRequest,
    run: PlanRun,
    form: AcceptForm | WeekAcceptForm,
    error: services.AcceptRefused,
) -> HttpResponse:
    # Another accept won the race: 409, the page as it was, and the run still undecided.
    status = 409 if isinstance(error, services.AcceptedMeanwhile) else 400
    refused = f"Not accepted: {str(error).rstrip('.')}."
    return _render_run(
        request,
        run,
        accept_form=form,
        refused=refused,
        status=status,
        replan_week=isinstance(error, services.WeekChangedSinceRun),
    )


@login_required
@require_GET
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress line; once the run is finished, the page reloads to show the plan."""
    run = plan_run_for_user(signed_in_user(request), pk)
    if run.is_finished and request.headers.get("HX-Request") == "true":
        return HttpResponseClientRefresh()
    return render(request, "planning/_run_progress.html", {"run": run})


@login_required
@require_POST
def run_accept(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    run = plan_run_to_decide(user, pk)
    if run.kind == RunKind.WEEK:
        return _accept_week(request, run, user)
    form = AcceptForm(request.POST)
    if not form.is_valid():
        return _render_run(request, run, accept_form=form, refused="Check the form below.")
    start = form.cleaned_data["effective_from"]
    try:
        schedules = services.plan_accept(
            run=run,
            user=user,
            effective_from=start,
            losses_confirmed=form.cleaned_data["confirm_losses"],
        )
    except services.AcceptRefused as error:
        return _refused(request, run, form, error)
    messages.success(request, f"Accepted: the standing weekly schedule from {start:%A %B %-d}.")
    if len(schedules) == 1:
        return redirect("planning:schedule", pk=schedules[0].provider_id)
    return redirect("planning:home")


def _accept_week(request: HttpRequest, run: PlanRun, user: User) -> HttpResponse:
    form = WeekAcceptForm(request.POST)
    if not form.is_valid():
        return _render_run(request, run, accept_form=form, refused="Check the form below.")
    try:
        change = services.week_plan_accept(
            run=run,
            user=user,
            losses_confirmed=form.cleaned_data["confirm_losses"],
            reason=form.cleaned_data["reason"],
        )
    except services.AcceptRefused as error:
        return _refused(request, run, form, error)
    assert run.week_of is not None
    messages.success(
        request,
        f"Applied to the week of {run.week_of:%B %-d} only: {change.moved} moved, "
        f"{change.added} added, {change.called_off} called off. Other weeks are unchanged.",
    )
    return redirect(f"{reverse('sessions:week')}?date={run.week_of.isoformat()}")


@login_required
@require_POST
def run_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Stop a plan that is queued or running; the worker stops the solver."""
    user = signed_in_user(request)
    run = plan_run_to_decide(user, pk)
    try:
        services.plan_run_cancel(run=run, user=user)
    except services.AcceptRefused as error:
        messages.error(request, f"Not cancelled: {error}.")
    else:
        messages.success(request, "Cancelled: the solver stops and nothing changes.")
    return redirect("planning:run", pk=run.pk)


@login_required
@require_POST
def run_reject(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    run = plan_run_to_decide(user, pk)
    try:
        services.plan_reject(run=run, user=user)
    except services.AcceptRefused as error:
        messages.error(request, f"Not rejected: {error}.")
        return redirect("planning:run", pk=run.pk)
    messages.success(request, "Rejected: the standing schedule stays as it was.")
    return redirect("planning:run", pk=run.pk)


@login_required
@require_GET
def standing_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    """The provider's accepted weekly schedule: the grid, moves and pins."""
    user = signed_in_user(request)
    provider = provider_for_user(user, pk)
    editable = can_plan_for(user, provider)
    page = selectors.schedule_page(provider, editable=editable)
    if page.schedule is not None:
        shown = ScheduledSessionStudent.objects.filter(session__schedule=page.schedule)
        audit_reads(
            actor=user,
            student_ids=shown.values_list("student_id", flat=True),
            page="schedule",
            obj=page.schedule,
        )
    return render(
        request,
        "planning/schedule.html",
        {"provider": provider, "page": page, "editable": editable},
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a session to another block or start; the engine's checker judges the move."""
    user = signed_in_user(request)
    session = scheduled_session_for_user(user, pk, replaced_too=request.method == "POST")
    offers = move_offers(session)
    form = MoveForm(request.POST or None, session=session, offers=offers)
    refused: list[str] = []
    status = 200
    if request.method == "POST" and form.is_valid():
        block = form.cleaned_data["block"]
        try:
            services.session_move(
                session=session,
                user=user,
                block=block,
                start=form.cleaned_data["start"],
                pin=form.cleaned_data["pin"],
                version=form.cleaned_data["version"],
            )
        except services.PlanRefused as error:
            refused = _refusal_words(error, user)
        except EditConflict as conflict:
            # The block and time they chose stay in the form (reload to see theirs).
            form.add_error(None, str(conflict))
            status = 409
        else:
            poorer = fit_warnings(offers, block.pk)
            if poorer:
                messages.warning(
                    request,
                    "Moved, to a poorer fit: " + " ".join(poorer) + " It passes every rule.",
                )
            else:
                messages.success(request, "Moved. The schedule still passes every rule.")
            return redirect("planning:schedule", pk=session.schedule.provider_id)
    fits = GoalFits(session.schedule.provider.district)
    view = selectors.standing_views([offers.session], with_urls=False, names=True, fits=fits)[0]
    audit_reads(
        actor=user,
        student_ids=session.members.values_list("student_id", flat=True),
        page="session_move",
        obj=session,
    )
    return render(
        request,
        "planning/session_move.html",
        {"session": session, "view": view, "form": form, "refused": refused, "offers": offers},
        status=status if status != 200 else 400 if refused or form.errors else 200,
    )


@login_required
@require_POST
def session_pin(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    session = scheduled_session_for_user(user, pk, replaced_too=True)
    form = PinForm(request.POST)
    form.is_valid()
    pinned = bool(form.cleaned_data.get("pinned"))
    try:
        services.session_pin_set(
            session=session, user=user, pinned=pinned, version=form.cleaned_data.get("version")
        )
    except EditConflict as conflict:
        messages.error(request, str(conflict))  # a click, nothing typed: back to the page
    else:
        messages.success(request, "Pinned: a re-plan keeps it." if pinned else "Unpinned.")
    return redirect("planning:schedule", pk=session.schedule.provider_id)


@login_required
@require_http_methods(["GET", "POST"])
def calendar_settings(request: HttpRequest, pk: int) -> HttpResponse:
    """The secret address of the provider's calendar feed; a new one revokes the old."""
    user = signed_in_user(request)
    provider = plannable_provider_for_user(user, pk)
    if request.method == "POST":
        form = CalendarForm(request.POST)
        if form.is_valid():
            if form.cleaned_data["action"] == "regenerate":
                services.calendar_token_regenerate(provider=provider, user=user)
                messages.success(request, "A new calendar address is ready; the old one is off.")
            else:
                services.calendar_token_revoke(provider=provider, user=user)
                messages.success(request, "The calendar feed is off.")
        return redirect("planning:calendar", pk=provider.pk)
    feed_url = ""
    if provider.calendar_token and can_see_calendar_address(user, provider):
        feed_url = request.build_absolute_uri(
            reverse("planning:calendar_feed", args=[provider.calendar_token])
        )
    context = {"provider": provider, "feed_url": feed_url, "feed_on": bool(provider.calendar_token)}
    return render(request, "planning/calendar.html", context)


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The .ics feed; the secret token in the address is the only key, and only while its
    owner is an active provider (a deactivated account's calendar must not keep serving)."""
    if len(token) < 32:
        raise Http404("No such calendar")
    provider = (
        Provider.objects.filter(
            calendar_token=token, user__is_active=True, user__role=Role.PROVIDER
        )
        .select_related("district", "user")
        .first()
    )
    if provider is None:
        raise Http404("No such calendar")
    feed = provider_feed(provider)
    # Read without a sign-in: the feed's owner is the actor (the token is theirs).
    audit_reads(actor=provider.user, student_ids=feed.student_ids, page="calendar_feed")
    response = HttpResponse(feed.body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="pushin.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
