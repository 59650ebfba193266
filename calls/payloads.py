"""Event payloads, built in one place: 003's camelCase socket events and 004's snake_case SSE twins.

Every function takes rows that the caller has already loaded (with `assignments__unit` prefetched where
a list is built), so building a payload for a board of calls costs no extra queries.
"""

from __future__ import annotations

from datetime import datetime

from cad.core import access, isotime

from .choices import PRIORITY_TO_WORD, CallOrigin, status_for_dialect

iso = isotime.iso


def actor_name(by) -> str:
    """Who did it, as 003's `updatedBy` / `deletedBy` / `addedBy` print it; nobody is "system"."""
    return access.handle(by)


def coordinates(call) -> dict | None:
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


def unit_003(assignment) -> dict:
    unit = assignment.unit
    return {"_id": str(unit.pk), "id": str(unit.pk), "unitName": unit.name, "status": assignment.state,
            "unitStatus": unit.state, "isPrimary": assignment.is_primary}


def call_003(call, *, assignments=None) -> dict:
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
        "assignedUnits": [unit_003(a) for a in _assignments(call, assignments)],
        "sceneCommanderId": str(call.scene_commander_id) if call.scene_commander_id else None,
        "coordinates": coordinates(call),
        "communityId": str(call.community_id),
        "timestamp": iso(call.created_at),
        "createdAt": iso(call.created_at),
        "updatedAt": iso(call.updated_at),
    }


def alert_911(call) -> dict:
    return {"callId": str(call.pk), "incidentNumber": call.incident_number, "callNumber": call.number,
            "callType": call.call_type or call.title, "location": call.location, "priority": str(call.priority)}


def status_changed(call, by) -> dict:
    return {"callId": str(call.pk), "incidentNumber": call.incident_number, "callNumber": call.number,
            "newStatus": status_for_dialect(call.status), "updatedBy": actor_name(by)}


def note_added(call, note) -> dict:
    return {
        "callId": str(call.pk),
        "incidentNumber": call.incident_number,
        "assignedUnits": [str(a.unit_id) for a in _assignments(call)],
        "note": {"_id": str(note.pk), "text": note.text, "content": note.text, "label": note.label,
                 "type": note.kind, "time": f"{note.created_at:%H:%M:%S}", "addedBy": note.author_name,
                 "addedAt": iso(note.created_at)},
    }


def call_deleted(call, *, deleted_by: str, reason: str) -> dict:
    return {"callId": str(call.pk), "incidentNumber": call.incident_number, "callNumber": call.number,
            "deletedBy": deleted_by, "reason": reason}


def call_closed(call) -> dict:
    return {"callId": str(call.pk), "incidentNumber": call.incident_number, "callNumber": call.number,
            "status": call.status, "disposition": call.disposition}


def units_assigned(call, assignments) -> dict:
    return {"callId": str(call.pk), "incidentNumber": call.incident_number, "callNumber": call.number,
            "units": [unit_003(a) for a in assignments], "coordinates": coordinates(call) or {}}


def unit_removed(call, unit, *, reason: str, now: datetime) -> dict:
    return {
        "callId": str(call.pk), "incidentNumber": call.incident_number, "odId": str(unit.pk),
        "odName": unit.name, "reason": reason, "remainingUnits": [unit_003(a) for a in _assignments(call)],
        "timestamp": iso(now),
    }


def _callsign(character, unit) -> str:
    return unit.name if unit is not None else (character.callsign if character is not None else "")


def panic_003(call, *, character, unit, name: str, location: str, postal: str, coords: dict | None, source: str,
              community) -> dict:
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

def unit_004(assignment) -> dict:
    return {"id": str(assignment.unit_id), "name": assignment.unit.name, "state": assignment.state,
            "is_primary": assignment.is_primary}


def call_004(call, *, assignments=None) -> dict:
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
        "units": [unit_004(a) for a in _assignments(call, assignments)],
        "created_at": iso(call.created_at),
        "updated_at": iso(call.updated_at),
        "closed_at": iso(call.closed_at),
    }


def panic_004(call, *, character, unit, name: str, location: str, postal: str, coords: dict | None) -> dict:
    return {
        "call_id": str(call.pk), "call_number": call.number,
        "character_id": str(character.pk) if character is not None else None,
        "name": name, "callsign": _callsign(character, unit),
        "location": location, "postal": postal, "coords": coords, "created_at": iso(call.created_at),
    }
