from django.apps import AppConfig


class SessionsConfig(AppConfig):
    name = "pushin.sessions"
    # "sessions" is taken by django.contrib.sessions.
    label = "therapy_sessions"
    verbose_name = "Therapy sessions"
    default_auto_field = "django.db.models.BigAutoField"
