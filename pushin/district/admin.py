"""Django admin for the district models: a back office for the superuser, not the app."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from pushin.accounts.models import User
from pushin.district.models import (
    ActivityBlock,
    Availability,
    BusyTime,
    Classroom,
    Closure,
    District,
    MakeupPolicy,
    ProgressPeriod,
    Provider,
    School,
    TimetableException,
    TravelTime,
)
from pushin.district.services import classroom_teacher_notify


class ClosureInline(admin.TabularInline[Closure, District]):
    model = Closure
    extra = 0


class MakeupPolicyInline(admin.TabularInline[MakeupPolicy, District]):
    model = MakeupPolicy
    extra = 0


class ProgressPeriodInline(admin.TabularInline[ProgressPeriod, District]):
    model = ProgressPeriod
    extra = 0


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin[District]):
    list_display = ["name", "school_year_start", "school_year_end"]
    search_fields = ["name"]
    inlines = [ClosureInline, MakeupPolicyInline, ProgressPeriodInline]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin[School]):
    list_display = ["name", "code", "district"]
    list_filter = ["district"]
    search_fields = ["name", "code"]


@admin.register(TravelTime)
class TravelTimeAdmin(admin.ModelAdmin[TravelTime]):
    list_display = ["from_school", "to_school", "minutes"]
    list_select_related = ["from_school", "to_school"]
    autocomplete_fields = ["from_school", "to_school"]


class ActivityBlockInline(admin.TabularInline[ActivityBlock, Classroom]):
    model = ActivityBlock
    extra = 0


@admin.register(Classroom)
class ClassroomAdmin(admin.ModelAdmin[Classroom]):
    list_display = ["name", "code", "grade", "school", "teacher"]
    list_filter = ["school__district", "school"]
    list_select_related = ["school", "teacher"]
    search_fields = ["name", "code"]
    raw_id_fields = ["teacher"]
    inlines = [ActivityBlockInline]

    def save_model(self, request: HttpRequest, obj: Classroom, form: Any, change: bool) -> None:
        # A change of teacher here is told to both teachers, as from an import.
        before = Classroom.objects.select_related("teacher").filter(pk=obj.pk).first()
        super().save_model(request, obj, form, change)
        if change and before is not None:
            assert isinstance(request.user, User)
            classroom_teacher_notify(actor=request.user, classroom=obj, before=before.teacher)


@admin.register(TimetableException)
class TimetableExceptionAdmin(admin.ModelAdmin[TimetableException]):
    list_display = ["date", "start", "end", "classroom", "kind", "activity", "created_by"]
    list_filter = ["kind", "classroom__school"]
    list_select_related = ["classroom__school", "created_by"]
    date_hierarchy = "date"
    raw_id_fields = ["classroom", "created_by"]
    readonly_fields = ["created_at"]


class AvailabilityInline(admin.TabularInline[Availability, Provider]):
    model = Availability
    extra = 0


class BusyTimeInline(admin.TabularInline[BusyTime, Provider]):
    model = BusyTime
    extra = 0


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin[Provider]):
    list_display = [
        "__str__",
        "discipline",
        "district",
        "supervisor",
        "contracted_minutes_per_week",
    ]
    list_filter = ["district", "discipline"]
    list_select_related = ["user", "district", "supervisor__user"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    raw_id_fields = ["user", "supervisor"]
    exclude = ["calendar_token"]
    inlines = [AvailabilityInline, BusyTimeInline]
