"""Django admin for the collaboration models: a back office for the superuser, not the app.

Lists show ids and opaque student numbers, never names or notes.
"""

from __future__ import annotations

from django.contrib import admin

from pushin.collaboration.models import (
    FollowUp,
    FollowUpReply,
    Notification,
    Strategy,
    StrategyUse,
    StudentStrategy,
)


@admin.register(Strategy)
class StrategyAdmin(admin.ModelAdmin[Strategy]):
    list_display = ["name", "district", "is_starter", "printable"]
    list_filter = ["district", "is_starter", "printable"]
    search_fields = ["name"]
    list_select_related = ["district"]
    raw_id_fields = ["created_by"]


class StrategyUseInline(admin.TabularInline[StrategyUse, StudentStrategy]):
    model = StrategyUse
    extra = 0
    fields = ["used_on", "used_by", "outcome", "session_record"]
    raw_id_fields = ["used_by", "session_record"]


@admin.register(StudentStrategy)
class StudentStrategyAdmin(admin.ModelAdmin[StudentStrategy]):
    list_display = ["__str__", "student", "strategy", "carryover", "active", "added_on"]
    list_filter = ["active", "carryover"]
    list_select_related = ["student", "strategy"]
    raw_id_fields = ["student", "strategy", "added_by"]
    inlines = [StrategyUseInline]


@admin.register(StrategyUse)
class StrategyUseAdmin(admin.ModelAdmin[StrategyUse]):
    list_display = ["__str__", "used_on", "outcome", "used_by"]
    list_filter = ["outcome"]
    list_select_related = ["used_by"]
    raw_id_fields = ["student_strategy", "used_by", "session_record"]
    date_hierarchy = "used_on"


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    list_display = ["__str__", "recipient", "created_at", "read_at"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient"]


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin[FollowUp]):
    list_display = ["__str__", "status", "attempts", "sent_at", "acknowledged_at"]
    list_filter = ["status"]
    raw_id_fields = ["session", "author", "teacher"]
    readonly_fields = ["attempts", "last_error", "sent_at", "acknowledged_at"]


@admin.register(FollowUpReply)
class FollowUpReplyAdmin(admin.ModelAdmin[FollowUpReply]):
    list_display = ["__str__", "created_at"]
    raw_id_fields = ["followup", "author"]
