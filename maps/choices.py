from django.db import models


class TileSourceKind(models.TextChoices):
    PICTURES = "pictures", "Map pictures (minimap_sea_{row}_{col})"
    TILES = "tiles", "Tile archive ({z}/{x}/{y})"


class TileSetStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be cut"
    BUILDING = "building", "Cutting tiles"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


# A unit's arrow colour on the live map by its department's type (departments carry no colour of their own).
DEPARTMENT_TYPE_COLORS = {
    "police": "#2563eb",
    "sheriff": "#a16207",
    "state": "#0f766e",
    "fire": "#dc2626",
    "ems": "#16a34a",
    "tow": "#ea580c",
    "dispatch": "#7c3aed",
}
JOB_COLORS = {"police": "#2563eb", "fire": "#dc2626", "ems": "#16a34a", "tow": "#ea580c"}
DEFAULT_UNIT_COLOR = "#2563eb"
