"""Unit suggestions: the nearest available units to a call, by distance from their live positions."""

from __future__ import annotations

import math
from dataclasses import dataclass

from dispatch.choices import UnitState
from dispatch.models import Unit
from dispatch.selectors import locations_with_time

LIMIT = 5


@dataclass(frozen=True)
class Suggestion:
    unit: Unit
    distance: float  # game units (metres)


def call_point(call) -> tuple[float, float] | None:
    """Where the call is: its coordinates, else its postal's place in the community's postal table
    (None when neither is known)."""
    if call.x is not None and call.y is not None:
        return float(call.x), float(call.y)
    code = (call.postal or "").strip().lower()
    if not code:
        return None
    from postals.models import PostalTable

    entries = (PostalTable.objects.for_community(call.community_id).live()
               .values_list("entries", flat=True).first()) or []
    for entry in entries:
        if isinstance(entry, dict) and str(entry.get("code", "")).strip().lower() == code:
            try:
                return float(entry["x"]), float(entry["y"])
            except (KeyError, TypeError, ValueError):
                return None
    return None


def nearest_units(call, *, limit: int = LIMIT) -> list[Suggestion] | None:
    """Available on-duty units with a live position, nearest first; None when the call has no place."""
    point = call_point(call)
    if point is None:
        return None
    entries = [e for e in locations_with_time(call.community_id) if e.get("odId")]
    if not entries:
        return []
    units = {str(u.pk): u for u in Unit.objects.for_community(call.community_id)
             .filter(pk__in=[e["odId"] for e in entries], on_duty=True, state=UnitState.AVAILABLE)
             .select_related("status_code")}
    assigned = set(call.assignments.values_list("unit_id", flat=True))
    best: dict[str, Suggestion] = {}
    for entry in entries:
        unit = units.get(entry["odId"])
        if unit is None or unit.pk in assigned:
            continue
        distance = math.hypot(float(entry["x"]) - point[0], float(entry["y"]) - point[1])
        if entry["odId"] not in best or distance < best[entry["odId"]].distance:
            best[entry["odId"]] = Suggestion(unit, distance)
    return sorted(best.values(), key=lambda s: s.distance)[:limit]
