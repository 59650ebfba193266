from django.db import models


class UnitJob(models.TextChoices):
    POLICE = "police", "Police"
    EMS = "ems", "EMS"
    FIRE = "fire", "Fire"
    TOW = "tow", "Tow"


class UnitState(models.TextChoices):
    """004's canonical unit states; a community status code maps onto one of them."""

    AVAILABLE = "available", "Available"
    ENROUTE = "enroute", "Enroute"
    ON_SCENE = "on_scene", "On Scene"
    BUSY = "busy", "Busy"

    @property
    def color(self) -> str:
        return {"available": "#22c55e", "enroute": "#3b82f6", "on_scene": "#ef4444", "busy": "#f59e0b"}[self.value]


class ToneType(models.TextChoices):
    """001's tones: one active tone per audience."""

    LEO = "leo", "LEO"
    EMS_FD = "ems_fd", "EMS / Fire"
