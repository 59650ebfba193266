"""Reads of the map background and the live map's configuration, shared by the pages and the API."""

from __future__ import annotations

import re
from datetime import datetime

from django.urls import reverse
from django.utils import timezone

from cad.core import geo as transform
from cad.core.isotime import iso
from cad.core.tenancy import CommunityQuerySet

from .choices import DEFAULT_UNIT_COLOR, JOB_COLORS, TileSetStatus
from .models import MapTileSet


def tilesets(community) -> CommunityQuerySet:
    return MapTileSet.objects.for_community(community)


def active_tileset(community) -> MapTileSet | None:
    """The set drawn now: the newest ready one not archived."""
    return (tilesets(community).filter(status=TileSetStatus.READY).live()
            .order_by("-built_at", "-created_at").first())


def servable_tileset(community, tileset_id) -> MapTileSet | None:
    """A ready set of this community (archived ones too: an open page may still draw it)."""
    return tilesets(community).filter(pk=tileset_id, status=TileSetStatus.READY).first()


def latest_upload(community) -> MapTileSet | None:
    """The newest upload whatever its state, for the settings page's status line."""
    return tilesets(community).live().order_by("-created_at").first()


def tile_layer(tileset: MapTileSet | None) -> dict | None:
    """What Leaflet's tile layer needs, or None for the neutral grid."""
    if tileset is None:
        return None
    template = reverse("map-tile", kwargs={"tileset_id": tileset.pk, "z": 0, "x": 0, "y": 0, "ext": "png"})
    template = template.replace("/0/0/0.png", "/{z}/{x}/{y}." + tileset.tile_format)
    return {
        "id": str(tileset.pk), "url": template, "minNativeZoom": tileset.min_zoom,
        "maxNativeZoom": tileset.max_zoom, "bounds": tileset.bounds,
    }


def map_config(community) -> dict:
    """The CRS and background of the community's live map (rendered into the page as JSON)."""
    return {"crs": transform.leaflet_crs(), "tiles": tile_layer(active_tileset(community))}


# --- the live map's state -------------------------------------------------------------------------
PANIC_SECONDS = 90  # 004: a panic flashes on the map this long
_CALLSIGN = re.compile(r"\[(.+?)\]")


def unit_color(unit) -> str:
    if unit.department_id and unit.department.color:
        return unit.department.color
    return JOB_COLORS.get(unit.job, DEFAULT_UNIT_COLOR)


def live_units(community) -> list[dict]:
    """On-duty units with what the map shows of them, and every id a position may be keyed by (its
    own, its game-server id, its character's). One query."""
    from dispatch.selectors import on_duty_units
    from dispatch.services import unit_status_label

    out = []
    for unit in on_duty_units(community).order_by("name"):
        keys = [str(unit.pk)] + [str(k) for k in (unit.external_id, unit.character_id) if k]
        out.append({"id": str(unit.pk), "callsign": unit.name, "job": unit.job, "color": unit_color(unit),
                    "status": unit_status_label(unit), "state": unit.state,
                    "department": unit.department.short_name or unit.department.name if unit.department else "",
                    "keys": keys})
    return out


def live_positions(community, *, now: datetime | None = None) -> list[dict]:
    from dispatch.selectors import locations

    keep = ("unitId", "odId", "unitName", "x", "y", "heading", "postal", "job", "status", "lastUpdate")
    return [{k: e.get(k) for k in keep} for e in locations(community.pk, now=now)]


def postal_places(community) -> dict[str, tuple[float, float]]:
    """{postal code: (x, y)} of the community's active postal table (one query; empty without one)."""
    from postals.selectors import active_postal_table

    table = active_postal_table(community)
    if table is None:
        return {}
    return {str(e["code"]): (float(e["x"]), float(e["y"])) for e in table.entries
            if isinstance(e, dict) and {"code", "x", "y"} <= set(e)}


def live_calls(community, *, now: datetime | None = None) -> tuple[list[dict], list[dict]]:
    """Open calls the map can place (their coordinates, else their postal's), and the panics of the last 90
    seconds among them."""
    from django.db.models import Q

    from calls.selectors import open_calls

    now = now or timezone.now()
    rows = list(open_calls(community).filter(Q(x__isnull=False, y__isnull=False) | ~Q(postal=""))
                .order_by("priority", "created_at")
                .values("pk", "number", "title", "call_type", "location", "postal", "x", "y", "priority", "status",
                        "created_at"))
    places = postal_places(community) if any(row["x"] is None or row["y"] is None for row in rows) else {}
    calls, panics = [], []
    for row in rows:
        if row["x"] is None or row["y"] is None:
            if row["postal"] not in places:
                continue
            row["x"], row["y"] = places[row["postal"]]
        calls.append({"id": str(row["pk"]), "number": row["number"], "title": row["title"] or row["call_type"],
                      "location": row["location"], "postal": row["postal"], "x": row["x"], "y": row["y"],
                      "priority": row["priority"], "status": row["status"]})
        if row["call_type"] == "Panic" and (now - row["created_at"]).total_seconds() < PANIC_SECONDS:
            found = _CALLSIGN.search(row["title"] or "")
            panics.append({"callId": str(row["pk"]), "callsign": found.group(1) if found else "",
                           "coordinates": {"x": row["x"], "y": row["y"]},
                           "timestamp": iso(row["created_at"])})
    return calls, panics


def live_map_state(community, *, now: datetime | None = None) -> dict:
    """Everything the live map draws, for its first paint and every resync."""
    calls, panics = live_calls(community, now=now)
    return {"units": live_units(community), "positions": live_positions(community, now=now), "calls": calls,
            "panics": panics, "tiles": tile_layer(active_tileset(community)), "panicSeconds": PANIC_SECONDS}
