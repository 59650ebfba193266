"""Every state change of characters, vehicles, driving licenses (DMV points) and weapons, one module per
aggregate (`characters`, `mugshots`, `vehicles`, `licenses`, `weapons`), the field rules and write patterns
they share in `common`. Callers import from here: `characters.services.vehicle_register`.

Functions take keyword-only arguments, run in a transaction, publish events after commit and return the
row. Bad input raises `Invalid` (400), a clash raises `Conflict` (409), a switched-off module
raises `Forbidden` (403): the same rules hold for /api/*, /fivem/* and other apps' services.
"""

from __future__ import annotations

from ..payloads import (
    application_payload,
    character_payload,
    license_payload,
    vehicle_payload,
    weapon_payload,
)
from .characters import (
    active_character,
    character_activate,
    character_archive,
    character_create,
    character_update,
)
from .common import DMV_DISABLED, WEAPONS_DISABLED, require_dmv, require_weapons
from .licenses import (
    MAX_CITATION_POINTS,
    license_archive,
    license_issue,
    license_override,
    license_points_add,
    license_recalculate,
    licenses_recalculate_all,
)
from .mugshots import MAX_MUGSHOT_PIXELS, character_set_mugshot, mugshot_validate
from .vehicles import (
    StolenMark,
    vehicle_deregister,
    vehicle_mark_stolen,
    vehicle_register,
    vehicle_set_stolen,
    vehicle_update,
)
from .weapons import (
    weapon_archive,
    weapon_license_apply,
    weapon_license_decide,
    weapon_register,
    weapon_update,
    weapons_license_status,
)

__all__ = [
    "DMV_DISABLED", "MAX_CITATION_POINTS", "MAX_MUGSHOT_PIXELS", "WEAPONS_DISABLED", "StolenMark",
    "active_character", "application_payload", "character_activate", "character_archive", "character_create",
    "character_payload", "character_set_mugshot", "character_update", "license_archive", "license_issue",
    "license_override", "license_payload", "license_points_add", "license_recalculate",
    "licenses_recalculate_all", "mugshot_validate", "require_dmv", "require_weapons", "vehicle_deregister",
    "vehicle_mark_stolen", "vehicle_payload", "vehicle_register", "vehicle_set_stolen", "vehicle_update",
    "weapon_archive", "weapon_license_apply", "weapon_license_decide", "weapon_payload", "weapon_register",
    "weapon_update", "weapons_license_status",
]
