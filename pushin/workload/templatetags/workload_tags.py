"""Minutes as people read a contract: "37 h 30 min"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django import template

from pushin.workload.models import IndirectTime
from pushin.workload.quick_add import quick_add_context

register = template.Library()


@register.filter
def hours(minutes: int | None) -> str:
    """2250 -> "37 h 30 min", 45 -> "45 min", 120 -> "2 h"; None -> "—"."""
    if minutes is None:
        return "—"
    sign = "-" if minutes < 0 else ""
    whole, rest = divmod(abs(int(minutes)), 60)
    if not whole:
        return f"{sign}{rest} min"
    return f"{sign}{whole} h" + (f" {rest} min" if rest else "")


@register.filter
def signed_hours(minutes: int) -> str:
    """+/- before the hours: "+2 h 30 min", "-45 min", "0 min"."""
    return ("+" if minutes > 0 else "") + hours(minutes)


@register.filter
def total_minutes(entries: Iterable[IndirectTime]) -> int:
    """The minutes of indirect time entries, added up."""
    return sum(e.minutes for e in entries)


@register.inclusion_tag("workload/_quick_add.html", takes_context=True)
def indirect_quick_add(
    context: template.Context, day: dt.date, today: dt.date
) -> dict[str, object]:
    """The indirect-time card on Today for the signed-in provider and the day shown."""
    request = context["request"]
    provider = request.user.provider
    return {
        **quick_add_context(provider, day=day, today=today),
        "csrf_token": context.get("csrf_token"),
    }
