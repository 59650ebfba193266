from django.apps import AppConfig


class BolosConfig(AppConfig):
    name = "bolos"

    def ready(self):
        from characters.signals import vehicle_stolen_marked

        from .services import on_vehicle_stolen_marked

        # A vehicle marked stolen through any dialect opens (recovered: closes) its BOLO.
        vehicle_stolen_marked.connect(on_vehicle_stolen_marked, dispatch_uid="bolos.stolen_vehicle_bolo")
