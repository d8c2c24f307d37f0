"""Whole-class lessons, teachers' requests, lesson credit and float support (/lessons/)."""

from django.urls import URLPattern, URLResolver, path

from pushin.lessons import views

app_name = "lessons"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("new/", views.lesson_new, name="new"),
    path("weekly/<pid:pk>/end/", views.weekly_end, name="weekly_end"),
    path("requests/<pid:pk>/decline/", views.request_decline, name="request_decline"),
    path("classrooms/<pid:pk>/request/", views.request_create, name="request_create"),
    path("services/<pid:pk>/credit/", views.credit_set, name="credit"),
    path("sessions/<pid:pk>/support/", views.support_set, name="support"),
]
