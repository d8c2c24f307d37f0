"""The district pages: classrooms and their week, schools and travel, provider weeks,
settings and the administrator's dashboard.

Each view: parse, one access helper, one service or selector, render. Objects a user may
not see answer 404; a page a user may see but not change answers 403 to a change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.middleware import HtmxDetails

from pushin.accounts.audit import audit_reads
from pushin.accounts.http import signed_in_user
from pushin.accounts.models import Role, User
from pushin.collaboration import services as collaboration_services
from pushin.concurrency import EditConflict
from pushin.district import selectors, services
from pushin.district.access import (
    can_edit_availability,
    can_edit_district,
    can_edit_timetable,
    can_view_schools,
    classroom_for_user,
    classrooms_visible_to,
    district_for_user,
    provider_for_user,
    schools_visible_to,
)
from pushin.district.forms import (
    BUSY_LABELS,
    AvailabilityForm,
    BlockEditForm,
    BlockForm,
    BusyTimeForm,
    ClosureForm,
    ExceptionForm,
    MakeupPolicyForm,
    PlanningRulesForm,
    ProgressPeriodForm,
    ProviderHoursForm,
    RecordsStartForm,
    SchoolForm,
    SchoolYearForm,
    SessionIdleForm,
    TravelForm,
)
from pushin.district.models import (
    ActivityBlock,
    Classroom,
    Provider,
    School,
    TimetableException,
)
from pushin.progress.reports import services as report_services
from pushin.progress.reports.codes import code_words
from pushin.progress.reports.forms import ProgressCodeWordsForm
from pushin.query import date_param
from pushin.sessions.conflicts import SessionsHit, sessions_outside_hours, sessions_words
from pushin.sessions.models import DatedSession
from pushin.timespans import monday_of
from pushin.vocabulary import in_week_order


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


# --- Classrooms -------------------------------------------------------------------------


@login_required
def classroom_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not user.is_superuser and user.role not in (Role.TEACHER, Role.PROVIDER, Role.ADMIN):
        raise Http404("No classrooms")
    rooms = classrooms_visible_to(user)
    if user.role == Role.TEACHER and not user.is_superuser:
        own = list(rooms.values_list("pk", flat=True)[:2])
        if len(own) == 1:
            return redirect("district:timetable", pk=own[0])
    return render(
        request,
        "district/classroom_list.html",
        {"groups": selectors.classrooms_by_school(rooms)},
    )


# --- A classroom's week -----------------------------------------------------------------


def _week_of(request: HttpRequest) -> dt.date:
    params = request.POST if request.POST.get("week") else request.GET
    return date_param(params, "week", default=timezone.localdate())


def _timetable_url(classroom: Classroom, week_of: dt.date) -> str:
    return f"{reverse('district:timetable', args=[classroom.pk])}?week={week_of:%Y-%m-%d}"


def _render_timetable(
    request: HtmxHttpRequest,
    classroom: Classroom,
    *,
    block_form: BlockForm | None = None,
    exception_form: ExceptionForm | None = None,
    edit_block: ActivityBlock | None = None,
    edit_form: BlockForm | None = None,
    notice: str = "",
    status: int = 200,
) -> HttpResponse:
    user = signed_in_user(request)
    week_of = _week_of(request)
    today = timezone.localdate()
    editable = can_edit_timetable(user, classroom)
    week = selectors.timetable_week(
        classroom,
        week_of=week_of,
        block_url=(lambda pk: reverse("district:block_edit", args=[classroom.pk, pk]))
        if editable
        else None,
    )
    context: dict[str, Any] = {
        "classroom": classroom,
        "editable": editable,
        "week": week,
        "week_value": f"{week.monday:%Y-%m-%d}",
        "prev_week": f"{week.monday - dt.timedelta(days=7):%Y-%m-%d}",
        "next_week": f"{week.monday + dt.timedelta(days=7):%Y-%m-%d}",
        "this_week": f"{monday_of(today):%Y-%m-%d}",
        "exceptions": selectors.classroom_exceptions(classroom, today=today),
        "block_form": block_form or BlockForm(),
        "exception_form": exception_form
        or ExceptionForm(initial={"date": max(today, classroom.school.district.school_year_start)}),
        "edit_block": edit_block,
        "edit_form": edit_form,
        "notice": notice,
    }
    template = "district/_timetable_body.html" if request.htmx else "district/timetable.html"
    return render(request, template, context, status=status)


def _editable_classroom(request: HttpRequest, pk: int) -> Classroom:
    user = signed_in_user(request)
    classroom = classroom_for_user(user, pk)
    if not can_edit_timetable(user, classroom):
        raise PermissionDenied("This timetable is read-only for you.")
    return classroom


def _after_timetable_change(
    request: HtmxHttpRequest, classroom: Classroom, notice: str
) -> HttpResponse:
    if request.htmx:
        return _render_timetable(request, classroom, notice=notice)
    messages.success(request, notice)
    return redirect(_timetable_url(classroom, _week_of(request)))


@login_required
def timetable(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    classroom = classroom_for_user(signed_in_user(request), pk)
    return _render_timetable(request, classroom)


@login_required
@require_POST
def block_create(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    classroom = _editable_classroom(request, pk)
    form = BlockForm(request.POST)
    if form.is_valid():
        try:
            block = services.block_create(
                actor=signed_in_user(request), classroom=classroom, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _after_timetable_change(request, classroom, f"Added {block}.")
    return _render_timetable(request, classroom, block_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def block_edit(request: HtmxHttpRequest, pk: int, block_pk: int) -> HttpResponse:
    classroom = _editable_classroom(request, pk)
    block = get_object_or_404(ActivityBlock, pk=block_pk, classroom=classroom)
    user = signed_in_user(request)
    if request.method == "POST" and request.POST.get("action") == "delete":
        label = str(block)
        form = BlockEditForm(request.POST)
        form.is_valid()
        try:
            collaboration_services.timetable_block_delete(
                actor=user, block=block, version=form.cleaned_data.get("version")
            )
        except EditConflict as conflict:
            # Not deleted: the timetable as it now is, the block's form to look again.
            block.refresh_from_db()
            return _render_timetable(
                request,
                classroom,
                edit_block=block,
                edit_form=BlockEditForm.of(block),
                notice=str(conflict),
                status=409,
            )
        return _after_timetable_change(request, classroom, f"Deleted {label}.")
    if request.method == "POST":
        form = BlockEditForm(request.POST)
        status = 200
        if form.is_valid():
            try:
                block = _block_update(user, block, form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            except EditConflict as conflict:
                # What they entered stays in the form (and its version, so saving again
                # is refused until they reload and see the other change).
                form.add_error(None, str(conflict))
                block.refresh_from_db()
                status = 409
            else:
                return _after_timetable_change(request, classroom, f"Saved {block}.")
        return _render_timetable(
            request, classroom, edit_block=block, edit_form=form, status=status
        )
    form = BlockEditForm.of(block)
    context = {
        "classroom": classroom,
        "edit_block": block,
        "edit_form": form,
        "week_value": f"{_week_of(request):%Y-%m-%d}",
    }
    template = "district/_block_edit.html" if request.htmx else "district/block_edit.html"
    return render(request, template, context)


# A change of the week is news for the room's other providers, whoever makes it: the
# collaboration services record it as a report from the teacher portal would
# (notifications naming the weekly sessions it may break, flags).


def _block_update(user: User, block: ActivityBlock, data: dict[str, Any]) -> ActivityBlock:
    return collaboration_services.timetable_block_edit(actor=user, block=block, **data)[0]


def _exception_create(user: User, classroom: Classroom, data: dict[str, Any]) -> TimetableException:
    if user.role == Role.TEACHER:
        return collaboration_services.teacher_dated_change_report(
            actor=user, classroom=classroom, **data
        )[0]
    return services.timetable_exception_create(actor=user, classroom=classroom, **data)


@login_required
@require_POST
def exception_create(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    classroom = _editable_classroom(request, pk)
    form = ExceptionForm(request.POST)
    if form.is_valid():
        try:
            exception = _exception_create(signed_in_user(request), classroom, form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _after_timetable_change(request, classroom, f"Recorded {exception}.")
    return _render_timetable(request, classroom, exception_form=form)


@login_required
@require_POST
def exception_delete(request: HtmxHttpRequest, pk: int, exception_pk: int) -> HttpResponse:
    classroom = _editable_classroom(request, pk)
    exception = get_object_or_404(classroom.exceptions, pk=exception_pk)
    label = str(exception)
    services.timetable_exception_delete(actor=signed_in_user(request), exception=exception)
    return _after_timetable_change(request, classroom, f"Deleted the exception {label}.")


# --- Schools and travel -----------------------------------------------------------------


def _school_from(schools: Any, pk: int | None) -> School:
    try:
        return cast(School, schools.get(pk=pk))
    except School.DoesNotExist:
        raise Http404("No such school") from None


@login_required
@require_http_methods(["GET", "POST"])
def schools(request: HtmxHttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not can_view_schools(user):
        raise Http404("No schools")
    district = district_for_user(user)
    visible = schools_visible_to(user).filter(district=district).order_by("name", "pk")
    editable = can_edit_district(user)
    school_form = SchoolForm()
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("Only the district administrator changes schools.")
        if request.POST.get("action") == "travel":
            return _travel_cell_post(request, visible)
        school_form = SchoolForm(request.POST)
        if school_form.is_valid():
            try:
                school = services.school_create(
                    actor=user, district=district, **school_form.cleaned_data
                )
            except ValidationError as error:
                school_form.add_error(None, error)
            else:
                messages.success(request, f"Added {school.name}. Now fill in its travel times.")
                return redirect("district:schools")
    school_list = list(visible)
    return render(
        request,
        "district/schools.html",
        {
            "district": district,
            "schools": school_list,
            "matrix": selectors.travel_matrix(school_list),
            "editable": editable,
            "school_form": school_form,
        },
    )


def _travel_cell_post(request: HtmxHttpRequest, visible: Any) -> HttpResponse:
    form = TravelForm(request.POST)
    a_pk = _int_or_none(request.POST.get("a"))
    b_pk = _int_or_none(request.POST.get("b"))
    a = _school_from(visible, a_pk)
    b = _school_from(visible, b_pk)
    error = ""
    if form.is_valid():
        try:
            services.travel_minutes_set(
                actor=signed_in_user(request), a=a, b=b, minutes=form.cleaned_data["minutes"]
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, f"Saved the travel time {a.name} to {b.name}.")
        return redirect("district:schools")
    cell = selectors.travel_cell(a, b)
    return render(
        request,
        "district/_travel_cell.html",
        {
            "cell": cell,
            "mirror": selectors.travel_cell(b, a),
            "editable": True,
            "error": error,
            "typed": request.POST.get("minutes", ""),
            "oob": True,
        },
    )


def _apply(form: Any, call: Callable[[dict[str, Any]], object]) -> bool:
    """Validate `form`, then run the service; a refusal becomes the form's errors."""
    if not form.is_valid():
        return False
    try:
        call(form.cleaned_data)
    except ValidationError as error:
        form.add_error(None, error)
        return False
    return True


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


