from django.urls import path

from pushin.district import import_views, views

app_name = "district"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("settings/", views.district_settings, name="settings"),
    path("schools/", views.schools, name="schools"),
    path("classrooms/", views.classroom_list, name="classrooms"),
    path("classrooms/<pid:pk>/", views.timetable, name="timetable"),
    path("classrooms/<pid:pk>/blocks/new/", views.block_create, name="block_create"),
    path("classrooms/<pid:pk>/blocks/<pid:block_pk>/", views.block_edit, name="block_edit"),
    path("classrooms/<pid:pk>/exceptions/new/", views.exception_create, name="exception_create"),
    path(
        "classrooms/<pid:pk>/exceptions/<pid:exception_pk>/delete/",
        views.exception_delete,
        name="exception_delete",
    ),
    path("providers/<pid:pk>/availability/", views.availability, name="availability"),
    path("import/timetables/", import_views.timetable_import, name="import_timetables"),
    path("import/roster/", import_views.roster_import_view, name="import_roster"),
]
