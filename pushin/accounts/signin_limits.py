"""Sign-in limits on top of django-axes.

Axes locks one (username, address) pair after AXES_FAILURE_LIMIT failures. That alone
lets one address try a password on every username of the staff list, so an address is also
locked after PUSHIN_SIGNIN_ADDRESS_LIMIT failures across usernames within the cool-off
period (AXES_COOLOFF_TIME). Both locks end with the cool-off.

The address is the connection's unless PUSHIN_PROXY_COUNT says how many reverse proxies
stand in front, each appending the address it saw to X-Forwarded-For: the client's is then
the PUSHIN_PROXY_COUNT-th entry from the right. Entries further left are whatever the
client sent, and are never trusted.
"""

from __future__ import annotations

import ipaddress

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """The client's address (AXES_CLIENT_IP_CALLABLE)."""
    connection: str | None = request.META.get("REMOTE_ADDR")
    proxies = int(settings.PUSHIN_PROXY_COUNT)
    if proxies <= 0:
        return connection
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    entries = [entry.strip() for entry in forwarded.split(",") if entry.strip()]
    if len(entries) < proxies:
        return connection
    candidate = entries[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return connection


def address_failures(request: HttpRequest) -> int:
    """Failed sign-ins from the request's address, any username, within the cool-off."""
    attempts = AccessAttempt.objects.filter(ip_address=request.axes_ip_address)  # type: ignore[attr-defined]
    if settings.AXES_COOLOFF_TIME is not None:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    total = attempts.aggregate(total=Sum("failures_since_start"))["total"]
    return int(total or 0)


class SignInLimitHandler(AxesDatabaseHandler):
    """Axes' database handler with the per-address limit across usernames as well."""

    def get_failures(
        self, request: HttpRequest, credentials: dict[str, object] | None = None
    ) -> int:
        failures = int(super().get_failures(request, credentials))
        if address_failures(request) >= settings.PUSHIN_SIGNIN_ADDRESS_LIMIT:
            # Axes compares one number with its limit: an address over its own limit counts
            # as reaching it, whatever the pair's count.
            failures = max(failures, int(get_failure_limit(request, credentials)))
        return failures
