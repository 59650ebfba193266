"""The events bolos publishes (the catalogue; see cad.events.EventType): officers and above, like the
REST reads. `new-bolo` / `bolo-updated` carry the full BOLO as `/api/bolos` shows it (camelCase)."""

from __future__ import annotations

from typing import Any, TypedDict

from cad.events import EventType, declare


class Bolo(TypedDict):
    _id: str
    id: str
    type: str
    reason: str
    description: str
    priority: str
    subjectFirstName: str
    subjectLastName: str
    subjectDOB: str
    subjectLicense: str
    subjectDescription: str
    vehiclePlate: str
    vehicleMake: str
    vehicleModel: str
    vehicleYear: str
    vehicleColor: str
    vehicleDescription: str
    isActive: bool
    viewedBy: list[str]
    expiresAt: str | None
    createdByName: str
    createdAt: str
    updatedAt: str
    communityId: str
    createdBy: str | None
    createdByCharacterId: str | None
    suspectId: str | None
    stolenVehicleId: str | None
    # 001's names for the same columns
    name: str
    plate: str
    model: str
    color: str


class Removed(TypedDict):
    id: str


def bolo_payload(bolo: Any) -> Bolo:
    from .api.serializers import bolo_event_payload

    return bolo_event_payload(bolo)  # type: ignore[return-value]


def removed_payload(pk: Any) -> Removed:
    return {"id": str(pk)}


NEW_BOLO = EventType("new-bolo", bolo_payload)
BOLO_UPDATED = EventType("bolo-updated", bolo_payload)
BOLO_REMOVED = EventType("bolo-removed", removed_payload, doc="Cancelled, or expired.")

declare(NEW_BOLO, BOLO_UPDATED, BOLO_REMOVED)
