"""The events calls publishes (the catalogue; see cad.events.EventType). Payload shapes are the
TypedDicts of calls/payloads.py, built there."""

from __future__ import annotations

from cad.core.choices import Role
from cad.events import EventType, Lane, declare

from . import payloads

NEW_CALL = EventType(
    "new-911-call", payloads.call_cde, aliases=("new-call", "newCall", "new911Call"),
    sse="new_call", sse_build=payloads.call_fivem,
    doc="A call reached the board (created, or approved); new911Call only for a 911 call.")
CALL_UPDATED = EventType(
    "callUpdated", payloads.call_cde, aliases=("call-updated", "911CallUpdated"),
    sse="call_updated", sse_build=payloads.call_fivem, sse_aliases=("call_closed",),
    doc="Any change of a call, with the full call; 911CallUpdated only for a 911 call. A cancelled call's "
        "update tells game servers `call_closed`.")
CALL_STATUS_UPDATED = EventType("call-status-updated", payloads.status_changed)
CALL_CLOSED = EventType("911CallClosed", payloads.call_closed, sse="call_closed", sse_build=payloads.call_fivem)
CALL_DELETED = EventType("call-deleted", payloads.call_deleted, doc="Archived by a user or expired.")
CALL_NOTE_ADDED = EventType("call-note-added", payloads.note_added)
ALERT_911 = EventType("911Alert", payloads.alert_911)
UNITS_ASSIGNED = EventType("unitsAssignedTo911", payloads.units_assigned)
UNIT_REMOVED = EventType("unitRemovedFromCall", payloads.unit_removed, aliases=("unitDetachedFromCall",),
                         doc="unitDetachedFromCall too when the unit cleared itself.")
PANIC = EventType("panic-button", payloads.panic_cde, lane=Lane.PRIORITY, sse="panic", sse_build=payloads.panic_fivem)
PANIC_ACKNOWLEDGED = EventType(
    "panic-acknowledged", payloads.panic_acknowledged, lane=Lane.PRIORITY,
    doc="A dispatcher acknowledged a panic: every board clears its overlay and alarm for it.")

MY_CALL_UPDATED = EventType(
    "my-911-call-updated", payloads.my_call_updated, audience=Role.CIVILIAN, recipient=payloads.caller_of,
    doc="A 911 call's status as its caller sees it (approved, declined, a unit assigned, en route, on scene, "
        "closed), sent to the user who filed it and to nobody else: never another civilian, never a game "
        "server. The /911 page follows it.")

declare(NEW_CALL, CALL_UPDATED, CALL_STATUS_UPDATED, CALL_CLOSED, CALL_DELETED, CALL_NOTE_ADDED, ALERT_911,
        UNITS_ASSIGNED, UNIT_REMOVED, PANIC, PANIC_ACKNOWLEDGED, MY_CALL_UPDATED)
