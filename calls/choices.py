"""Call enums and the lossless mappings between the dialects' spellings."""

from django.db import models


class CallStatus(models.TextChoices):
    """000's lifecycle; 003/004 `active` maps to `assigned`."""

    PENDING = "pending", "Pending"
    ASSIGNED = "assigned", "Assigned"
    ENROUTE = "enroute", "En route"
    ON_SCENE = "on-scene", "On scene"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"

    @property
    def color(self) -> str:
        return STATUS_COLORS[self.value]


STATUS_COLORS = {"pending": "#f59e0b", "assigned": "#3b82f6", "enroute": "#6366f1", "on-scene": "#ef4444",
                 "closed": "#6b7280", "cancelled": "#9ca3af"}
OPEN_STATUSES = (CallStatus.PENDING, CallStatus.ASSIGNED, CallStatus.ENROUTE, CallStatus.ON_SCENE)
ENDED_STATUSES = (CallStatus.CLOSED, CallStatus.CANCELLED)


class CallPriority(models.IntegerChoices):
    """Canonical scale: 1 high, 2 normal/medium, 3 low (002 and 004 integers; 003 "1"/"2"/"3")."""

    HIGH = 1, "High"
    NORMAL = 2, "Normal"
    LOW = 3, "Low"


PRIORITY_TO_WORD = {1: "high", 2: "normal", 3: "low"}  # 000
WORD_TO_PRIORITY = {"high": 1, "normal": 2, "medium": 2, "low": 3}


class CallOrigin(models.TextChoices):
    """002's ORIGIN enum (integers 0-3 in that dialect)."""

    CALLER = "CALLER", "Caller (911)"
    RADIO_DISPATCH = "RADIO DISPATCH", "Radio dispatch"
    OBSERVED = "OBSERVED", "Observed"
    WALK_UP = "WALK_UP", "Walk-up"


ORIGIN_FROM_INT = {0: CallOrigin.CALLER, 1: CallOrigin.RADIO_DISPATCH, 2: CallOrigin.OBSERVED, 3: CallOrigin.WALK_UP}


class AssignmentState(models.TextChoices):
    ASSIGNED = "assigned", "Assigned"
    ENROUTE = "enroute", "En route"
    ON_SCENE = "on_scene", "On scene"
