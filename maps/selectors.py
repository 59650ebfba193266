"""Reads of the map background and the live map's configuration, shared by the pages and the API."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse

from . import transform
from .choices import TileSetStatus
from .models import MapTileSet


def tilesets(community) -> QuerySet[MapTileSet]:
    return MapTileSet.objects.for_community(community)


def active_tileset(community) -> MapTileSet | None:
    """The set drawn now: the newest ready one not archived."""
    return (tilesets(community).filter(status=TileSetStatus.READY, archived_at__isnull=True)
            .order_by("-built_at", "-created_at").first())


def servable_tileset(community, tileset_id) -> MapTileSet | None:
    """A ready set of this community (archived ones too: an open page may still draw it)."""
    return tilesets(community).filter(pk=tileset_id, status=TileSetStatus.READY).first()


def latest_upload(community) -> MapTileSet | None:
    """The newest upload whatever its state, for the settings page's status line."""
    return tilesets(community).filter(archived_at__isnull=True).order_by("-created_at").first()


def tile_layer(tileset: MapTileSet | None) -> dict | None:
    """What Leaflet's tile layer needs, or None for the neutral grid."""
    if tileset is None:
        return None
    template = reverse("maps:tile", kwargs={"tileset_id": tileset.pk, "z": 0, "x": 0, "y": 0, "ext": "png"})
    template = template.replace("/0/0/0.png", "/{z}/{x}/{y}." + tileset.tile_format)
    return {
        "id": str(tileset.pk), "url": template, "minNativeZoom": tileset.min_zoom,
        "maxNativeZoom": tileset.max_zoom, "bounds": tileset.bounds,
    }


def map_config(community) -> dict:
    """The CRS and background of the community's live map (rendered into the page as JSON)."""
    return {"crs": transform.leaflet_crs(), "tiles": tile_layer(active_tileset(community))}
