from django.urls import path

from pushin.sessions import views

app_name = "sessions"
urlpatterns = [
    path("", views.today, name="today"),
    path("week/", views.week, name="week"),
    path("<int:pk>/", views.session_detail, name="detail"),
    path("<int:pk>/sign/", views.session_sign, name="sign"),
    path("<int:pk>/call-off/", views.session_call_off, name="call_off"),
    path("<int:pk>/call-off/undo/", views.session_call_off_undo, name="call_off_undo"),
    path("<int:pk>/records/<int:record_pk>/plan/", views.record_plan, name="plan"),
    path(
        "<int:pk>/records/<int:record_pk>/attendance/",
        views.record_attendance,
        name="attendance",
    ),
    path("<int:pk>/records/<int:record_pk>/data/", views.data_add, name="data_add"),
    path("<int:pk>/records/<int:record_pk>/data/undo/", views.data_undo, name="data_undo"),
    path("<int:pk>/records/<int:record_pk>/note/", views.record_note, name="note"),
]
