"""Event payloads, built in one place: 003's camelCase socket events and 004's snake_case SSE twins.

Every function takes rows that the caller has already loaded (with `assignments__unit` prefetched where
a list is built), so building a payload for a board of calls costs no extra queries.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from cad.core import access, isotime

from .choices import PRIORITY_TO_WORD, CallOrigin, status_for_dialect

iso = isotime.iso


# --- declarations (the catalogue in calls/events.py points at the builders below) -----------------
class Coordinates(TypedDict):
    x: float
    y: float
    z: float | None


class UnitCde(TypedDict):
    _id: str
    id: str
    unitName: str
    status: str
    unitStatus: str
    isPrimary: bool


class CallCde(TypedDict):
    _id: str
    id: str
    callNumber: int
    incidentNumber: str
    callType: str
    title: str
    code: str
    location: str
    block: str
    postal: str
    caller: str
    description: str
    origin: str
    is911: bool
    priority: str
    priorityLabel: str
    status: str
    assignedUnits: list[UnitCde]
    sceneCommanderId: str | None
    coordinates: Coordinates | None
    communityId: str
    timestamp: str | None
    createdAt: str | None
    updatedAt: str | None


class PanicAcknowledged(TypedDict):
    panicId: str
    callId: str
    callsign: str
    acknowledgedBy: str
    acknowledgedAt: str | None


class Alert911(TypedDict):
    callId: str
    incidentNumber: str
    callNumber: int
    callType: str
    location: str
    priority: str


class StatusChanged(TypedDict):
    callId: str
    incidentNumber: str
    callNumber: int
    newStatus: str
    updatedBy: str


class MyCallUpdated(TypedDict):
    """The caller's own 911 call, as the caller sees it (`calls.choices.caller_status`)."""

    callId: str
    callNumber: int
    userId: str  # the caller: the one user the event reaches (calls/events.py)
    status: str
    statusLabel: str
    tone: str
    updatedAt: str | None


class NoteCde(TypedDict):
    _id: str
    text: str
    content: str
    label: str
    type: str
    time: str
    addedBy: str
    addedAt: str | None


class NoteAdded(TypedDict):
    callId: str
    incidentNumber: str
    assignedUnits: list[str]
    note: NoteCde


class CallDeleted(TypedDict):
    callId: str
    incidentNumber: str
    callNumber: int
    deletedBy: str
    reason: str


class CallClosed(TypedDict):
    callId: str
    incidentNumber: str
    callNumber: int
    status: str
    disposition: str


class UnitsAssigned(TypedDict):
    callId: str
    incidentNumber: str
    callNumber: int
    units: list[UnitCde]
    coordinates: Coordinates | dict


class UnitRemoved(TypedDict):
    callId: str
    incidentNumber: str
    odId: str
    odName: str
    reason: str
    remainingUnits: list[UnitCde]
    timestamp: str | None


class PanicCde(TypedDict):
    officerName: str
    officerId: str | None
    callsign: str
    characterId: str | None
    callId: str
    callNumber: int
    incidentNumber: str
    location: str
    postal: str
    coordinates: Coordinates | None
    communityId: str
    communityName: str
    serverName: str
    timestamp: str | None
    source: str


class UnitFivem(TypedDict):
    id: str
    name: str
    state: str
    is_primary: bool


class CallFivem(TypedDict):
    id: str
    call_number: int
    incident_number: str
    title: str
    call_type: str
    code: str
    description: str
    location: str
    block: str
    postal: str
    x: float | None
    y: float | None
    z: float | None
    caller: str
    origin: str
    priority: int
    status: str
    disposition: str
    scene_commander_id: str | None
    units: list[UnitFivem]
    created_at: str | None
    updated_at: str | None
    closed_at: str | None


class PanicFivem(TypedDict):
    call_id: str
    call_number: int
    character_id: str | None
    name: str
    callsign: str
    location: str
    postal: str
    coords: Coordinates | None
    created_at: str | None


def actor_name(by) -> str:
    """Who did it, as 003's `updatedBy` / `deletedBy` / `addedBy` print it; nobody is "system"."""
    return access.handle(by)


def coordinates(call) -> Coordinates | None:
    if call.x is None or call.y is None:
        return None
    return {"x": call.x, "y": call.y, "z": call.z}


def _assignments(call, known=None) -> list:
    if known is not None:  # the caller knows them (a call it has just created): no query
        return list(known)
    prefetched = getattr(call, "_prefetched_objects_cache", {}).get("assignments")
    if prefetched is not None:
        return list(prefetched)
    return list(call.assignments.select_related("unit"))


def unit_cde(assignment) -> UnitCde:
    unit = assignment.unit
    return {"_id": str(unit.pk), "id": str(unit.pk), "unitName": unit.name, "status": assignment.state,
            "unitStatus": unit.state, "isPrimary": assignment.is_primary}


def call_cde(call, *, assignments=None) -> CallCde:
    """The full call object of 003 (new-911-call, callUpdated, 911CallUpdated, current911Calls)."""
    return {
        "_id": str(call.pk),
        "id": str(call.pk),
        "callNumber": call.number,
        "incidentNumber": call.incident_number,
        "callType": call.call_type or call.title,
        "title": call.title,
        "code": call.code,
        "location": call.location,
        "block": call.block,
        "postal": call.postal,
        "caller": call.caller,
        "description": call.description,
        "origin": call.origin,
        "is911": call.origin == CallOrigin.CALLER,
        "priority": str(call.priority),
        "priorityLabel": PRIORITY_TO_WORD[call.priority],
        "status": status_for_dialect(call.status),
        "assignedUnits": [unit_cde(a) for a in _assignments(call, assignments)],
        "sceneCommanderId": str(call.scene_commander_id) if call.scene_commander_id else None,
        "coordinates": coordinates(call),
        "communityId": str(call.community_id),
        "timestamp": iso(call.created_at),
        "createdAt": iso(call.created_at),
        "updatedAt": iso(call.updated_at),
    }


