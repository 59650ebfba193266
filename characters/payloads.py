"""Characters' event payloads (003 camelCase), declared as TypedDicts and built here; the catalogue in
characters/events.py points at these builders, and the services publish them. Moments stay datetimes
until the event is encoded (`cad.events` writes them as DjangoJSONEncoder does), so the declared shape is
the wire's and the builders return plain dicts."""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

from . import models


class Character(TypedDict):
    _id: str
    id: str
    communityId: str
    firstName: str
    lastName: str
    type: str
    callsign: str
    departmentId: str | None
    rank: str
    flags: list[str]
    archived: bool


class ActivatedCharacter(Character):
    userId: str  # whose active character it now is


class Vehicle(TypedDict):
    _id: str
    id: str
    communityId: str
    plate: str
    make: str
    model: str
    color: str
    year: int | None
    characterId: str | None
    isStolen: bool
    registrationStatus: str
    insuranceStatus: str
    archived: bool
    by: NotRequired[str | None]  # vehicle-stolen / vehicle-recovered: who marked it


class License(TypedDict):
    _id: str
    id: str
    communityId: str
    characterId: str
    status: str
    points: int
    suspendedUntil: str | None
    override: bool
    by: NotRequired[str]  # a DMV change: who made it
    archived: NotRequired[bool]  # the license was archived


class Weapon(TypedDict):
    _id: str
    id: str
    communityId: str
    serialNumber: str
    make: str
    model: str
    caliber: str
    characterId: str | None
    archived: bool


class Application(TypedDict):
    _id: str
    id: str
    communityId: str
    characterId: str
    status: str
    reason: str
    decidedAt: str | None


def character_payload(c: models.Character) -> dict[str, Any]:
    return {"_id": str(c.pk), "id": str(c.pk), "communityId": str(c.community_id), "firstName": c.first_name,
            "lastName": c.last_name, "type": c.type, "callsign": c.callsign,
            "departmentId": str(c.department_id) if c.department_id else None, "rank": c.rank,
            "flags": c.flags, "archived": c.archived_at is not None}


def activated_payload(character: models.Character, user: Any) -> dict[str, Any]:
    return {"userId": str(user.pk), **character_payload(character)}


def vehicle_payload(v: models.Vehicle) -> dict[str, Any]:
    return {"_id": str(v.pk), "id": str(v.pk), "communityId": str(v.community_id), "plate": v.plate,
            "make": v.make, "model": v.model, "color": v.color, "year": v.year,
            "characterId": str(v.owner_id) if v.owner_id else None, "isStolen": v.is_stolen,
            "registrationStatus": v.registration_status, "insuranceStatus": v.insurance_status,
            "archived": v.archived_at is not None}


def license_payload(lic: models.DrivingLicense) -> dict[str, Any]:
    return {"_id": str(lic.pk), "id": str(lic.pk), "communityId": str(lic.community_id),
            "characterId": str(lic.character_id), "status": lic.status, "points": lic.points,
            "suspendedUntil": lic.suspended_until, "override": lic.override}


def weapon_payload(w: models.Weapon) -> dict[str, Any]:
    return {"_id": str(w.pk), "id": str(w.pk), "communityId": str(w.community_id), "serialNumber": w.serial_number,
            "make": w.make, "model": w.model, "caliber": w.caliber,
            "characterId": str(w.owner_id) if w.owner_id else None, "archived": w.archived_at is not None}


def application_payload(a: models.WeaponLicenseApplication) -> dict[str, Any]:
    return {"_id": str(a.pk), "id": str(a.pk), "communityId": str(a.community_id),
            "characterId": str(a.character_id), "status": a.status, "reason": a.reason, "decidedAt": a.decided_at}
