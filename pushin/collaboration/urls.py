"""The strategy library, students' strategies, the teacher portal, the para's carryover
cards and notifications. (Follow-ups and printable paper live in `followup_urls.py`,
mounted at /followups/.)"""

from django.urls import URLPattern, URLResolver, path

from pushin.collaboration import views

app_name = "collaboration"
urlpatterns: list[URLPattern | URLResolver] = [
    path("strategies/", views.strategy_list, name="strategies"),
    path("strategies/new/", views.strategy_create, name="strategy_create"),
    path("strategies/<int:pk>/", views.strategy_detail, name="strategy"),
    path("strategies/<int:pk>/edit/", views.strategy_edit, name="strategy_edit"),
    path("strategies/<int:pk>/delete/", views.strategy_delete, name="strategy_delete"),
    path("students/<int:pk>/strategies/", views.student_strategies, name="student_strategies"),
    path("student-strategies/<int:pk>/", views.student_strategy_edit, name="student_strategy_edit"),
    path(
        "student-strategies/<int:pk>/active/",
        views.student_strategy_active,
        name="student_strategy_active",
    ),
    path("student-strategies/<int:pk>/uses/", views.strategy_use_create, name="strategy_use"),
    path("carryover/", views.carryover, name="carryover"),
    path("my-classroom/", views.portal_home, name="portal_home"),
    path("classrooms/<int:pk>/", views.portal, name="portal"),
    path("classrooms/<int:pk>/report/", views.report_dated, name="report_dated"),
    path(
        "classrooms/<int:pk>/blocks/<int:block_pk>/change/",
        views.block_change,
        name="block_change",
    ),
    path(
        "classrooms/<int:pk>/blocks/<int:block_pk>/preference/",
        views.block_preference,
        name="block_preference",
    ),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notifications_read_all, name="notifications_read_all"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
]
