"""Django admin for indirect time (superusers' back office; the app's pages come first).

Lists show providers, dates, kinds and minutes; notes only on the entry itself.
"""

from __future__ import annotations

from django.contrib import admin

from pushin.workload.models import IndirectTime


@admin.register(IndirectTime)
class IndirectTimeAdmin(admin.ModelAdmin[IndirectTime]):
    list_display = ["date", "provider", "kind", "minutes"]
    list_filter = ["kind"]
    list_select_related = ["provider__user"]
    date_hierarchy = "date"
    raw_id_fields = ["provider"]
