"""Tile serving: a community's tiles only to its own officers and above (and its API tokens)."""

from __future__ import annotations

from django.http import FileResponse
from rest_framework import exceptions

from cad.core.api.views import CommunityAPIView
from cad.core.choices import Role

from . import selectors, services

CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}


class TileView(CommunityAPIView):
    """GET /map/tiles/<set>/<z>/<x>/<y>.<ext>. A set's tiles never change (a new upload is a new set),
    so browsers may keep them."""

    minimum_role = Role.OFFICER
    schema = None

    def get(self, request, tileset_id, z: int, x: int, y: int, ext: str):
        tileset = selectors.servable_tileset(request.community, tileset_id)
        if tileset is None or ext != tileset.tile_format:
            raise exceptions.NotFound()
        path = services.tiles_dir(tileset) / str(z) / str(x) / f"{y}.{ext}"
        if not path.is_file():
            raise exceptions.NotFound()
        response = FileResponse(path.open("rb"), content_type=CONTENT_TYPES[ext])
        response["Cache-Control"] = "private, max-age=31536000, immutable"
        response["X-Content-Type-Options"] = "nosniff"
        return response
