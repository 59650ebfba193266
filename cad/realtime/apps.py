from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "cad.realtime"
    label = "realtime"
    verbose_name = "Real time"
