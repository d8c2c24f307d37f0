"""Small request helpers every app's views share."""

from __future__ import annotations

from django.http import HttpRequest

from pushin.accounts.models import User


def signed_in_user(request: HttpRequest) -> User:
    """The request's user, typed; only for views behind `login_required`."""
    user = request.user
    assert isinstance(user, User)
    return user


def is_htmx(request: HttpRequest) -> bool:
    """Whether htmx sent the request (it then wants a fragment, not a page)."""
    return bool(getattr(request, "htmx", False))