# --- A provider's week ------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def availability(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    provider = provider_for_user(user, pk)
    editable = can_edit_availability(user, provider)
    schools_qs = provider.district.schools.order_by("name")
    forms: dict[str, Any] = {
        "window_form": AvailabilityForm(schools=schools_qs),
        "busy_form": BusyTimeForm(),
        "hours_form": ProviderHoursForm(
            initial={
                "contracted_minutes_per_week": provider.contracted_minutes_per_week,
                "max_direct_minutes_per_day": provider.max_direct_minutes_per_day,
            }
        ),
        "records_form": RecordsStartForm(initial={"records_start": provider.records_start}),
    }
    notice = ""
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("You may view this week but not change it.")
        result = _availability_post(request, provider, schools_qs)
        if isinstance(result, str):
            if not request.htmx:
                messages.success(request, result)
                return redirect("district:availability", pk=provider.pk)
            notice = result
        else:
            forms.update(result)
    context = {
        "provider": provider,
        "editable": editable,
        "grid": selectors.availability_week(provider),
        "windows": in_week_order(provider.availability.select_related("school")),
        "busy_times": in_week_order(provider.busy_times.all()),
        "busy_labels": BUSY_LABELS,
        "to_replan": sessions_outside_hours(provider),
        "notice": notice,
        **forms,
    }
    template = "district/_availability_body.html" if request.htmx else "district/availability.html"
    return render(request, template, context)


