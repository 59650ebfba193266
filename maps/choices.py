from django.db import models


class TileSourceKind(models.TextChoices):
    PICTURES = "pictures", "Map pictures (minimap_sea_{row}_{col})"
    TILES = "tiles", "Tile archive ({z}/{x}/{y})"


class TileSetStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be cut"
    BUILDING = "building", "Cutting tiles"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


# A unit's arrow colour on the live map when it has no department (its department's colour otherwise).
JOB_COLORS = {"police": "#2563eb", "fire": "#dc2626", "ems": "#16a34a", "tow": "#ea580c"}
DEFAULT_UNIT_COLOR = "#2563eb"
