"""Idle sign-out: a request more than the district's `session_idle_minutes` after the
person's previous one signs them out, and so does one past the absolute lifetime of the
sign-in (SESSION_COOKIE_AGE), however active the person was. Both go to the sign-in page
with a message saying why.

The session keeps when this sign-in started, when the person was last seen (seconds since
the epoch) and their district's idle minutes. The last-seen time is rewritten at most once
a minute, and the district's setting is read again then, so most requests neither query
nor rewrite the session; a change of the setting applies within a minute.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils import timezone

from pushin.accounts.models import User
from pushin.district.models import SESSION_IDLE_DEFAULT_MINUTES, District

Handler = Callable[[HttpRequest], HttpResponseBase]

STARTED = "pushin_signed_in_at"
LAST_SEEN = "pushin_last_seen_at"
IDLE = "pushin_idle_minutes"
# Seconds between two writes of the last-seen time.
LAST_SEEN_GRANULARITY = 60


def idle_minutes_for(user: User) -> int:
    """The idle sign-out of `user`'s district (the default when they have none)."""
    district_id = user.district_id
    if district_id is None and hasattr(user, "provider"):
        district_id = user.provider.district_id
    found = None
    if district_id is not None:
        found = (
            District.objects.filter(pk=district_id)
            .values_list("session_idle_minutes", flat=True)
            .first()
        )
    return SESSION_IDLE_DEFAULT_MINUTES if found is None else int(found)


@receiver(user_logged_in)
def sign_in_started(
    sender: object, request: HttpRequest | None, user: User, **kwargs: object
) -> None:
    """A new sign-in: its clocks start now."""
    if request is not None and hasattr(request, "session"):
        _start(request, user, timezone.now().timestamp())


class SessionIdleTimeoutMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.user.is_authenticated:
            reason = _why_ended(request, timezone.now().timestamp())
            if reason:
                return _sign_out(request, reason)
        response = self.get_response(request)
        user = request.user
        if user.is_authenticated:
            assert isinstance(user, User)
            _touch(request, user, timezone.now().timestamp())
        return response


def _times(request: HttpRequest) -> tuple[float, float, int] | None:
    session = request.session
    started, last_seen, idle = session.get(STARTED), session.get(LAST_SEEN), session.get(IDLE)
    if not all(isinstance(v, int | float) for v in (started, last_seen, idle)):
        return None
    return float(started), float(last_seen), int(idle)  # type: ignore[arg-type]


def _why_ended(request: HttpRequest, now: float) -> str:
    times = _times(request)
    if times is None:
        return ""  # a sign-in from before this rule: its clocks start now
    started, last_seen, idle = times
    lifetime = settings.SESSION_COOKIE_AGE
    if now - started > lifetime:
        return (
            f"Sign-ins last {_hours(lifetime)} at most: you were signed out. "
            "Sign in again to go on."
        )
    if now - last_seen > idle * 60:
        return f"You were signed out after {idle} minutes without activity. Sign in again to go on."
    return ""


def _hours(seconds: int) -> str:
    hours = seconds / 3600
    return f"{hours:g} hours" if hours != 1 else "1 hour"


def _start(request: HttpRequest, user: User, now: float) -> None:
    request.session[STARTED] = now
    request.session[LAST_SEEN] = now
    request.session[IDLE] = idle_minutes_for(user)


def _touch(request: HttpRequest, user: User, now: float) -> None:
    times = _times(request)
    if times is None:
        _start(request, user, now)
    elif now - times[1] >= LAST_SEEN_GRANULARITY:
        request.session[LAST_SEEN] = now
        request.session[IDLE] = idle_minutes_for(user)


def _sign_out(request: HttpRequest, reason: str) -> HttpResponseBase:
    logout(request)
    messages.info(request, reason)
    target = reverse("login")
    if request.method == "GET":
        target += "?" + urlencode({"next": request.get_full_path()}, safe="/")
    if request.headers.get("HX-Request") == "true":
        # htmx would swap the sign-in page into a fragment: send the whole page there.
        response = HttpResponse(status=200)
        response["HX-Redirect"] = target
        return response
    return HttpResponseRedirect(target)