def _left_to_replan(hits: list[DatedSession]) -> str:
    if not hits:
        return ""
    return f" It affects {sessions_words(hits)}: re-plan them (listed under Sessions to re-plan)."


def _availability_post(
    request: HttpRequest, provider: Provider, schools_qs: Any
) -> str | dict[str, Any]:
    """Apply one change: a notice on success, else the bound form with its errors."""
    user = signed_in_user(request)
    action = request.POST.get("action")
    if action == "window_delete":
        window = get_object_or_404(provider.availability, pk=_int_or_none(request.POST.get("id")))
        label = str(window)
        try:
            hits = services.availability_delete(
                actor=user, window=window, confirm=request.POST.get("confirm") == "1"
            )
        except SessionsHit as error:
            return {"window_hit": {"window": window, "message": error.message}}
        return f"Deleted the window {label}.{_left_to_replan(hits)}"
    if action == "busy_delete":
        busy = get_object_or_404(provider.busy_times, pk=_int_or_none(request.POST.get("id")))
        label = str(busy)
        services.busy_time_delete(actor=user, busy=busy)
        return f"Deleted the busy time {label}."
    if action == "window_add":
        window_form = AvailabilityForm(request.POST, schools=schools_qs)
        if window_form.is_valid():
            try:
                window = services.availability_create(
                    actor=user, provider=provider, **window_form.cleaned_data
                )
            except ValidationError as error:
                window_form.add_error(None, error)
            else:
                return f"Added the window {window}."
        return {"window_form": window_form}
    if action == "busy_add":
        busy_form = BusyTimeForm(request.POST)
        if busy_form.is_valid():
            try:
                busy, hits = services.busy_time_create(
                    actor=user, provider=provider, **busy_form.cleaned_data
                )
            except SessionsHit as error:
                busy_form.add_error(None, error)
                return {"busy_form": busy_form, "busy_hit": True}
            except ValidationError as error:
                busy_form.add_error(None, error)
            else:
                return f"Added the busy time {busy}.{_left_to_replan(hits)}"
        return {"busy_form": busy_form}
    if action == "hours":
        hours_form = ProviderHoursForm(request.POST)
        if hours_form.is_valid():
            try:
                services.provider_hours_update(
                    actor=user, provider=provider, **hours_form.cleaned_data
                )
            except ValidationError as error:
                hours_form.add_error(None, error)
            else:
                return "Saved the contracted hours."
        return {"hours_form": hours_form}
    if action == "records_start":
        records_form = RecordsStartForm(request.POST)
        if _apply(
            records_form,
            lambda data: services.provider_records_start_set(actor=user, provider=provider, **data),
        ):
            return _records_start_notice(records_form.cleaned_data["records_start"])
        return {"records_form": records_form}
    raise Http404("Unknown action")


