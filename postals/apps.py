from django.apps import AppConfig


class PostalsConfig(AppConfig):
    name = "postals"
    default_auto_field = "django.db.models.BigAutoField"
