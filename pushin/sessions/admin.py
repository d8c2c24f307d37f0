"""Django admin for dated sessions (superusers' back office; the app's pages come first).

Lists show opaque ids and student numbers, never names or notes. Data points and
amendments are the record's history: they can be looked at, never changed or deleted here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from pushin.sessions.models import Amendment, DataPoint, DatedSession, SessionStudent


class _ReadOnly:
    """View-only: history is changed through the app's services, which keep amendments."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SessionStudentInline(_ReadOnly, admin.TabularInline[SessionStudent, DatedSession]):
    model = SessionStudent
    extra = 0
    fields = ("student", "focus_goal", "attendance", "minutes_delivered", "short_reason")
    readonly_fields = ("student", "focus_goal", "attendance", "minutes_delivered", "short_reason")
    show_change_link = True


@admin.register(DatedSession)
class DatedSessionAdmin(admin.ModelAdmin[DatedSession]):
    list_display = ["__str__", "provider", "classroom", "status", "is_makeup"]
    list_filter = ["status", "is_makeup", "classroom__school"]
    list_select_related = ["provider__user", "classroom__school"]
    date_hierarchy = "date"
    raw_id_fields = ["provider", "classroom", "standing", "signed_by"]
    readonly_fields = ["status", "signed_at", "signed_by"]
    inlines = [SessionStudentInline]


@admin.register(SessionStudent)
class SessionStudentAdmin(_ReadOnly, admin.ModelAdmin[SessionStudent]):
    list_display = ["__str__", "student", "attendance", "minutes_delivered"]
    list_filter = ["attendance"]
    list_select_related = ["student"]
    search_fields = ["student__ref"]
    exclude = ["note"]


@admin.register(DataPoint)
class DataPointAdmin(_ReadOnly, admin.ModelAdmin[DataPoint]):
    list_display = ["__str__", "record", "kind", "recorded_at"]
    list_filter = ["kind"]
    exclude = ["text"]


@admin.register(Amendment)
class AmendmentAdmin(_ReadOnly, admin.ModelAdmin[Amendment]):
    list_display = ["__str__", "field", "made_by", "made_at"]
    list_filter = ["field"]
    list_select_related = ["made_by"]
    exclude = ["old_value", "new_value"]
