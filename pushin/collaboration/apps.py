from django.apps import AppConfig


class CollaborationConfig(AppConfig):
    name = "pushin.collaboration"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A new district gets its starter strategy library (see signals.py).
        from pushin.collaboration import signals  # noqa: F401
