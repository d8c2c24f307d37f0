"""The indirect-time quick-add on Today: what it shows for a day."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pushin.district.models import Provider
from pushin.workload.forms import QUICK_MINUTES, IndirectTimeForm
from pushin.workload.models import IndirectKind, IndirectTime


def quick_add_context(
    provider: Provider,
    *,
    day: dt.date,
    today: dt.date,
    form: IndirectTimeForm | None = None,
    done: str = "",
) -> dict[str, Any]:
    """The day's entries and the two-tap form (a kind, then a minutes button). A day after
    today takes no entry: minutes are logged once they have happened."""
    return {
        "day": day,
        "can_log": day <= today,
        "entries": list(IndirectTime.objects.filter(provider=provider, date=day).order_by("pk")),
        "kinds": IndirectKind.choices,
        "quick_minutes": QUICK_MINUTES,
        "form": form,
        "done": done,
    }
