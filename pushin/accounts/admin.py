"""Django admin for accounts; the audit trail is read-only there (nobody edits history).

Passwords are known only to their owner: the user admin neither shows nor sets one (no
password field, no "change password" page, and a user added here has no usable password);
its action "E-mail a reset link" sends the owner a link to choose one
(pushin/accounts/passwords.py).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django_otp.plugins.otp_totp.models import TOTPDevice

from pushin.accounts.models import AuditEntry, User
from pushin.accounts.passwords import password_reset_send

# django-otp's own admin shows each authenticator's secret and QR code to the staff, who
# could then make anyone's codes: the secret stays its owner's (accounts/two_factor.py).
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


class AdminUserAddForm(forms.ModelForm[User]):
    """A user added in the Django admin: no password; its owner sets one from a link."""

    class Meta:
        model = User
        fields = ["username", "email"]

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user


def _without_password(fieldsets: Any) -> Any:
    return tuple(
        (name, {**opts, "fields": tuple(f for f in opts["fields"] if f != "password")})
        for name, opts in fieldsets
    )


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    list_display = ["username", "first_name", "last_name", "role", "district", "is_active"]
    list_filter = ["role", "district", "is_active", "is_staff", "is_superuser"]
    list_select_related = ["district"]
    fieldsets = (
        *_without_password(BaseUserAdmin.fieldsets or ()),
        ("Push-In", {"fields": ("role", "district")}),
    )
    add_form = AdminUserAddForm
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "email")}),
        ("Push-In", {"fields": ("role", "district")}),
    )
    actions = ["email_reset_link"]

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        raise Http404("Passwords are set by their owner only.")

    @admin.action(description="E-mail a reset link (the owner chooses the password)")
    def email_reset_link(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        actor = request.user
        assert isinstance(actor, User)
        sent = 0
        for user in queryset.filter(is_active=True).exclude(email=""):
            password_reset_send(actor=actor, user=user, base_url=request.build_absolute_uri("/"))
            sent += 1
        messages.info(
            request,
            f"Reset links e-mailed: {sent} (accounts without an address or inactive are skipped).",
        )


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    list_display = ["at", "actor_username", "action", "object_type", "object_id", "student_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "student_id", "actor_username"]
    list_select_related = ["actor"]
    date_hierarchy = "at"

    def get_readonly_fields(self, request: HttpRequest, obj: AuditEntry | None = None) -> list[str]:
        return [field.name for field in AuditEntry._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False
