from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "pushin.progress"
    verbose_name = "Goal progress"
    default_auto_field = "django.db.models.BigAutoField"
