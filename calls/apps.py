from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "calls"

    def ready(self):
        from dispatch import links

        from .links import CallsForDispatch

        links.register(CallsForDispatch())
