from django.apps import AppConfig


class LessonsConfig(AppConfig):
    name = "pushin.lessons"
    label = "lessons"
    verbose_name = "Whole-class lessons"
    default_auto_field = "django.db.models.BigAutoField"
