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
from pushin.accounts.models import AuditAction
from pushin.progress import selectors
from pushin.progress.access import progress_student_for_user


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
    return render(request, "progress/student.html", {"page": page, "student": student})
