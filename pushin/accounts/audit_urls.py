"""The district administrator's audit trail, mounted at /audit/."""

from django.urls import path

from pushin.accounts import audit_views

app_name = "audit"
urlpatterns = [
    path("", audit_views.trail, name="trail"),
    path("export.csv", audit_views.trail_export, name="export"),
    path("retention/", audit_views.retention_edit, name="retention"),
]
