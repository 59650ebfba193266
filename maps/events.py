"""The events maps publishes (the catalogue; see cad.events.EventType): officers and above, like the
tiles themselves."""

from __future__ import annotations

from typing import Any, TypedDict

from cad.events import EventType, declare

from . import services


class TileSet(TypedDict):
    id: str
    communityId: str
    kind: str
    status: str
    minZoom: int
    maxZoom: int
    format: str
    bounds: list[Any]
    tileCount: int
    error: str


MAP_TILES_UPDATED = EventType("map-tiles-updated", services.tileset_payload, payload=TileSet,
                              doc="A tile set was uploaded, finished building, failed, or archived.")

declare(MAP_TILES_UPDATED)
