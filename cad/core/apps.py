from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cad.core"
    label = "core"
    verbose_name = "Communities and platform"
