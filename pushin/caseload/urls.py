from django.urls import path

from pushin.caseload import import_views, privacy_views, views

app_name = "caseload"
urlpatterns = [
    path("", views.caseload_list, name="list"),
    path("students/<pid:pk>/", views.student_detail, name="student"),
    path("students/<pid:pk>/comfort/", views.student_comfort_edit, name="student_comfort"),
    path(
        "students/<pid:pk>/mandates/<pid:service_pk>/amend/",
        views.mandate_amend,
        name="mandate_amend",
    ),
    path("goals/<pid:pk>/fit/", views.goal_fit_edit, name="goal_fit"),
    path("fit/", views.fit_table, name="fit_table"),
    path("fit/<str:domain>/<str:activity>/", views.fit_cell_edit, name="fit_cell"),
    path("import/", import_views.student_import, name="import_students"),
    path("privacy/", privacy_views.privacy_home, name="privacy"),
    path("privacy/<pid:pk>/", privacy_views.privacy_student, name="privacy_student"),
    path("privacy/<pid:pk>/export/", privacy_views.privacy_export, name="privacy_export"),
    path(
        "privacy/<pid:pk>/deactivate/",
        privacy_views.privacy_deactivate,
        name="privacy_deactivate",
    ),
    path("privacy/<pid:pk>/delete/", privacy_views.privacy_delete, name="privacy_delete"),
]
