"""Two-factor sign-in pages: one's own setup and the code a sign-in owes
(pushin/accounts/two_factor.py)."""

from __future__ import annotations

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from pushin.accounts import two_factor
from pushin.accounts.access import user_admin_district_for
from pushin.accounts.http import signed_in_user
from pushin.accounts.models import Role


class CodeForm(forms.Form):
    code = forms.CharField(
        label="The 6-digit code your app shows",
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


WRONG = "That code is not right (or has expired): enter the one your app shows now."


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_home(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    form = CodeForm(request.POST if action in ("enable", "disable") else None)
    if action == "enable" and form.is_valid():
        if two_factor.two_factor_enable(request=request, user=user, code=form.cleaned_data["code"]):
            messages.success(request, "Two-factor sign-in is on: each sign-in asks for a code.")
            return redirect("two_factor:home")
        form.add_error("code", WRONG)
    elif action == "disable" and form.is_valid():
        if two_factor.two_factor_disable(user=user, code=form.cleaned_data["code"]):
            messages.success(request, "Two-factor sign-in is off.")
            return redirect("two_factor:home")
        form.add_error("code", WRONG)
    device = two_factor.confirmed_device(user)
    context: dict[str, object] = {
        "form": form,
        "enabled": device is not None,
        "required": two_factor.is_required(user),
        "setup_required": bool(request.session.get(two_factor.SETUP_REQUIRED)),
    }
    if device is None:
        key = two_factor.setup_key(request)
        uri = two_factor.otpauth_uri(user=user, key_hex=key)
        context["uri"] = uri
        # Pieces with a break opportunity between them: the address wraps on a phone.
        context["uri_parts"] = [uri[i : i + 16] for i in range(0, len(uri), 16)]
        context["qr_svg"] = segno.make(uri, error="m").svg_inline(scale=4, title="QR code")
    return render(request, "accounts/two_factor.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    if not request.session.get(two_factor.PENDING):
        return redirect(next_url or "home")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.two_factor_verify(request=request, user=user, code=form.cleaned_data["code"]):
            return redirect(next_url or "home")
        form.add_error("code", WRONG)
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": next_url})


class PolicyForm(forms.Form):
    roles = forms.MultipleChoiceField(
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Roles that must use two-factor sign-in",
    )


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_policy(request: HttpRequest) -> HttpResponse:
    """The district administrator chooses the roles that must use two-factor sign-in."""
    actor = signed_in_user(request)
    district = user_admin_district_for(actor)
    # Bound on every POST: a form with no box ticked (the district requires it of nobody)
    # may come without any field at all.
    form = PolicyForm(
        request.POST if request.method == "POST" else None,
        initial={"roles": two_factor.required_roles(district)},
    )
    if form.is_bound and form.is_valid():
        two_factor.two_factor_policy_set(
            actor=actor, district=district, roles=form.cleaned_data["roles"]
        )
        messages.success(request, "Saved: it applies from each person's next sign-in.")
        return redirect("two_factor:policy")
    return render(request, "accounts/two_factor_policy.html", {"form": form})
