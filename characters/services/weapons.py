"""Weapons and weapons licenses: register, update, archive a firearm (a serial is registered once, live, per
community); a character's application for a weapons license and a supervisor's decision."""

from __future__ import annotations

import re
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from cad.core import access, updates
from cad.core.choices import Role
from cad.core.errors import Conflict, Forbidden, Invalid
from cad.core.models import Community
from cad.events import publish

from ..choices import ApplicationStatus, WeaponsLicenseStatus
from ..models import Character, Weapon, WeaponLicenseApplication
from ..payloads import application_payload, weapon_payload
from .common import (
    archive,
    clash_named_by,
    live_character,
    owner_cleaner,
    registered_conflict,
    require_weapons,
    text,
    text_cleaner,
    unique_update,
)

SERIAL_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,39}$")


def _serial(value: Any) -> str:
    if not isinstance(value, str):
        raise Invalid({"serial_number": ["This field is required."]})
    serial = value.strip().upper()
    if not SERIAL_RE.match(serial):
        raise Invalid({"serial_number": ["Up to 40 letters, digits and dashes."]})
    return serial


def _field_rules(community_id: Any) -> dict[str, updates.Cleaner]:
    """A weapon's fields and their rules, for a new one and a change alike."""
    return {
        "owner": owner_cleaner(community_id, required=True),
        "serial_number": _serial,
        "make": text_cleaner("make", 60),
        "model": text_cleaner("model", 60),
        "caliber": text_cleaner("caliber", 30),
    }


def _serial_conflict(community_id: Any, serial: str, exclude: Any = None) -> None:
    registered_conflict(Weapon.objects.filter(community_id=community_id, serial_number=serial),
                        label="Serial number", value=serial, id_key="weapon_id", exclude=exclude)


def weapon_register(
    *, community: Community, owner: Character, serial_number: str, make: str = "", model: str = "",
    caliber: str = "", by: Any = None,
) -> Weapon:
    """Register a firearm to a character; a serial already registered in the community is 409."""
    require_weapons(community)
    fields = updates.clean_changes(dict(owner=owner, serial_number=serial_number, make=make, model=model,
                                        caliber=caliber), _field_rules(community.pk))
    serial = fields["serial_number"]
    _serial_conflict(community.pk, serial)
    with clash_named_by(lambda: _serial_conflict(community.pk, serial)), transaction.atomic():
        weapon = Weapon.objects.create(community=community, **fields)
        publish(community.pk, "weapon-registered", weapon_payload(weapon))
    return weapon


def weapon_update(*, weapon: Weapon, by: Any = None, **changes: Any) -> Weapon:
    require_weapons(Community.objects.get(pk=weapon.community_id))
    clean = updates.clean_changes(changes, _field_rules(weapon.community_id))
    with unique_update(weapon, clean, unique="serial_number", conflict=_serial_conflict, event="weapon-updated",
                       payload=weapon_payload):
        pass
    return weapon


@transaction.atomic
def weapon_archive(*, weapon: Weapon, by: Any = None) -> Weapon:
    archive(weapon, "weapon-archived", weapon_payload)
    return weapon


def weapon_license_apply(*, character: Character, notes: str = "") -> WeaponLicenseApplication:
    """A character applies for a weapons license: one pending application at a time (409), none once
    approved (409)."""
    require_weapons(Community.objects.get(pk=character.community_id))
    live_character(character)
    notes = text("notes", notes, max_length=2000)
    status = weapons_license_status(character)
    if status == WeaponsLicenseStatus.APPROVED:
        raise Conflict(f"{character.full_name} already holds a weapons license")
    try:
        with transaction.atomic():
            if status == WeaponsLicenseStatus.PENDING:
                raise IntegrityError
            application = WeaponLicenseApplication.objects.create(community_id=character.community_id,
                                                                  character=character, notes=notes)
            publish(character.community_id, "weapon-license-application", application_payload(application))
            return application
    except IntegrityError:
        pending = WeaponLicenseApplication.objects.filter(community_id=character.community_id, character=character,
                                                          status=ApplicationStatus.PENDING).first()
        raise Conflict(f"{character.full_name} already has a pending application",
                       application_id=str(pending.pk) if pending else None) from None


def weapon_license_decide(
    *, application: WeaponLicenseApplication, approve: bool, by, reason: str = "",
) -> WeaponLicenseApplication:
    """A supervisor (or higher) approves or denies a pending application; a decided one is 409."""
    require_weapons(Community.objects.get(pk=application.community_id))
    if not access.has_role(by, application.community_id, Role.SUPERVISOR):
        raise Forbidden("Only supervisors and admins decide weapons license applications.")
    reason = text("reason", reason, max_length=2000)
    with transaction.atomic():
        locked = WeaponLicenseApplication.objects.select_for_update().get(community_id=application.community_id,
                                                                          pk=application.pk)
        if locked.status != ApplicationStatus.PENDING:
            raise Conflict(f"This application was already {locked.status}")
        locked.status = ApplicationStatus.APPROVED if approve else ApplicationStatus.DENIED
        locked.reason, locked.decided_at = reason, timezone.now()
        locked.decided_by = access.person(by)
        locked.save(update_fields=["status", "reason", "decided_at", "decided_by"])
        publish(locked.community_id, "weapon-license-decided", application_payload(locked))
    return locked


def weapons_license_status(character: Character) -> str:
    """"approved", "pending", "denied" or "none": the latest application decides (uses a prefetch of
    `weapon_license_applications` when there is one)."""
    cache = getattr(character, "_prefetched_objects_cache", {})
    if "weapon_license_applications" in cache:
        rows = sorted(cache["weapon_license_applications"], key=lambda a: a.created_at, reverse=True)
        latest = rows[0].status if rows else None
    else:
        latest = (WeaponLicenseApplication.objects.filter(community_id=character.community_id, character=character)
                  .order_by("-created_at").values_list("status", flat=True).first())
    return latest or WeaponsLicenseStatus.NONE
