"""`{% load lessons %}`: public ids in query strings, the lesson-credit form on the
mandate page and the support-style card on the session page."""

from __future__ import annotations

from typing import Any

from django import template

from pushin.caseload.models import Service
from pushin.ids import encode_id
from pushin.lessons.forms import CreditForm
from pushin.lessons.models import ClassLesson, SessionSupport, SupportStyle
from pushin.lessons.selectors import lessons_count
from pushin.sessions.models import DatedSession, SessionStudent

register = template.Library()


@register.filter
def public_id(pk: int) -> str:
    return encode_id(int(pk))


@register.inclusion_tag("lessons/_credit.html")
def lesson_credit_form(service: Service) -> dict[str, Any]:
    counts = lessons_count(service.pk)
    return {
        "service": service,
        "counts": counts,
        "form": CreditForm(initial={"counts": "yes" if counts else "no"}),
    }


@register.inclusion_tag("lessons/_support.html")
def session_support_card(session: DatedSession) -> dict[str, Any]:
    support = SessionSupport.objects.filter(session=session).first()
    lesson = ClassLesson.objects.filter(session=session).first()
    members = SessionStudent.objects.filter(session=session).select_related("student")
    return {
        "session": session,
        "support": support,
        "lesson": lesson,
        "members": [(encode_id(m.student_id), m.student) for m in members],
        "focus": encode_id(support.focus_student_id)
        if support and support.focus_student_id
        else "",
        "float_value": SupportStyle.FLOAT.value,
    }


@register.filter
def topic_of(topics: dict[int, str] | None, session_pk: int) -> str:
    """The lesson topic of a session from `selectors.session_kinds` ("" for none)."""
    return (topics or {}).get(int(session_pk), "")
