from django.apps import AppConfig


class BolosConfig(AppConfig):
    name = "bolos"
