from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "dispatch"

    def ready(self) -> None:
        from cad.core import parts
        from cad.realtime.routes import register_http

        from . import selectors, services
        from .api.serializers import community_settings_fields
        from .ingest import INGEST_PATHS, ingest_app

        register_http(INGEST_PATHS, ingest_app)  # served in front of Django (see dispatch.ingest)
        # The area of play and Signal 100 are read and set with the community's settings (001/000 read them
        # in /api/communities/:id), though dispatch keeps them.
        parts.register(parts.CommunityPart(
            app=self.name, fields=community_settings_fields, read=selectors.community_settings,
            write=services.community_settings_update, writable=frozenset({"area_of_play"})))
