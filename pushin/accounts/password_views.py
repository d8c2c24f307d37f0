"""Passwords: change your own, ask for a reset link, set one from a link (invitation or
reset). Services in pushin/accounts/passwords.py."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods

from pushin.accounts.passwords import password_reset_request

# The one answer to a reset request, whether or not the address belongs to anyone.
RESET_SENT = (
    "If an active account has that e-mail address, a link to choose a new password is on "
    "its way. It works once, and for a limited time."
)


class ResetRequestForm(forms.Form):
    email = forms.EmailField(label="Your e-mail address", max_length=254)


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    form = ResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        password_reset_request(email=form.cleaned_data["email"], base_url=_base_url(request))
        messages.info(request, RESET_SENT)
        return redirect("password:reset")
    return render(request, "accounts/password_reset.html", {"form": form})


password_change = login_required(
    auth_views.PasswordChangeView.as_view(
        template_name="accounts/password_change.html",
        success_url=reverse_lazy("password:changed"),
    )
)


@login_required
def password_changed(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_done.html", {"changed": True})


# Django's view takes the token out of the URL into the session before showing the form
# (so it never leaks through a referrer), checks it, and sets the password.
password_set = auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/password_set.html",
    success_url=reverse_lazy("password:set_done"),
)


def password_set_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_done.html", {"changed": False})
