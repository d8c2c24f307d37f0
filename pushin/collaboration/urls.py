"""The strategy library, students' strategies, the teacher portal, the para's carryover
cards and notifications. (Follow-ups and printable paper live in `followup_urls.py`,
mounted at /followups/.)"""

from django.urls import URLPattern, URLResolver, path

from pushin.collaboration import views

app_name = "collaboration"
urlpatterns: list[URLPattern | URLResolver] = [
    path("strategies/", views.strategy_list, name="strategies"),
    path("strategies/new/", views.strategy_create, name="strategy_create"),
    path("strategies/<pid:pk>/", views.strategy_detail, name="strategy"),
    path("strategies/<pid:pk>/edit/", views.strategy_edit, name="strategy_edit"),
    path("strategies/<pid:pk>/delete/", views.strategy_delete, name="strategy_delete"),
    path("students/<pid:pk>/strategies/", views.student_strategies, name="student_strategies"),
    path("student-strategies/<pid:pk>/", views.student_strategy_edit, name="student_strategy_edit"),
    path(
        "student-strategies/<pid:pk>/active/",
        views.student_strategy_active,
        name="student_strategy_active",
    ),
    path("student-strategies/<pid:pk>/uses/", views.strategy_use_create, name="strategy_use"),
    path("carryover/", views.carryover, name="carryover"),
    path("my-classroom/", views.portal_home, name="portal_home"),
    path("classrooms/<pid:pk>/", views.portal, name="portal"),
    path("classrooms/<pid:pk>/report/", views.report_dated, name="report_dated"),
    path(
        "classrooms/<pid:pk>/blocks/<pid:block_pk>/change/",
        views.block_change,
        name="block_change",
    ),
    path(
        "classrooms/<pid:pk>/blocks/<pid:block_pk>/preference/",
        views.block_preference,
        name="block_preference",
    ),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notifications_read_all, name="notifications_read_all"),
    path("notifications/<pid:pk>/open/", views.notification_open, name="notification_open"),
]
