from django.db import models


class Role(models.TextChoices):
    """Membership roles, most to least privileged; each role can do what the roles below it can."""

    ADMIN = "admin", "Admin"
    SUPERVISOR = "supervisor", "Supervisor"
    DISPATCHER = "dispatcher", "Dispatcher"
    OFFICER = "officer", "Officer"
    CIVILIAN = "civilian", "Civilian"

    @property
    def rank(self) -> int:
        return ROLE_RANK[self.value]

    def at_least(self, other: "Role | str") -> bool:
        return ROLE_RANK[self.value] >= ROLE_RANK[Role(other).value]


ROLE_RANK = {"admin": 50, "supervisor": 40, "dispatcher": 30, "officer": 20, "civilian": 10}


class BoloPermission(models.TextChoices):
    ADMIN = "admin", "Admins only"
    SUPERVISOR = "supervisor", "Supervisors and admins"
    ALL = "all", "Every member with LEO access"


class DepartmentType(models.TextChoices):
    POLICE = "police", "Police"
    SHERIFF = "sheriff", "Sheriff"
    STATE = "state", "State"
    EMS = "ems", "EMS"
    FIRE = "fire", "Fire"
    TOW = "tow", "Tow"
    DISPATCH = "dispatch", "Dispatch"

    @property
    def color(self) -> str:
        """A new department's colour (map markers, unit swatches) until an admin picks another."""
        return DEPARTMENT_TYPE_COLORS[self.value]


DEPARTMENT_TYPE_COLORS = {
    "police": "#2563eb", "sheriff": "#a16207", "state": "#0f766e", "fire": "#dc2626", "ems": "#16a34a",
    "tow": "#ea580c", "dispatch": "#7c3aed",
}


class StatusCodeMeaning(models.TextChoices):
    """The canonical unit state a configurable status code stands for (004's unit statuses)."""

    AVAILABLE = "available", "Available"
    ENROUTE = "enroute", "Enroute"
    ON_SCENE = "on_scene", "On Scene"
    BUSY = "busy", "Busy"
    OUT_OF_SERVICE = "out_of_service", "Out of Service"
