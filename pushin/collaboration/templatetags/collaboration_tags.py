"""Template helpers: the strategies panel on the student page, the notifications badge,
and the student's comfort preference as an instruction."""

from __future__ import annotations

from typing import Any

from django import template

from pushin.accounts.models import User
from pushin.caseload.access import StudentAccess
from pushin.caseload.models import Student
from pushin.collaboration import selectors, services
from pushin.collaboration.access import can_manage_student_strategies

register = template.Library()


@register.inclusion_tag("collaboration/_student_strategies.html", takes_context=True)
def student_strategies(context: template.Context, student: Student) -> dict[str, Any]:
    """The student's strategies on the student page, as the reader may see them.

    Rendered inside the caseload's student page (which already checked the reader may see
    the student); the read of the strategy records is audited here, ids only.
    """
    user: User = context["request"].user
    if not StudentAccess.for_user(user).carryover:
        return {"panel": None, "student": student}
    panel = selectors.student_panel(user, student, can_manage=can_manage_student_strategies(user))
    if panel.links:  # nothing to audit when the student has no strategy records
        services.student_strategies_read_audit(
            actor=user, student=student, links=[v.link for v in panel.links], page="student"
        )
    return {
        "panel": panel,
        "student": student,
        "csrf_token": context.get("csrf_token"),
        "request": context["request"],
        "today": selectors.today(),
    }


@register.simple_tag(takes_context=True)
def unread_notifications(context: template.Context) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return selectors.unread_count(user)


@register.filter
def comfort_hint(comfort: str) -> str:
    return selectors.comfort_hint(comfort or "")