def panic_acknowledged(panic) -> PanicAcknowledged:
    return {"panicId": str(panic.pk), "callId": str(panic.call_id), "callsign": panic.callsign,
            "acknowledgedBy": panic.acknowledged_by_name, "acknowledgedAt": iso(panic.acknowledged_at)}


def alert_911(call) -> Alert911:
    return {"callId": str(call.pk), "incidentNumber": call.incident_number, "callNumber": call.number,
            "callType": call.call_type or call.title, "location": call.location, "priority": str(call.priority)}


def status_changed(call, by) -> StatusChanged:
    return {"callId": str(call.pk), "incidentNumber": call.incident_number, "callNumber": call.number,
            "newStatus": status_for_dialect(call.status), "updatedBy": actor_name(by)}


def note_added(call, note) -> NoteAdded:
    return {
        "callId": str(call.pk),
        "incidentNumber": call.incident_number,
        "assignedUnits": [str(a.unit_id) for a in _assignments(call)],
        "note": {"_id": str(note.pk), "text": note.text, "content": note.text, "label": note.label,
                 "type": note.kind, "time": f"{note.created_at:%H:%M:%S}", "addedBy": note.author_name,
                 "addedAt": iso(note.created_at)},
    }


def call_deleted(call, *, deleted_by: str, reason: str) -> CallDeleted:
    return {"callId": str(call.pk), "incidentNumber": call.incident_number, "callNumber": call.number,
            "deletedBy": deleted_by, "reason": reason}


def my_call_updated(call) -> MyCallUpdated:
    seen = call.caller_view
    return {"callId": str(call.pk), "callNumber": call.number, "userId": str(call.created_by_id),
            "status": seen.code, "statusLabel": seen.label, "tone": seen.tone, "updatedAt": iso(call.updated_at)}


def caller_of(payload: MyCallUpdated) -> str:
    """Who receives `my-911-call-updated`: the user who filed the call, and nobody else."""
    return payload["userId"]


def call_closed(call) -> CallClosed:
    return {"callId": str(call.pk), "incidentNumber": call.incident_number, "callNumber": call.number,
            "status": call.status, "disposition": call.disposition}


def units_assigned(call, assignments) -> UnitsAssigned:
    return {"callId": str(call.pk), "incidentNumber": call.incident_number, "callNumber": call.number,
            "units": [unit_cde(a) for a in assignments], "coordinates": coordinates(call) or {}}


def unit_removed(call, unit, *, reason: str, now: datetime) -> UnitRemoved:
    return {
        "callId": str(call.pk), "incidentNumber": call.incident_number, "odId": str(unit.pk),
        "odName": unit.name, "reason": reason, "remainingUnits": [unit_cde(a) for a in _assignments(call)],
        "timestamp": iso(now),
    }


def _callsign(character, unit) -> str:
    return unit.name if unit is not None else (character.callsign if character is not None else "")


def panic_cde(call, *, character, unit, name: str, location: str, postal: str, coords: Coordinates | None,
              source: str, community) -> PanicCde:
    return {
        "officerName": name,
        "officerId": str(unit.pk) if unit is not None else (str(character.pk) if character is not None else None),
        "callsign": _callsign(character, unit),
        "characterId": str(character.pk) if character is not None else None,
        "callId": str(call.pk),
        "callNumber": call.number,
        "incidentNumber": call.incident_number,
        "location": location,
        "postal": postal,
        "coordinates": coords,
        "communityId": str(community.pk),
        "communityName": community.name,
        "serverName": "",
        "timestamp": iso(call.created_at),
        "source": source,
    }


# --- 004 (/fivem/* and /fivem/events), snake_case -------------------------------------------------

def unit_fivem(assignment) -> UnitFivem:
    return {"id": str(assignment.unit_id), "name": assignment.unit.name, "state": assignment.state,
            "is_primary": assignment.is_primary}


def call_fivem(call, *, assignments=None) -> CallFivem:
    return {
        "id": str(call.pk),
        "call_number": call.number,
        "incident_number": call.incident_number,
        "title": call.title or call.call_type,
        "call_type": call.call_type,
        "code": call.code,
        "description": call.description,
        "location": call.location,
        "block": call.block,
        "postal": call.postal,
        "x": call.x,
        "y": call.y,
        "z": call.z,
        "caller": call.caller,
        "origin": call.origin,
        "priority": call.priority,
        "status": status_for_dialect(call.status),
        "disposition": call.disposition,
        "scene_commander_id": str(call.scene_commander_id) if call.scene_commander_id else None,
        "units": [unit_fivem(a) for a in _assignments(call, assignments)],
        "created_at": iso(call.created_at),
        "updated_at": iso(call.updated_at),
        "closed_at": iso(call.closed_at),
    }


def panic_fivem(call, *, character, unit, name: str, location: str, postal: str,
                coords: Coordinates | None) -> PanicFivem:
    return {
        "call_id": str(call.pk), "call_number": call.number,
        "character_id": str(character.pk) if character is not None else None,
        "name": name, "callsign": _callsign(character, unit),
        "location": location, "postal": postal, "coords": coords, "created_at": iso(call.created_at),
    }
