"""State changes of BOLOs: create, update, deactivate, viewed-by, and stolen-vehicle BOLOs.

Every function runs in a transaction and publishes after commit (`cad.events.publish`):
`new-bolo` (the full BOLO, 003), `bolo-updated` (the full BOLO) and `bolo-removed` (`{"id"}`).
`bolos_expire` (beat, every 60 s) publishes `bolo-removed` once per BOLO whose `expires_at` passed.
`role` is the caller's role in the community; when given, the community's `bolo_permission` is enforced
(None means a trusted system caller, e.g. a recovered vehicle closing its own BOLO).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from cad.core import access
from cad.core.choices import BoloPermission, Role
from cad.core.errors import Forbidden, Invalid
from cad.core.models import Community
from cad.events import publish
from characters.choices import FIRST_RESPONDER_TYPES
from characters.plates import plate_key

from .choices import BoloPriority, BoloType
from .models import Bolo

SUBJECT_FIELDS = ("subject_first_name", "subject_last_name", "subject_dob", "subject_license", "subject_description")
VEHICLE_FIELDS = ("vehicle_plate", "vehicle_make", "vehicle_model", "vehicle_year", "vehicle_color",
                  "vehicle_description")
TEXT_FIELDS = ("reason", "description", *SUBJECT_FIELDS, *VEHICLE_FIELDS)
UPDATABLE_FIELDS = frozenset({*TEXT_FIELDS, "type", "priority", "expires_at", "suspect", "stolen_vehicle"})

BOLO_ROLE: dict[str, Role] = {
    BoloPermission.ADMIN: Role.ADMIN,
    BoloPermission.SUPERVISOR: Role.SUPERVISOR,
    BoloPermission.ALL: Role.OFFICER,  # every member with LEO access
}


def bolo_create_role(community: Community) -> Role:
    """The least role that may create, edit and deactivate BOLOs under the community's `bolo_permission`.

    Read from the database: an API token's community object is cached by the platform for a while, and a
    changed setting must apply to the very next request."""
    setting = Community.objects.filter(pk=community.pk).values_list("bolo_permission", flat=True).first()
    return BOLO_ROLE.get(setting or "", Role.ADMIN)


def bolo_can_manage(*, community: Community, role: Role | str) -> bool:
    return Role(role).at_least(bolo_create_role(community))


def bolo_permission_check(*, community: Community, role: Role | str | None) -> None:
    if role is not None and not bolo_can_manage(community=community, role=role):
        raise Forbidden(
            f"This community lets only {BoloPermission(community.bolo_permission).label.lower()} manage BOLOs."
        )


def _character_check(character, community: Community) -> None:
    if character.community_id != community.pk:
        raise Invalid({"created_by": ["Character does not exist."]})
    if character.type not in FIRST_RESPONDER_TYPES:
        raise Forbidden("Only leo, ems and fd characters can issue BOLOs.")


def _infer_type(values: dict) -> str:
    if any(values.get(f) for f in VEHICLE_FIELDS):
        return BoloType.VEHICLE
    if any(values.get(f) for f in SUBJECT_FIELDS):
        return BoloType.PERSON
    return BoloType.OTHER


def _clean(values: dict[str, Any], community: Community) -> dict[str, Any]:
    for name in TEXT_FIELDS:
        if name in values:
            values[name] = "" if values[name] is None else str(values[name]).strip()
    if "vehicle_plate" in values:
        values["vehicle_plate"] = plate_key(values["vehicle_plate"])
        limit = Bolo._meta.get_field("vehicle_plate").max_length
        if limit is not None and len(values["vehicle_plate"]) > limit:
            raise Invalid({"vehicle_plate": ["A plate has at most 16 letters and digits."]})
    if values.get("type") is not None:
        value = str(values["type"]).lower()
        if value not in BoloType.values:
            raise Invalid({"type": [f"Use one of: {', '.join(BoloType.values)}."]})
        values["type"] = value
    if values.get("priority") is not None and values["priority"] not in BoloPriority.values:
        raise Invalid({"priority": [f"Use one of: {', '.join(BoloPriority.values)}."]})
    for name in ("suspect", "stolen_vehicle"):
        row = values.get(name)
        if row is not None and row.community_id != community.pk:
            raise Invalid({name: ["Does not exist."]})
    return values


def _payload(bolo: Bolo) -> dict:
    from .events import bolo_payload

    return dict(bolo_payload(bolo))


@transaction.atomic
def bolo_create(
    *,
    community: Community,
    description: str,
    role: Role | str | None = None,
    by_user=None,
    by_character=None,
    type: str | None = None,  # noqa: A002 - the seeds' field name
    reason: str = "",
    priority: str = BoloPriority.MEDIUM,
    expires_at: datetime | None = None,
    suspect=None,
    stolen_vehicle=None,
    **fields: str,
) -> Bolo:
    """Open a BOLO. `fields` are the subject_* and vehicle_* columns; `type` is inferred from them when
    not given (000's shape has none). Publishes `new-bolo`."""
    unknown = set(fields) - set(SUBJECT_FIELDS) - set(VEHICLE_FIELDS)
    if unknown:
        raise TypeError(f"bolo_create() got unexpected fields: {', '.join(sorted(unknown))}")
    bolo_permission_check(community=community, role=role)
    if by_character is not None:
        _character_check(by_character, community)
    values = _clean({"description": description, "reason": reason, "type": type, "priority": priority,
                     "suspect": suspect, "stolen_vehicle": stolen_vehicle, **fields}, community)
    if not values["description"]:
        raise Invalid({"description": ["This field may not be blank."]})
    if expires_at is not None and expires_at <= timezone.now():
        raise Invalid({"expires_at": ["Must be in the future."]})
    values["type"] = values["type"] or _infer_type(values)
    name = by_character.full_name if by_character is not None else access.display_name(by_user)
    bolo = Bolo.objects.create(
        community=community, expires_at=expires_at, created_by_user=access.person(by_user),
        created_by_character=by_character, created_by_name=name[:120], **values,
    )
    publish(community.pk, "new-bolo", _payload(bolo))
    return bolo


@transaction.atomic
def bolo_update(*, bolo: Bolo, role: Role | str | None = None, by=None, **fields: Any) -> Bolo:
    """Partial update: only the given fields change. Publishes `bolo-updated` with the full BOLO."""
    unknown = set(fields) - UPDATABLE_FIELDS
    if unknown:
        raise TypeError(f"bolo_update() got unexpected fields: {', '.join(sorted(unknown))}")
    community = bolo.community
    bolo_permission_check(community=community, role=role)
    values = _clean(dict(fields), community)
    if "description" in values and not values["description"]:
        raise Invalid({"description": ["This field may not be blank."]})
    if "type" in values and values["type"] is None:
        raise Invalid({"type": ["This field may not be null."]})
    if values.get("expires_at") is not None and values["expires_at"] <= timezone.now():
        raise Invalid({"expires_at": ["Must be in the future."]})
    locked = Bolo.objects.select_for_update().get(pk=bolo.pk, community_id=bolo.community_id)
    if not values:
        return locked
    if values.get("expires_at") is not None and locked.expired_at is not None:
        values["expired_at"] = None  # a new expiry: the sweep announces it again when it passes
    for name, value in values.items():
        setattr(locked, name, value)
    locked.save(update_fields=[*values, "updated_at"])
    publish(locked.community_id, "bolo-updated", _payload(locked))
    return locked


@transaction.atomic
def bolo_deactivate(*, bolo: Bolo, by=None, role: Role | str | None = None) -> Bolo:
    """Deactivate (the row stays; it leaves active listings). Idempotent: `bolo-removed` `{id}` is
    published once, by whichever caller flipped the flag."""
    bolo_permission_check(community=bolo.community, role=role)
    now = timezone.now()
    rows = Bolo.objects.filter(pk=bolo.pk, community_id=bolo.community_id, is_active=True)
    changes = dict(is_active=False, deactivated_at=now, deactivated_by=access.person(by), updated_at=now)
    # An expired BOLO already left every dashboard (`bolos_expire` said so): deactivate it quietly.
    if rows.filter(expired_at__isnull=True).update(**changes):
        publish(bolo.community_id, "bolo-removed", {"id": str(bolo.pk)})
    else:
        rows.update(**changes)
    bolo.refresh_from_db()
    return bolo


@transaction.atomic
def bolo_mark_viewed(*, bolo: Bolo, user) -> Bolo:
    """Record that `user` has read the BOLO; a second call by the same user changes nothing."""
    if access.person(user) is None:
        raise Forbidden("Only a signed-in user can mark a BOLO viewed.")
    bolo.viewed_by.add(user)
    return bolo


def stolen_vehicle_bolo(
    *, vehicle, stolen: bool, by=None, role: Role | str | None = None,
    color: str | None = None, plate: str | None = None,
) -> Bolo | None:
    """Bolos' part of `characters.services.vehicle_mark_stolen` (connected to its signal; the vehicle row is
    locked and already flagged): open a vehicle BOLO linked to the vehicle, or, when `stolen` is False,
    close its BOLO(s).

    Returns the open BOLO (an already open one is reused, so marking twice opens one BOLO), the closed one
    on recovery, or None: no BOLO to close, or the caller's role may not create BOLOs under the community's
    `bolo_permission` (the vehicle is still flagged; 001 makes the BOLO optional)."""
    community = Community.objects.get(pk=vehicle.community_id)
    open_bolos = list(
        Bolo.objects.for_community(community).filter(stolen_vehicle=vehicle, is_active=True).order_by("-created_at")
    )
    if not stolen:
        for bolo in open_bolos:
            bolo_deactivate(bolo=bolo, by=by)
        return open_bolos[0] if open_bolos else None
    if open_bolos:
        return open_bolos[0]
    if role is not None and not bolo_can_manage(community=community, role=role):
        return None
    color = (color or "").strip() or vehicle.color
    plate = plate_key(plate) or plate_key(vehicle.plate)
    what = " ".join(part for part in (color, vehicle.make, vehicle.model) if part) or "Vehicle"
    return bolo_create(
        community=community, by_user=by, type=BoloType.VEHICLE, reason="Stolen vehicle",
        description=f"{what}, plate {plate}, reported stolen.", priority=BoloPriority.HIGH,
        vehicle_plate=plate, vehicle_make=vehicle.make, vehicle_model=vehicle.model,
        vehicle_year=str(vehicle.year or ""), vehicle_color=color, stolen_vehicle=vehicle,
    )


def on_vehicle_stolen_marked(sender, *, vehicle, stolen, by=None, role=None, color=None, plate=None, **kwargs):
    return "bolo", stolen_vehicle_bolo(vehicle=vehicle, stolen=stolen, by=by, role=role, color=color, plate=plate)


# --- expiry ---------------------------------------------------------------------------------------

EXPIRY_BATCH = 500


def bolos_expire(*, now: datetime | None = None) -> int:
    """Publish `bolo-removed` `{id}` once per active BOLO whose `expires_at` has passed; the row stays
    (active lists already leave it out by time). Each row is claimed by a conditional UPDATE of
    `expired_at`, so several workers running the sweep at once publish each removal exactly once.
    Cheap when nothing is due (a partial index on the due rows)."""
    now = now or timezone.now()
    due = Bolo.objects.all_communities().filter(is_active=True, expired_at__isnull=True, expires_at__lte=now)
    total = 0
    for bolo_id, community_id in due.order_by("expires_at").values_list("pk", "community_id")[:EXPIRY_BATCH]:
        total += _expire_one(bolo_id, community_id, now=now)
    return total


@transaction.atomic
def _expire_one(bolo_id, community_id, *, now: datetime) -> int:
    won = Bolo.objects.filter(pk=bolo_id, community_id=community_id, is_active=True, expired_at__isnull=True,
                              expires_at__lte=now).update(expired_at=now)
    if won:
        publish(community_id, "bolo-removed", {"id": str(bolo_id)})
    return won
