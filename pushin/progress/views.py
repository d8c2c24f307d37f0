"""A student's goal progress: every goal's graph, aim line, trend and mastery.

Parse, one access helper (`progress_student_for_user`: the student's providers and the
district's administrator, a 404 for anyone else), one selector, an audit entry, render.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from pushin.accounts.audit import audit_record
from pushin.accounts.http import signed_in_user
from pushin.accounts.models import AuditAction, Role
from pushin.progress import selectors
from pushin.progress.access import progress_student_for_user
from pushin.progress.reports.forms import PeriodForm
from pushin.progress.reports.selectors import period_in_force, periods_of, student_reports


@login_required
@require_safe  # a read: GET (or HEAD) only
def student_progress(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    student = progress_student_for_user(user, pk)
    page = selectors.student_progress(student, timezone.localdate())
    audit_record(
        actor=user,
        action=AuditAction.READ,
        obj=student,
        student_id=student.pk,
        detail={"page": "progress"},
    )
    periods = periods_of(student.district)
    today = timezone.localdate()
    current = period_in_force([p for p in periods if p.start <= today], today)
    draft_form = None
    if user.role == Role.PROVIDER and current is not None:
        draft_form = PeriodForm(district_id=student.district_id, initial={"period": current})
    return render(
        request,
        "progress/student.html",
        {
            "page": page,
            "student": student,
            "reports": student_reports(student),
            "draft_form": draft_form,
        },
    )
