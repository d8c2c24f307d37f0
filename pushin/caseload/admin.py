"""Django admin for caseload records (superusers' back office; the app's pages come first).

Lists show opaque student numbers, never names. Mandate versions are history: they can be
added but never changed or deleted.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from pushin.caseload.models import (
    IEP,
    FitWeight,
    Goal,
    GoalFitOverride,
    MandateVersion,
    Service,
    Student,
    StudentUnavailability,
)


class StudentUnavailabilityInline(admin.TabularInline[StudentUnavailability, Student]):
    model = StudentUnavailability
    extra = 0


@admin.register(Student)
class StudentAdmin(admin.ModelAdmin[Student]):
    list_display = ["ref", "district", "grade", "classroom", "active"]
    list_filter = ["district", "active", "classroom__school"]
    search_fields = ["ref"]
    list_select_related = ["district", "classroom__school"]
    filter_horizontal = ["providers", "paras"]
    inlines = [StudentUnavailabilityInline]


class ServiceInline(admin.TabularInline[Service, IEP]):
    model = Service
    extra = 0
    show_change_link = True


class GoalInline(admin.StackedInline[Goal, IEP]):
    model = Goal
    extra = 0
    show_change_link = True


@admin.register(IEP)
class IEPAdmin(admin.ModelAdmin[IEP]):
    list_display = ["__str__", "student", "annual_review"]
    list_select_related = ["student"]
    search_fields = ["student__ref"]
    raw_id_fields = ["student"]
    inlines = [ServiceInline, GoalInline]


class MandateVersionInline(admin.TabularInline[MandateVersion, Service]):
    model = MandateVersion
    extra = 0
    fields = [
        "effective_from",
        "minutes",
        "frequency",
        "session_minutes",
        "delivery",
        "grouping",
        "max_group",
        "reason",
    ]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin[Service]):
    list_display = ["__str__", "iep"]
    search_fields = ["iep__student__ref"]
    raw_id_fields = ["iep"]
    inlines = [MandateVersionInline]


@admin.register(MandateVersion)
class MandateVersionAdmin(admin.ModelAdmin[MandateVersion]):
    list_display = ["service", "effective_from", "minutes", "frequency", "session_minutes"]
    list_select_related = ["service"]
    readonly_fields = ["created_by", "created_at"]
    raw_id_fields = ["service"]

    def has_change_permission(
        self, request: HttpRequest, obj: MandateVersion | None = None
    ) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(
        self, request: HttpRequest, obj: MandateVersion | None = None
    ) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: MandateVersion, form: Any, change: bool
    ) -> None:
        if obj.created_by_id is None and request.user.is_authenticated:
            obj.created_by_id = request.user.pk
        super().save_model(request, obj, form, change)


class GoalFitOverrideInline(admin.TabularInline[GoalFitOverride, Goal]):
    model = GoalFitOverride
    extra = 0


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin[Goal]):
    list_display = ["__str__", "iep", "domain", "method"]
    list_filter = ["domain", "method"]
    search_fields = ["iep__student__ref"]
    raw_id_fields = ["iep"]
    inlines = [GoalFitOverrideInline]


@admin.register(FitWeight)
class FitWeightAdmin(admin.ModelAdmin[FitWeight]):
    list_display = ["district", "domain", "activity", "weight"]
    list_filter = ["district", "domain", "activity"]
