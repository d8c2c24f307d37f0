from django.urls import path

from pushin.progress import views
from pushin.progress.reports import views as reports

app_name = "progress"
urlpatterns = [
    path("students/<pid:pk>/", views.student_progress, name="student"),
    # IEP progress reports (pushin/progress/reports/).
    path("students/<pid:pk>/reports/draft/", reports.student_draft, name="report_draft"),
    path("providers/<pid:pk>/reports/", reports.caseload, name="reports"),
    path("providers/<pid:pk>/reports/pdf/", reports.caseload_pdf, name="reports_pdf"),
    path("providers/<pid:pk>/reports/draft/", reports.caseload_draft, name="reports_draft"),
    path("reports/<pid:pk>/", reports.report_view, name="report"),
    path("reports/<pid:pk>/pdf/", reports.report_pdf_view, name="report_pdf"),
    path("reports/<pid:pk>/goals/<pid:goal_pk>/", reports.report_goal, name="report_goal"),
    path("reports/<pid:pk>/sign/", reports.report_sign, name="report_sign"),
    path("reports/<pid:pk>/amend/", reports.report_amend, name="report_amend"),
    path("reports/<pid:pk>/share/", reports.report_share, name="report_share"),
]
