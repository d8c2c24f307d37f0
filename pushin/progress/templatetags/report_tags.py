"""`{% shared_progress_reports student %}`: the student's signed progress reports shared
with the signed-in teacher (their room's student) or para (a student they support).
Nothing for anyone else: providers and the administrator find reports on the progress
page."""

from __future__ import annotations

from typing import Any

from django import template

from pushin.accounts.models import Role
from pushin.caseload.models import Student
from pushin.progress.reports.selectors import shared_reports

register = template.Library()


@register.inclusion_tag("progress/reports/_shared.html", takes_context=True)
def shared_progress_reports(context: dict[str, Any], student: Student) -> dict[str, Any]:
    user = context.get("user")
    role = getattr(user, "role", None)
    reports = []
    if role == Role.TEACHER and student.classroom.teacher_id == getattr(user, "pk", None):
        reports = shared_reports(student, teacher=True)
    elif role == Role.PARA:  # the page is shown only for a student the para supports
        reports = shared_reports(student, teacher=False)
    return {"reports": reports, "student": student}
