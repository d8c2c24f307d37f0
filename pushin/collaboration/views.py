"""The strategy library, students' strategies and their uses, the teacher portal, the
para's carryover cards, and notifications.

Each view: parse, one access helper, one service or selector, render. Objects a user may
not see answer 404; something a user sees but may not change answers 403 to a change.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pushin.accounts.audit import audit_reads
from pushin.accounts.forms import add_service_errors
from pushin.accounts.http import is_htmx, signed_in_user
from pushin.caseload.access import StudentAccess, student_for_user
from pushin.caseload.models import Student
from pushin.collaboration import followups, selectors, services
from pushin.collaboration.access import (
    can_add_strategy,
    can_edit_strategy,
    can_log_use,
    can_manage_student_strategies,
    is_library_user,
    is_para,
    notification_for_user,
    portal_classroom_for_user,
    portal_classrooms_for,
    strategy_for_user,
    student_strategy_for_user,
)
from pushin.collaboration.forms import (
    DatedChangeForm,
    DomainFilterForm,
    PreferenceForm,
    StrategyForm,
    StrategyUseForm,
    StudentStrategyAddForm,
    StudentStrategyEditForm,
    TwoTapForm,
    WeekForm,
    WeeklyChangeForm,
)
from pushin.collaboration.models import Strategy, StudentStrategy
from pushin.district.access import district_for_user
from pushin.district.models import ActivityBlock, Classroom
from pushin.query import check_date_params
from pushin.sessions.models import SessionStudent
from pushin.timespans import monday_of
from pushin.vocabulary import Domain

NOTIFICATIONS_PER_PAGE = 50
STRATEGIES_PER_PAGE = 60  # strategy cards a page shows (the 52 starters fit on one)


def _errors_text(form: Any) -> str:
    return " ".join(str(m) for errors in form.errors.values() for m in errors)


# --- The library ----------------------------------------------------------------------------


@login_required
@require_GET
def strategy_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not is_library_user(user):
        raise Http404("No library")
    district = district_for_user(user)
    form = DomainFilterForm(request.GET or None)
    domain, query = "", ""
    if form.is_valid():
        domain, query = form.cleaned_data["domain"], form.cleaned_data["q"].strip()
    strategies = selectors.library(district.pk, domain=domain, query=query)
    page = Paginator(strategies, STRATEGIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "collaboration/strategy_list.html",
        {
            "form": form,
            "strategies": page.object_list,
            "page": page,
            "domain_label": dict(Domain.choices).get(domain, ""),
            "can_add": can_add_strategy(user),
            "editable": {s.pk for s in page.object_list if can_edit_strategy(user, s)},
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def strategy_create(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not is_library_user(user):
        raise Http404("No library")
    if not can_add_strategy(user):
        raise PermissionDenied("Only providers add strategies.")
    form = StrategyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            strategy = services.strategy_create(
                actor=user, district=district_for_user(user), **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Added {strategy.name} to the library.")
            return redirect("collaboration:strategy", pk=strategy.pk)
    return render(request, "collaboration/strategy_form.html", {"form": form, "strategy": None})


@login_required
@require_GET
def strategy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    strategy = strategy_for_user(user, pk)
    return render(
        request,
        "collaboration/strategy_detail.html",
        {
            "strategy": strategy,
            "printable": selectors.printable_url(strategy.printable),
            "can_edit": can_edit_strategy(user, strategy),
            "in_library": is_library_user(user),
        },
    )


def _editable_strategy(request: HttpRequest, pk: int) -> Strategy:
    user = signed_in_user(request)
    strategy = strategy_for_user(user, pk)
    if not can_edit_strategy(user, strategy):
        raise PermissionDenied("You may read this strategy but not change it.")
    return strategy


@login_required
@require_http_methods(["GET", "POST"])
def strategy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    strategy = _editable_strategy(request, pk)
    form = StrategyForm(request.POST or None, instance=strategy)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            strategy = services.strategy_update(
                actor=signed_in_user(request), strategy=strategy, **data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved {strategy.name}.")
            return redirect("collaboration:strategy", pk=strategy.pk)
    # The ModelForm wrote the posted values onto the instance; show the stored name.
    strategy.refresh_from_db()
    return render(request, "collaboration/strategy_form.html", {"form": form, "strategy": strategy})


@login_required
@require_POST
def strategy_delete(request: HttpRequest, pk: int) -> HttpResponse:
    strategy = _editable_strategy(request, pk)
    name = strategy.name
    try:
        services.strategy_delete(actor=signed_in_user(request), strategy=strategy)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("collaboration:strategy", pk=strategy.pk)
    messages.success(request, f"Removed {name} from the library.")
    return redirect("collaboration:strategies")


# --- A student's strategies -----------------------------------------------------------------


def _student_page(student_pk: int) -> str:
    return reverse("caseload:student", args=[student_pk]) + "#carryover"


def _render_panel(
    request: HttpRequest,
    student: Student,
    *,
    add_form: StudentStrategyAddForm | None = None,
    error: str = "",
    notice: str = "",
) -> HttpResponse:
    user = signed_in_user(request)
    panel = selectors.student_panel(user, student, can_manage=can_manage_student_strategies(user))
    services.student_strategies_read_audit(  # one entry, even when the student has none
        actor=user, student=student, links=[v.link for v in panel.links], page="strategies"
    )
    return render(
        request,
        "collaboration/_student_strategies.html",
        {
            "panel": panel,
            "student": student,
            "add_form": add_form,
            "error": error,
            "notice": notice,
            "today": timezone.localdate(),
        },
    )


def _after_panel_change(
    request: HttpRequest, student: Student, *, notice: str = "", error: str = ""
) -> HttpResponse:
    if is_htmx(request):
        return _render_panel(request, student, notice=notice, error=error)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, notice)
    return redirect(_student_page(student.pk))


@login_required
@require_http_methods(["GET", "POST"])
def student_strategies(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the strategies panel of a student (htmx refresh). POST: choose a strategy."""
    user = signed_in_user(request)
    student = student_for_user(user, pk)
    if not StudentAccess.for_user(user).carryover:
        raise Http404("No strategies")
    if request.method == "GET":
        return _render_panel(request, student)
    if not can_manage_student_strategies(user):
        raise PermissionDenied("The student's providers choose strategies.")
    form = StudentStrategyAddForm(
        request.POST, library=Strategy.objects.filter(district_id=student.district_id)
    )
    if form.is_valid():
        try:
            link = services.student_strategy_add(actor=user, student=student, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _after_panel_change(
                request, student, notice=f"Added {link.strategy.name} for the student."
            )
    return _after_panel_change(request, student, error="Not added: " + _errors_text(form))


def _managed_link(request: HttpRequest, pk: int) -> StudentStrategy:
    user = signed_in_user(request)
    link = student_strategy_for_user(user, pk)
    if not can_manage_student_strategies(user):
        raise PermissionDenied("The student's providers change the student's strategies.")
    return link


@login_required
@require_POST
def student_strategy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    link = _managed_link(request, pk)
    form = StudentStrategyEditForm(request.POST)
    if not form.is_valid():
        return _after_panel_change(request, link.student, error=_errors_text(form))
    try:
        services.student_strategy_update(
            actor=signed_in_user(request), link=link, **form.cleaned_data
        )
    except ValidationError as error:
        return _after_panel_change(request, link.student, error=" ".join(error.messages))
    return _after_panel_change(request, link.student, notice=f"Saved {link.strategy.name}.")


@login_required
@require_POST
def student_strategy_active(request: HttpRequest, pk: int) -> HttpResponse:
    link = _managed_link(request, pk)
    active = request.POST.get("active") == "1"
    services.student_strategy_set_active(actor=signed_in_user(request), link=link, active=active)
    verb = "Brought back" if active else "Retired"
    return _after_panel_change(request, link.student, notice=f"{verb} {link.strategy.name}.")


@login_required
@require_POST
def strategy_use_create(request: HttpRequest, pk: int) -> HttpResponse:
    """The provider's log of a use (with the session), or the para's second tap."""
    user = signed_in_user(request)
    link = student_strategy_for_user(user, pk)
    if not can_log_use(user, link):
        raise PermissionDenied("You may read this card but not log uses of it.")
    if is_para(user):
        return _two_tap(request, link)
    records = SessionStudent.objects.filter(student_id=link.student_id).select_related("session")
    form = StrategyUseForm(request.POST, records=records)
    if not form.is_valid():
        return _after_panel_change(request, link.student, error=_errors_text(form))
    try:
        services.strategy_use_log(actor=user, link=link, **form.cleaned_data)
    except ValidationError as error:
        return _after_panel_change(request, link.student, error=" ".join(error.messages))
    return _after_panel_change(
        request, link.student, notice=f"Logged a use of {link.strategy.name}."
    )


def _two_tap(request: HttpRequest, link: StudentStrategy) -> HttpResponse:
    user = signed_in_user(request)
    today = timezone.localdate()
    form = TwoTapForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            services.strategy_use_log(actor=user, link=link, outcome=form.cleaned_data["outcome"])
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = "Tap how the student responded: worked, partly or did not work."
    if not is_htmx(request):
        if error:
            messages.error(request, error)
        else:
            messages.success(request, f"Logged {link.strategy.name}.")
        return redirect(reverse("collaboration:carryover") + f"#card-{link.pk}")
    return render(
        request,
        "collaboration/_carryover_card.html",
        {"card": selectors.card_for(user, link, today), "error": error, "just_logged": not error},
    )


# --- The para's carryover page --------------------------------------------------------------


@login_required
@require_GET
def carryover(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not is_para(user):
        raise Http404("No carryover page")
    groups = selectors.carryover_cards(user, timezone.localdate())
    services.carryover_read_audit(
        actor=user, links=[c.link for g in groups for c in g.cards], page="carryover"
    )
    return render(request, "collaboration/carryover.html", {"groups": groups})


# --- The teacher portal ---------------------------------------------------------------------


@login_required
@require_GET
def portal_home(request: HttpRequest) -> HttpResponse:
    rooms = list(portal_classrooms_for(signed_in_user(request)))
    if not rooms:
        raise Http404("No classroom")
    if len(rooms) == 1:
        return redirect("collaboration:portal", pk=rooms[0].pk)
    return render(request, "collaboration/portal_choose.html", {"rooms": rooms})


def _portal_monday(request: HttpRequest) -> dt.date:
    form = WeekForm(request.GET or None)
    check_date_params(form)
    return form.monday(timezone.localdate())


def _render_portal(
    request: HttpRequest,
    classroom: Classroom,
    *,
    monday: dt.date | None = None,
    dated_form: DatedChangeForm | None = None,
) -> HttpResponse:
    user = signed_in_user(request)
    monday = monday or _portal_monday(request)
    portal = selectors.teacher_portal(
        classroom,
        teacher=user,
        monday=monday,
        sessions=selectors.week_visits(classroom, monday),
    )
    services.carryover_read_audit(
        actor=user,
        links=[c.link for s in portal.students for c in s.cards],
        page="teacher_portal",
    )
    audit_reads(  # the students shown without a strategy card: their entry too
        actor=user,
        student_ids=(s.student.pk for s in portal.students if not s.cards),
        page="teacher_portal",
    )
    today = timezone.localdate()
    return render(
        request,
        "collaboration/portal.html",
        {
            "portal": portal,
            "classroom": classroom,
            "dated_form": dated_form
            or DatedChangeForm(initial={"date": selectors.report_default_date(classroom, today)}),
            "prev_week": monday - dt.timedelta(days=7),
            "next_week": monday + dt.timedelta(days=7),
            "teacher_followups": followups.teacher_followups(user=user),
            **_lessons_context(classroom, today),
        },
        status=400 if dated_form is not None and dated_form.errors else 200,
    )


def _lessons_context(classroom: Classroom, today: dt.date) -> dict[str, Any]:
    """The whole-class lessons section: the room's lessons, its requests, the request form."""
    from pushin.lessons import selectors as lessons
    from pushin.lessons.forms import RequestForm

    return {
        "room_lessons": lessons.classroom_lessons(classroom, today),
        "room_requests": lessons.classroom_requests(classroom),
        "lesson_request_form": RequestForm(),
    }


@login_required
@require_GET
def portal(request: HttpRequest, pk: int) -> HttpResponse:
    classroom = portal_classroom_for_user(signed_in_user(request), pk)
    return _render_portal(request, classroom)


def _portal_url(classroom: Classroom, monday: dt.date | None = None) -> str:
    url = reverse("collaboration:portal", args=[classroom.pk])
    return f"{url}?week={monday:%Y-%m-%d}" if monday is not None else url


def _told(count: int) -> str:
    if count == 0:
        return "No provider works in this room yet, so nobody was notified."
    return f"{count} provider{'s were' if count > 1 else ' was'} notified."


@login_required
@require_POST
def report_dated(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    classroom = portal_classroom_for_user(user, pk)
    form = DatedChangeForm(request.POST)
    if form.is_valid():
        try:
            exception, report = services.teacher_dated_change_report(
                actor=user, classroom=classroom, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Recorded {exception}. {_told(len(report.notifications))}")
            monday = monday_of(exception.date)
            return redirect(_portal_url(classroom, monday) + "#changes")
    return _render_portal(request, classroom, dated_form=form)


def _portal_block(request: HttpRequest, pk: int, block_pk: int) -> ActivityBlock:
    classroom = portal_classroom_for_user(signed_in_user(request), pk)
    return get_object_or_404(
        ActivityBlock.objects.select_related("classroom__school"), pk=block_pk, classroom=classroom
    )


@login_required
@require_http_methods(["GET", "POST"])
def block_change(request: HttpRequest, pk: int, block_pk: int) -> HttpResponse:
    """Change a weekly block for every week: 'writing moved to after lunch'."""
    block = _portal_block(request, pk, block_pk)
    initial = {"day": block.day, "start": block.start, "end": block.end, "activity": block.activity}
    form = WeeklyChangeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            updated, report = services.teacher_weekly_change_report(
                actor=signed_in_user(request), block=block, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if report.notifications or report.affected:
                messages.success(
                    request, f"Every week: now {updated}. {_told(len(report.notifications))}"
                )
            else:
                messages.info(request, "Nothing changed.")
            return redirect(_portal_url(block.classroom) + "#week")
    block.refresh_from_db()
    return render(
        request,
        "collaboration/block_change.html",
        # Not "block": inside {% block %} that name is the template's own block node.
        {"activity_block": block, "classroom": block.classroom, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def block_preference(request: HttpRequest, pk: int, block_pk: int) -> HttpResponse:
    block = _portal_block(request, pk, block_pk)
    form = PreferenceForm(request.POST)
    error = ""
    if form.is_valid():
        block, _ = services.teacher_preference_set(
            actor=signed_in_user(request),
            block=block,
            preference=form.cleaned_data["teacher_preference"],
        )
    else:
        error = "Choose good, bad or no preference."
    if is_htmx(request):
        return render(
            request,
            "collaboration/_block_rows.html",
            {
                "rows": selectors.block_rows(block.classroom, [block]),
                "error": error,
                "saved": not error,
            },
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"Saved your preference for {block}.")
    return redirect(_portal_url(block.classroom) + "#week")


# --- Notifications --------------------------------------------------------------------------


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    page = Paginator(selectors.notification_list(user), NOTIFICATIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "collaboration/notifications.html",
        {"notifications": page.object_list, "page": page},
    )


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    notification = notification_for_user(user, pk)
    services.notification_mark_read(actor=user, notification=notification)
    target = notification.link
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("collaboration:notifications")


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(actor=signed_in_user(request))
    messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} read.")
    return redirect("collaboration:notifications")
