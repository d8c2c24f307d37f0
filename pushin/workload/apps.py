from django.apps import AppConfig


class WorkloadConfig(AppConfig):
    name = "pushin.workload"
    verbose_name = "Workload"
    default_auto_field = "django.db.models.BigAutoField"
