"""Django admin for accounts; the audit trail is read-only there (nobody edits history)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

from pushin.accounts.models import AuditEntry, User


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    list_display = ["username", "first_name", "last_name", "role", "district", "is_active"]
    list_filter = ["role", "district", "is_active", "is_staff", "is_superuser"]
    list_select_related = ["district"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("Push-In", {"fields": ("role", "district")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        ("Push-In", {"fields": ("role", "district")}),
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
