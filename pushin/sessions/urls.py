from django.urls import path

from pushin.sessions import views

app_name = "sessions"
urlpatterns = [
    path("", views.today, name="today"),
    path("week/", views.week, name="week"),
    path("<pid:pk>/", views.session_detail, name="detail"),
    path("<pid:pk>/sign/", views.session_sign, name="sign"),
    path("<pid:pk>/call-off/", views.session_call_off, name="call_off"),
    path("<pid:pk>/call-off/undo/", views.session_call_off_undo, name="call_off_undo"),
    path("<pid:pk>/records/<pid:record_pk>/plan/", views.record_plan, name="plan"),
    path(
        "<pid:pk>/records/<pid:record_pk>/attendance/",
        views.record_attendance,
        name="attendance",
    ),
    path("<pid:pk>/records/<pid:record_pk>/data/", views.data_add, name="data_add"),
    path("<pid:pk>/records/<pid:record_pk>/data/undo/", views.data_undo, name="data_undo"),
    path("<pid:pk>/records/<pid:record_pk>/note/", views.record_note, name="note"),
]
