from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cad.core"
    label = "core"
    verbose_name = "Communities and platform"

    def ready(self) -> None:
        from .api import schema  # noqa: F401  (registers OpenAPI extensions)
