from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running Push-In for real: `manage.py serve`, the health check, structured logs."""

    name = "pushin.ops"
