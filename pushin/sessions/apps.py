from django.apps import AppConfig


class SessionsConfig(AppConfig):
    name = "pushin.sessions"
    # "sessions" is taken by django.contrib.sessions.
    label = "therapy_sessions"
    verbose_name = "Therapy sessions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Writes to a student's ledger inputs replace their ledger stamp (ledger_stamps.py).
        from pushin.sessions import ledger_stamps

        ledger_stamps.connect()
