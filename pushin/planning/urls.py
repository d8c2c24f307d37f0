from django.urls import path

from pushin.planning import anytime_views, recovery_views, views

app_name = "planning"
urlpatterns = [
    path("", views.planning_home, name="home"),
    path("runs/new/", views.run_create, name="run_create"),
    path("runs/<pid:pk>/", anytime_views.run_detail, name="run"),
    path("runs/<pid:pk>/progress/", views.run_progress, name="run_progress"),
    path("runs/<pid:pk>/accept/", views.run_accept, name="run_accept"),
    path("runs/<pid:pk>/reject/", views.run_reject, name="run_reject"),
    path("runs/<pid:pk>/cancel/", views.run_cancel, name="run_cancel"),
    path("runs/<pid:pk>/accept-now/", anytime_views.run_accept_now, name="run_accept_now"),
    path("runs/<pid:pk>/stop/", anytime_views.run_stop, name="run_stop"),
    path("runs/<pid:pk>/improve/", anytime_views.run_improve, name="run_improve"),
    path("runs/<pid:pk>/again/", recovery_views.run_again, name="run_again"),
    path("providers/<pid:pk>/", views.provider_planning, name="provider"),
    path("providers/<pid:pk>/schedule/", views.standing_schedule, name="schedule"),
    path("providers/<pid:pk>/replan/", views.replan, name="replan"),
    path("providers/<pid:pk>/calendar/", views.calendar_settings, name="calendar"),
    path("sessions/<pid:pk>/move/", views.session_move, name="session_move"),
    path("sessions/<pid:pk>/pin/", views.session_pin, name="session_pin"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
