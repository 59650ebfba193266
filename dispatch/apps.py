from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "dispatch"

    def ready(self) -> None:
        from cad.realtime.routes import register_http

        from .ingest import INGEST_PATHS, ingest_app

        register_http(INGEST_PATHS, ingest_app)  # served in front of Django (see dispatch.ingest)
