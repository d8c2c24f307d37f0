"""User management: the district administrator lists, adds and changes the district's accounts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from pushin.accounts import services
from pushin.accounts.access import managed_user_for, user_admin_district_for, users_managed_by
from pushin.accounts.forms import UserCreateForm, UserEditForm, add_service_errors
from pushin.accounts.http import signed_in_user
from pushin.accounts.models import Role
from pushin.accounts.passwords import password_reset_send
from pushin.accounts.selectors import failed_sign_ins, is_locked_out
from pushin.accounts.two_factor import confirmed_device, two_factor_clear

USERS_PER_PAGE = 50


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    users = users_managed_by(signed_in_user(request)).order_by(
        "last_name", "first_name", "username", "pk"
    )
    role = request.GET.get("role", "")
    if role in Role.values:
        users = users.filter(role=role)
    else:
        role = ""
    page = Paginator(users, USERS_PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    failures = failed_sign_ins(u.username for u in rows)
    return render(
        request,
        "accounts/user_list.html",
        {
            "rows": [
                (u, failures.get(u.username, 0), is_locked_out(failures.get(u.username, 0)))
                for u in rows
            ],
            "roles": Role.choices,
            "role": role,
            "page": page,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    actor = signed_in_user(request)
    district = user_admin_district_for(actor)
    form = UserCreateForm(district, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                actor=actor,
                district=district,
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                role=data["role"],
                invite_base_url=request.build_absolute_uri("/"),
                discipline=data["discipline"],
                supervisor=data["supervisor"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Account {user.username} created: an invitation to choose a password "
                f"was e-mailed to {user.email}.",
            )
            return redirect("accounts:user_edit", pk=user.pk)
    return render(request, "accounts/user_create.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = signed_in_user(request)
    district = user_admin_district_for(actor)
    user = managed_user_for(actor, pk)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    form = UserEditForm(district, request.POST if action == "save" else None, instance=user)
    if action == "save" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_update(
                actor=actor,
                user=user,
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                role=data["role"],
                is_active=data["is_active"],
                discipline=data["discipline"],
                supervisor=data["supervisor"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            user.refresh_from_db()
        else:
            messages.success(request, f"Account {user.username} saved.")
            return redirect("accounts:user_edit", pk=user.pk)
    elif action == "password_link":
        # An administrator never sets a password: the owner chooses it from this link.
        if not user.email or not user.is_active:
            messages.error(request, f"{user.username} needs an e-mail address and to be active.")
        else:
            password_reset_send(actor=actor, user=user, base_url=request.build_absolute_uri("/"))
            messages.success(
                request, f"A link to choose a new password was e-mailed to {user.email}."
            )
        return redirect("accounts:user_edit", pk=user.pk)
    elif action == "two_factor_clear":
        if two_factor_clear(actor=actor, user=user):
            messages.success(request, f"{user.username}'s authenticator was cleared.")
        return redirect("accounts:user_edit", pk=user.pk)
    elif action == "unlock":
        services.user_unlock(actor=actor, user=user)
        messages.success(request, f"{user.username} may sign in again.")
        return redirect("accounts:user_edit", pk=user.pk)
    failures = failed_sign_ins([user.username]).get(user.username, 0)
    return render(
        request,
        "accounts/user_edit.html",
        {
            "managed": user,
            "form": form,
            "failures": failures,
            "locked": is_locked_out(failures),
            "is_self": user.pk == actor.pk,
            "two_factor_on": confirmed_device(user) is not None,
        },
    )
