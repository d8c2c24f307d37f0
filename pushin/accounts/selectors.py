"""Reads for the user-management pages."""

from __future__ import annotations

from collections.abc import Iterable

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max
from django.utils import timezone


def failed_sign_ins(usernames: Iterable[str]) -> dict[str, int]:
    """username -> the most failed sign-ins django-axes holds for it from one address.

    Only attempts still inside the cool-off window count (older ones no longer lock).
    """
    attempts = AccessAttempt.objects.filter(username__in=list(usernames))
    cool_off = get_cool_off()
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    rows = attempts.values("username").annotate(failures=Max("failures_since_start"))
    return {row["username"]: row["failures"] or 0 for row in rows}


def is_locked_out(failures: int) -> bool:
    return failures >= int(settings.AXES_FAILURE_LIMIT)
