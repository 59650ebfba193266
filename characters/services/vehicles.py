"""Vehicle registrations: register, update, deregister, and stolen / recovered for every dialect
(`vehicle_mark_stolen`). A plate is registered once (live) per community (`characters.plates`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from cad.core import access, updates
from cad.core.choices import Role
from cad.core.errors import Invalid
from cad.core.models import Community
from cad.events import publish

from .. import signals
from ..choices import InsuranceStatus, RegistrationStatus
from ..models import Character, Vehicle
from ..payloads import vehicle_payload
from ..plates import clean_plate
from .common import (
    archive,
    choice_cleaner,
    clash_named_by,
    owner_cleaner,
    registered_conflict,
    text,
    text_cleaner,
    unique_update,
    user_pk,
)

VIN_RE = re.compile(r"^[A-Z0-9]{1,17}$")


def _year(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise Invalid({"year": ["A whole number."]}) from None
    if isinstance(value, float) and not value.is_integer():
        raise Invalid({"year": ["A whole number."]})
    if not 1886 <= year <= timezone.now().year + 2:
        raise Invalid({"year": ["Not a plausible model year."]})
    return year


def _vin(value: Any) -> str:
    value = text("vin", value, max_length=17).upper()
    if value and not VIN_RE.match(value):
        raise Invalid({"vin": ["Up to 17 letters and digits."]})
    return value


def _field_rules(community_id: Any) -> dict[str, updates.Cleaner]:
    """A registration's fields and their rules, for a new one and a change alike."""
    return {
        "plate": clean_plate,
        "owner": owner_cleaner(community_id, required=False),
        "make": text_cleaner("make", 60),
        "model": text_cleaner("model", 60),
        "color": text_cleaner("color", 40),
        "year": _year,
        "vin": _vin,
        "registration_status": choice_cleaner("registration_status", RegistrationStatus),
        "insurance_status": choice_cleaner("insurance_status", InsuranceStatus),
    }


def _plate_conflict(community_id: Any, plate: str, exclude: Any = None) -> None:
    registered_conflict(Vehicle.objects.filter(community_id=community_id, plate=plate), label="Plate", value=plate,
                        id_key="vehicle_id", exclude=exclude)


def vehicle_register(
    *, community: Community, owner: Character | None, plate: str, make: str = "", model: str = "",
    color: str = "", year: int | None = None, vin: str = "",
    registration_status: str = RegistrationStatus.VALID, insurance_status: str = InsuranceStatus.VALID,
    is_stolen: bool = False,
) -> Vehicle:
    """Register a vehicle. A plate already registered (live) in the community is 409 naming it and its owner."""
    fields = updates.clean_changes(dict(
        plate=plate, owner=owner, make=make, model=model, color=color, year=year, vin=vin,
        registration_status=registration_status, insurance_status=insurance_status,
    ), _field_rules(community.pk))
    _plate_conflict(community.pk, fields["plate"])
    with clash_named_by(lambda: _plate_conflict(community.pk, fields["plate"])), transaction.atomic():
        vehicle = Vehicle.objects.create(community=community, is_stolen=bool(is_stolen), **fields)
        publish(community.pk, "vehicle-registered", vehicle_payload(vehicle))
    return vehicle


def vehicle_update(*, vehicle: Vehicle, by: Any = None, role: Any = None, **changes: Any) -> Vehicle:
    """Change a registration. A change of `is_stolen` goes through `vehicle_mark_stolen`
    (as 004's PATCH /stolen and 001's mark-stolen do): stolen opens a vehicle BOLO when `role` may
    manage BOLOs, recovered closes it, whichever dialect opened it."""
    stolen = changes.pop("is_stolen", None)
    clean = updates.clean_changes(changes, _field_rules(vehicle.community_id))
    with unique_update(vehicle, clean, unique="plate", conflict=_plate_conflict, event="vehicle-updated",
                       payload=vehicle_payload):
        if stolen is not None and (not stolen or not vehicle.is_stolen):
            vehicle = vehicle_mark_stolen(vehicle=vehicle, stolen=bool(stolen), by=by, role=role).vehicle
    return vehicle


@transaction.atomic
def vehicle_deregister(*, vehicle: Vehicle, by: Any = None) -> Vehicle:
    """Archive the registration; the plate is free to register again."""
    archive(vehicle, "vehicle-deregistered", vehicle_payload)
    return vehicle


@dataclass(frozen=True)
class StolenMark:
    """What `vehicle_mark_stolen` did: the vehicle with its new flag, and what other apps did about it
    (`effects["bolo"]`: the BOLO bolos opened, reused or closed, or None)."""

    vehicle: Vehicle
    effects: dict[str, Any] = field(default_factory=dict)


@transaction.atomic
def vehicle_mark_stolen(*, vehicle: Vehicle, stolen: bool, by: Any = None, role: Role | str | None = None,
                        color: str | None = None, plate: str | None = None) -> StolenMark:
    """Stolen / recovered, for every dialect (001's mark-stolen, 004's PATCH /stolen, a vehicle update):
    flags the vehicle (`vehicle-stolen` / `vehicle-recovered`) and lets other apps follow through
    `signals.vehicle_stolen_marked` (bolos opens a vehicle BOLO when `role` may manage BOLOs, closes it on
    recovery). The row stays locked until the end, so concurrent marks open one BOLO."""
    if not isinstance(stolen, bool):
        raise Invalid({"stolen": ["Must be true or false."]})
    vehicle_set_stolen(vehicle=vehicle, stolen=stolen, by=access.person(by))
    # django-stubs types a receiver's answer as str; ours hand back (name, what they did).
    responses: list[tuple[Any, Any]] = signals.vehicle_stolen_marked.send(
        sender=Vehicle, vehicle=vehicle, stolen=stolen, by=by, role=role, color=color, plate=plate)
    effects: dict[str, Any] = {}
    for _receiver, response in responses:
        if response:  # a receiver's (name, what it did)
            name, value = response
            effects[name] = value
    return StolenMark(vehicle=vehicle, effects=effects)


@transaction.atomic
def vehicle_set_stolen(*, vehicle: Vehicle, stolen: bool, by: Any = None) -> Vehicle:
    """Mark stolen / recovered. Publishes `vehicle-stolen` or `vehicle-recovered` when it changes."""
    if not isinstance(stolen, bool):
        raise Invalid({"stolen": ["Must be true or false."]})
    locked = Vehicle.objects.select_for_update().filter(community_id=vehicle.community_id, pk=vehicle.pk).first()
    if locked is None:
        raise Invalid({"vehicle": ["Does not exist."]})
    if locked.is_stolen != stolen:
        locked.is_stolen = stolen
        locked.save(update_fields=["is_stolen", "updated_at"])
        by_pk = user_pk(by)
        publish(locked.community_id, "vehicle-stolen" if stolen else "vehicle-recovered",
                {**vehicle_payload(locked), "by": str(by_pk) if by_pk else None})
    vehicle.is_stolen, vehicle.updated_at = locked.is_stolen, locked.updated_at
    return vehicle
