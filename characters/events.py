"""The events characters publishes (the catalogue; see cad.events.EventType). Payload shapes and builders
are characters/payloads.py's; all go to officers and above, like the REST reads of anyone's characters,
vehicles, licenses and weapons."""

from __future__ import annotations

from cad.events import EventType, declare

from .payloads import (
    ActivatedCharacter,
    Application,
    Character,
    License,
    Vehicle,
    Weapon,
    activated_payload,
    application_payload,
    character_payload,
    license_payload,
    vehicle_payload,
    weapon_payload,
)


def _character(name: str) -> EventType:
    return EventType(name, character_payload, payload=Character)


def _vehicle(name: str) -> EventType:
    return EventType(name, vehicle_payload, payload=Vehicle)


def _weapon(name: str) -> EventType:
    return EventType(name, weapon_payload, payload=Weapon)


CHARACTER_CREATED = _character("character-created")
CHARACTER_UPDATED = _character("character-updated")
CHARACTER_ARCHIVED = _character("character-archived")
CHARACTER_ACTIVATED = EventType("character-activated", activated_payload, payload=ActivatedCharacter)
VEHICLE_REGISTERED = _vehicle("vehicle-registered")
VEHICLE_UPDATED = _vehicle("vehicle-updated")
VEHICLE_DEREGISTERED = _vehicle("vehicle-deregistered")
VEHICLE_STOLEN = _vehicle("vehicle-stolen")
VEHICLE_RECOVERED = _vehicle("vehicle-recovered")
LICENSE_UPDATED = EventType("license-updated", license_payload, payload=License)
WEAPON_REGISTERED = _weapon("weapon-registered")
WEAPON_UPDATED = _weapon("weapon-updated")
WEAPON_ARCHIVED = _weapon("weapon-archived")
WEAPON_LICENSE_APPLICATION = EventType("weapon-license-application", application_payload,
                                       payload=Application)
WEAPON_LICENSE_DECIDED = EventType("weapon-license-decided", application_payload, payload=Application)

declare(CHARACTER_CREATED, CHARACTER_UPDATED, CHARACTER_ARCHIVED, CHARACTER_ACTIVATED, VEHICLE_REGISTERED,
        VEHICLE_UPDATED, VEHICLE_DEREGISTERED, VEHICLE_STOLEN, VEHICLE_RECOVERED, LICENSE_UPDATED, WEAPON_REGISTERED,
        WEAPON_UPDATED, WEAPON_ARCHIVED, WEAPON_LICENSE_APPLICATION, WEAPON_LICENSE_DECIDED)
