from django.apps import AppConfig


class CollaborationConfig(AppConfig):
    name = "pushin.collaboration"
    default_auto_field = "django.db.models.BigAutoField"
