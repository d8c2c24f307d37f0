"""Single sign-on's two steps (to the provider, and back) and the district's sign-in page.

The protocol is mozilla-django-oidc's views; these add what Push-In needs around them: a
404 while single sign-on is not configured, and the reason of a refusal on the sign-in page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from pushin.accounts.access import user_admin_district_for
from pushin.accounts.http import signed_in_user
from pushin.accounts.oidc import password_signin_set, refusal, sso_enabled, sso_label

SSO_BACKEND = "pushin.accounts.oidc.SingleSignOnBackend"


class _Callback(OIDCAuthenticationCallbackView):
    @property
    def failure_url(self) -> str:
        return reverse("login")

    def login_failure(self) -> HttpResponseBase:
        reason = refusal(self.request) or (
            "Single sign-on did not complete (it was cancelled, or its link was used "
            "twice). Try again."
        )
        messages.error(self.request, reason)
        return super().login_failure()  # type: ignore[no-any-return]


_start_view = OIDCAuthenticationRequestView.as_view()
_callback_view = _Callback.as_view()


@require_GET
def sso_start(request: HttpRequest) -> HttpResponseBase:
    """Off to the provider's sign-in, with a fresh state, nonce and PKCE challenge."""
    if not sso_enabled():
        raise Http404("Single sign-on is not configured")
    return _start_view(request)  # type: ignore[no-any-return]


@require_GET
def sso_callback(request: HttpRequest) -> HttpResponseBase:
    """Back from the provider: verify, match by verified e-mail, sign in or say why not."""
    if not sso_enabled():
        raise Http404("Single sign-on is not configured")
    return _callback_view(request)  # type: ignore[no-any-return]


@login_required
def signin_settings(request: HttpRequest) -> HttpResponse:
    """The district administrator's: may staff sign in with a password, or only with SSO."""
    user = signed_in_user(request)
    district = user_admin_district_for(user)
    used_sso = request.session.get(BACKEND_SESSION_KEY) == SSO_BACKEND
    error = ""
    if request.method == "POST":
        choice = request.POST.get("password_signin")
        if choice not in ("on", "off"):
            error = "Choose whether staff may sign in with a password."
        else:
            try:
                password_signin_set(
                    actor=user, district=district, allowed=choice == "on", actor_used_sso=used_sso
                )
            except ValidationError as refused:
                error = " ".join(refused.messages)
            else:
                messages.success(
                    request,
                    "Staff may sign in with a password or single sign-on."
                    if choice == "on"
                    else "Staff now sign in with single sign-on only.",
                )
                return redirect("signin:settings")
    return render(
        request,
        "accounts/signin_settings.html",
        {
            "district": district,
            "sso_enabled": sso_enabled(),
            "sso_label": sso_label(),
            "used_sso": used_sso,
            "error": error,
        },
        status=400 if error else 200,
    )
