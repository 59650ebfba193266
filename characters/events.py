"""The events characters publishes (the catalogue; see cad.events.EventType). The payloads are built in
characters/services.py (`character_payload`, ...) and declared here; all go to officers and above, like
the REST reads of anyone's characters, vehicles, licenses and weapons."""

from __future__ import annotations

from typing import NotRequired, TypedDict

from cad.events import EventType, declare

from . import services


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


def activated_payload(character, user) -> ActivatedCharacter:
    return {"userId": str(user.pk), **services.character_payload(character)}  # type: ignore[typeddict-item]


def _character(name: str) -> EventType:
    return EventType(name, services.character_payload, payload=Character)


def _vehicle(name: str) -> EventType:
    return EventType(name, services.vehicle_payload, payload=Vehicle)


def _weapon(name: str) -> EventType:
    return EventType(name, services.weapon_payload, payload=Weapon)


CHARACTER_CREATED = _character("character-created")
CHARACTER_UPDATED = _character("character-updated")
CHARACTER_ARCHIVED = _character("character-archived")
CHARACTER_ACTIVATED = EventType("character-activated", activated_payload)
VEHICLE_REGISTERED = _vehicle("vehicle-registered")
VEHICLE_UPDATED = _vehicle("vehicle-updated")
VEHICLE_DEREGISTERED = _vehicle("vehicle-deregistered")
VEHICLE_STOLEN = _vehicle("vehicle-stolen")
VEHICLE_RECOVERED = _vehicle("vehicle-recovered")
LICENSE_UPDATED = EventType("license-updated", services.license_payload, payload=License)
WEAPON_REGISTERED = _weapon("weapon-registered")
WEAPON_UPDATED = _weapon("weapon-updated")
WEAPON_ARCHIVED = _weapon("weapon-archived")
WEAPON_LICENSE_APPLICATION = EventType("weapon-license-application", services.application_payload,
                                       payload=Application)
WEAPON_LICENSE_DECIDED = EventType("weapon-license-decided", services.application_payload, payload=Application)

declare(CHARACTER_CREATED, CHARACTER_UPDATED, CHARACTER_ARCHIVED, CHARACTER_ACTIVATED, VEHICLE_REGISTERED,
        VEHICLE_UPDATED, VEHICLE_DEREGISTERED, VEHICLE_STOLEN, VEHICLE_RECOVERED, LICENSE_UPDATED, WEAPON_REGISTERED,
        WEAPON_UPDATED, WEAPON_ARCHIVED, WEAPON_LICENSE_APPLICATION, WEAPON_LICENSE_DECIDED)
