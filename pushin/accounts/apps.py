from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "pushin.accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The idle sign-out starts its clocks when someone signs in.
        from pushin.accounts import middleware  # noqa: F401
