from django.apps import AppConfig


class DistrictConfig(AppConfig):
    name = "pushin.district"
    default_auto_field = "django.db.models.BigAutoField"
