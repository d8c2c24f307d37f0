from django.urls import path

from pushin.progress import views

app_name = "progress"
urlpatterns = [
    path("students/<pid:pk>/", views.student_progress, name="student"),
]
