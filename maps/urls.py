from django.urls import path, register_converter

from . import views


class _TileExt:
    regex = "png|jpg|webp"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(_TileExt, "tile_ext")

urlpatterns = [
    path("map/tiles/<uuid:tileset_id>/<int:z>/<int:x>/<int:y>.<tile_ext:ext>", views.TileView.as_view(), name="map-tile"),
]
