from django.apps import AppConfig


class CaseloadConfig(AppConfig):
    name = "pushin.caseload"
    default_auto_field = "django.db.models.BigAutoField"
