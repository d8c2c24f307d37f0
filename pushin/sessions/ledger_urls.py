"""Minutes: compliance, students' ledgers, makeups and the service-log export."""

from django.urls import path

from pushin.sessions import import_views, ledger_views, recovery_views

app_name = "minutes"
urlpatterns = [
    path("", ledger_views.minutes_home, name="home"),
    path("district/", ledger_views.district_compliance, name="district"),
    path("providers/<pid:pk>/", ledger_views.provider_compliance, name="provider"),
    path("providers/<pid:pk>/makeups/", ledger_views.makeup_schedule, name="makeups"),
    path(
        "providers/<pid:pk>/makeups/runs/<pid:run_pk>/",
        ledger_views.makeup_run,
        name="makeup_run",
    ),
    path(
        "providers/<pid:pk>/makeups/runs/<pid:run_pk>/cancel/",
        recovery_views.makeup_run_cancel,
        name="makeup_run_cancel",
    ),
    path(
        "providers/<pid:pk>/makeups/runs/<pid:run_pk>/again/",
        recovery_views.makeup_run_again,
        name="makeup_run_again",
    ),
    path("providers/<pid:pk>/makeups/accept/", ledger_views.makeup_accept, name="makeup_accept"),
    path("schools/<pid:pk>/", ledger_views.school_compliance, name="school"),
    path("students/<pid:pk>/", ledger_views.student_minutes, name="student"),
    path("students/<pid:pk>/notice/", ledger_views.lapse_notice, name="notice"),
    path("export/", ledger_views.service_log_export, name="export"),
    path("export/billing-rule/", ledger_views.billing_rule_edit, name="billing_rule"),
    path("import/", import_views.past_minutes, name="import"),
]