def _records_start_notice(day: dt.date | None) -> str:
    if day is None:
        return "Cleared your own records start: the district's applies."
    return f"Saved the records start: {day:%b %d, %Y}."


# --- Settings ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def district_settings(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not can_edit_district(user):
        raise Http404("No settings")
    district = district_for_user(user)
    current = {p.reason: p.owed for p in district.makeup_policies.all()}
    forms: dict[str, Any] = {
        "year_form": SchoolYearForm(
            initial={"start": district.school_year_start, "end": district.school_year_end}
        ),
        "closure_form": ClosureForm(),
        "policy_form": MakeupPolicyForm(current=current),
        "period_form": ProgressPeriodForm(),
        "records_form": RecordsStartForm(initial={"records_start": district.records_start}),
        "idle_form": SessionIdleForm(
            initial={"session_idle_minutes": district.session_idle_minutes}
        ),
        "codes_form": ProgressCodeWordsForm(current=code_words(district.pk)),
        "planning_form": PlanningRulesForm(
            initial={
                "one_pull_out_a_day": district.one_pull_out_a_day,
                "min_fit": district.min_fit,
            }
        ),
    }
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "closure_delete":
            closure = get_object_or_404(district.closures, pk=_int_or_none(request.POST.get("id")))
            services.closure_delete(actor=user, closure=closure)
            messages.success(request, f"Deleted the closure {closure.name}.")
            return redirect("district:settings")
        if action == "period_delete":
            period = get_object_or_404(
                district.progress_periods, pk=_int_or_none(request.POST.get("id"))
            )
            try:
                services.progress_period_delete(actor=user, period=period)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, f"Deleted the progress period {period.name}.")
            return redirect("district:settings")
        posted: dict[str, tuple[str, Any, Callable[[dict[str, Any]], object], str]] = {
            "year": (
                "year_form",
                SchoolYearForm,
                lambda data: services.school_year_update(actor=user, district=district, **data),
                "Saved the school year.",
            ),
            "closure_add": (
                "closure_form",
                ClosureForm,
                lambda data: services.closure_create(actor=user, district=district, **data),
                "Added the closure.",
            ),
            "period_add": (
                "period_form",
                ProgressPeriodForm,
                lambda data: services.progress_period_create(actor=user, district=district, **data),
                "Added the progress period.",
            ),
            "policy": (
                "policy_form",
                lambda data: MakeupPolicyForm(data, current=current),
                lambda data: services.makeup_policy_set(
                    actor=user, district=district, owed={k: bool(data.get(k)) for k in data}
                ),
                "Saved the makeup policy.",
            ),
            "records_start": (
                "records_form",
                RecordsStartForm,
                lambda data: services.district_records_start_set(
                    actor=user, district=district, **data
                ),
                "Saved the records start.",
            ),
            "session_idle": (
                "idle_form",
                SessionIdleForm,
                lambda data: services.district_session_idle_set(
                    actor=user, district=district, **data
                ),
                "Saved the idle sign-out.",
            ),
            "planning_rules": (
                "planning_form",
                PlanningRulesForm,
                lambda data: services.district_planning_rules_set(
                    actor=user, district=district, **data
                ),
                "Saved the planning rules.",
            ),
            "progress_codes": (
                "codes_form",
                lambda data: ProgressCodeWordsForm(data),
                lambda data: report_services.progress_code_words_set(
                    actor=user, district=district, words=data
                ),
                "Saved the words of the progress codes.",
            ),
        }
        if action not in posted:
            raise Http404("Unknown action")
        name, make_form, call, notice = posted[action]
        form = make_form(request.POST)
        if _apply(form, call):
            messages.success(request, notice)
            return redirect("district:settings")
        forms[name] = form
    return render(
        request,
        "district/settings.html",
        {
            "district": district,
            "closures": district.closures.all(),
            "periods": district.progress_periods.all(),
            **forms,
        },
    )


# --- Dashboard --------------------------------------------------------------------------


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not can_edit_district(user):
        raise Http404("No dashboard")
    district = district_for_user(user)
    on = date_param(request.GET, "on", default=timezone.localdate())
    data = selectors.district_dashboard(district, on=on)
    # The alerts name students by number with their IEP dates: a read of those records.
    audit_reads(
        actor=user, student_ids=(a.student.pk for a in data.alerts.alerts), page="dashboard"
    )
    return render(request, "district/dashboard.html", {"district": district, "data": data})
