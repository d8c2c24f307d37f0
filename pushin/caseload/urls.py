from django.urls import path

from pushin.caseload import import_views, views

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
]
