"""Minutes: compliance, students' ledgers, makeups and the service-log export."""

from django.urls import path

from pushin.sessions import import_views, ledger_views, recovery_views

app_name = "minutes"
urlpatterns = [
    path("", ledger_views.minutes_home, name="home"),
    path("district/", ledger_views.district_compliance, name="district"),
    path("providers/<int:pk>/", ledger_views.provider_compliance, name="provider"),
    path("providers/<int:pk>/makeups/", ledger_views.makeup_schedule, name="makeups"),
    path(
        "providers/<int:pk>/makeups/runs/<int:run_pk>/",
        ledger_views.makeup_run,
        name="makeup_run",
    ),
    path(
        "providers/<int:pk>/makeups/runs/<int:run_pk>/cancel/",
        recovery_views.makeup_run_cancel,
        name="makeup_run_cancel",
    ),
    path(
        "providers/<int:pk>/makeups/runs/<int:run_pk>/again/",
        recovery_views.makeup_run_again,
        name="makeup_run_again",
    ),
    path("providers/<int:pk>/makeups/accept/", ledger_views.makeup_accept, name="makeup_accept"),
    path("schools/<int:pk>/", ledger_views.school_compliance, name="school"),
    path("students/<int:pk>/", ledger_views.student_minutes, name="student"),
    path("students/<int:pk>/notice/", ledger_views.lapse_notice, name="notice"),
    path("export/", ledger_views.service_log_export, name="export"),
    path("export/billing-rule/", ledger_views.billing_rule_edit, name="billing_rule"),
    path("import/", import_views.past_minutes, name="import"),
]
