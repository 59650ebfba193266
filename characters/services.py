"""Every state change of characters, vehicles, driving licenses (DMV points) and weapons.

Functions take keyword-only arguments, run in a transaction, publish events after commit and return the
row. Bad input raises `Invalid` (400), a clash raises `Conflict` (409), a switched-off module
raises `Forbidden` (403): the same rules hold for /api/*, /fivem/* and other apps' services.

DMV points (004), the rule this module implements (`license_recalculate`):
- A license's `points` is the sum of its point entries issued within the community's expiry window
  (`dmv_point_expiry_days`, default 365).
- With the point system on (`dmv_enabled` and `dmv_points_enabled`), a valid license whose counting
  points reach `dmv_point_threshold` (default 12) is suspended from now for `dmv_suspension_days`
  (default 30): `status=suspended`, `suspended_at`, `suspended_until`.
- A point suspension lifts at the next recalculation when expiring points take the total back under the
  threshold, or when `suspended_until` has passed (the suspension was served). A served suspension
  consumes the points that caused it (`points_cleared_at`): they still show in `points` until they expire
  but no longer count towards a new suspension, so a served license is not suspended again at once.
- With the point system off, points are still recorded and totalled; nothing is suspended, and a point
  suspension still in place lifts at the next recalculation.
- Admin override (`license_override`): setting a status or suspension date (a date alone means
  "suspended until then"; a suspension without a date lasts until cleared) marks the license
  `override=True`; recalculation then only refreshes `points` and never touches status or dates, until the
  admin clears the override (`clear=True`) or, for an override suspension with an end date, that date
  passes (the override then ends, its points count as served, and automatic rules resume).
"""

from __future__ import annotations

import logging
import random
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from cad.core import access, updates
from cad.core.choices import Role
from cad.core.errors import Conflict, Forbidden, Invalid
from cad.core.models import Community, Department, LicenseClass
from cad.events import publish

from . import signals
from .choices import (
    ApplicationStatus,
    CharacterType,
    InsuranceStatus,
    LicenseStatus,
    RegistrationStatus,
    WeaponsLicenseStatus,
)
from .models import (
    ActiveCharacter,
    Character,
    DrivingLicense,
    LicensePointEntry,
    Vehicle,
    Weapon,
    WeaponLicenseApplication,
)
from .plates import clean_plate

logger = logging.getLogger(__name__)

MAX_CITATION_POINTS = 12
SSN_RE = re.compile(r"^\d{3}-\d{2}-\d{4}$")
LICENSE_NUMBER_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,15}$")
SERIAL_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,39}$")
VIN_RE = re.compile(r"^[A-Z0-9]{1,17}$")
DMV_DISABLED = "The DMV module is disabled for this community"
WEAPONS_DISABLED = "The weapons module is disabled for this community"
_GENERATE_ATTEMPTS = 12


# --- module switches ------------------------------------------------------------------------------------


def require_dmv(community: Community) -> None:
    if not community.dmv_enabled:
        raise Forbidden(DMV_DISABLED)


def require_weapons(community: Community) -> None:
    if not community.weapons_enabled:
        raise Forbidden(WEAPONS_DISABLED)


# --- payloads (003-style camelCase for the socket transports) -------------------------------------------


def character_payload(c: Character) -> dict:
    return {"_id": str(c.pk), "id": str(c.pk), "communityId": str(c.community_id), "firstName": c.first_name,
            "lastName": c.last_name, "type": c.type, "callsign": c.callsign,
            "departmentId": str(c.department_id) if c.department_id else None, "rank": c.rank,
            "flags": c.flags, "archived": c.archived_at is not None}


def vehicle_payload(v: Vehicle) -> dict:
    return {"_id": str(v.pk), "id": str(v.pk), "communityId": str(v.community_id), "plate": v.plate,
            "make": v.make, "model": v.model, "color": v.color, "year": v.year,
            "characterId": str(v.owner_id) if v.owner_id else None, "isStolen": v.is_stolen,
            "registrationStatus": v.registration_status, "insuranceStatus": v.insurance_status,
            "archived": v.archived_at is not None}


def license_payload(lic: DrivingLicense) -> dict:
    return {"_id": str(lic.pk), "id": str(lic.pk), "communityId": str(lic.community_id),
            "characterId": str(lic.character_id), "status": lic.status, "points": lic.points,
            "suspendedUntil": lic.suspended_until, "override": lic.override}


def weapon_payload(w: Weapon) -> dict:
    return {"_id": str(w.pk), "id": str(w.pk), "communityId": str(w.community_id), "serialNumber": w.serial_number,
            "make": w.make, "model": w.model, "caliber": w.caliber,
            "characterId": str(w.owner_id) if w.owner_id else None, "archived": w.archived_at is not None}


def application_payload(a: WeaponLicenseApplication) -> dict:
    return {"_id": str(a.pk), "id": str(a.pk), "communityId": str(a.community_id),
            "characterId": str(a.character_id), "status": a.status, "reason": a.reason, "decidedAt": a.decided_at}


# --- helpers --------------------------------------------------------------------------------------------


def _text(name: str, value: Any, *, max_length: int, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Invalid({name: ["Must be a string."]})
    value = value.strip()
    if required and not value:
        raise Invalid({name: ["This field is required."]})
    if len(value) > max_length:
        raise Invalid({name: [f"At most {max_length} characters."]})
    return value


def _choice(name: str, value: Any, choices) -> str:
    if value not in choices.values:
        raise Invalid({name: [f'"{value}" is not allowed; use one of: {", ".join(choices.values)}.']})
    return value


def _same_community(name: str, obj, community_id) -> None:
    if obj is not None and obj.community_id != community_id:
        raise Invalid({name: ["Does not exist in this community."]})


def _flags(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(f, str) and 0 < len(f.strip()) <= 40 for f in value):
        raise Invalid({"flags": ["A list of short strings, e.g. [\"armed_and_dangerous\"]."]})
    seen: list[str] = []
    for f in value:
        f = f.strip()
        if f not in seen:
            seen.append(f)
    if len(seen) > 30:
        raise Invalid({"flags": ["At most 30 flags."]})
    return seen


def _date_of_birth(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            raise Invalid({"date_of_birth": ["Use YYYY-MM-DD."]}) from None
    if not isinstance(value, date):
        raise Invalid({"date_of_birth": ["Use YYYY-MM-DD."]})
    if value > timezone.localdate() or value.year < 1850:
        raise Invalid({"date_of_birth": ["Not a plausible date of birth."]})
    return value


def _ssn(value: Any) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not SSN_RE.match(value.strip()):
        raise Invalid({"ssn": ["Use the 123-45-6789 format."]})
    return value.strip()


def _license_number(value: Any) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not LICENSE_NUMBER_RE.match(value.strip().upper()):
        raise Invalid({"license_number": ["Up to 16 letters, digits and dashes, e.g. DL-12345."]})
    return value.strip().upper()


def _random_ssn() -> str:
    return f"{random.randint(100, 899):03d}-{random.randint(1, 99):02d}-{random.randint(1, 9999):04d}"


def _random_license_number(attempt: int) -> str:
    digits = 5 + attempt // 4  # DL-12345; widen only when the 5-digit space is crowded
    return f"DL-{random.randint(10 ** (digits - 1), 10 ** digits - 1)}"


def _user_pk(actor) -> Any:
    user = access.person(actor)
    return user.pk if user is not None else None


def _live_character(character: Character) -> None:
    if character.archived_at is not None:
        raise Invalid({"character_id": ["This character is archived."]})


# --- characters -----------------------------------------------------------------------------------------


def _ensure_unique_identity(community_id, *, ssn: str | None, license_number: str | None, exclude=None) -> None:
    qs = Character.objects.filter(community_id=community_id)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    if ssn and qs.filter(ssn=ssn).exists():
        raise Conflict(f"SSN {ssn} is already in use in this community")
    if license_number and qs.filter(license_number=license_number).exists():
        raise Conflict(f"License number {license_number} is already in use in this community")


def character_create(
    *, community: Community, user=None, first_name: str, last_name: str, type: str = CharacterType.CIVILIAN,
    date_of_birth: date | str | None = None, gender: str = "", address: str = "", phone: str = "",
    ssn: str | None = None, license_number: str | None = None, callsign: str = "",
    department: Department | None = None, rank: str = "", flags: list[str] | None = None,
) -> Character:
    """A new character. SSN (123-45-6789) and DL number (DL-12345) are generated when not given; both are
    unique in the community (a given one that clashes is 409; generated ones retry on a race)."""
    fields = dict(
        first_name=_text("first_name", first_name, max_length=60, required=True),
        last_name=_text("last_name", last_name, max_length=60, required=True),
        type=_choice("type", type or CharacterType.CIVILIAN, CharacterType),
        date_of_birth=_date_of_birth(date_of_birth),
        gender=_text("gender", gender, max_length=20), address=_text("address", address, max_length=200),
        phone=_text("phone", phone, max_length=32), callsign=_text("callsign", callsign, max_length=32),
        rank=_text("rank", rank, max_length=60), flags=_flags(flags), department=department,
    )
    _same_community("department_id", department, community.pk)
    user = access.person(user)  # a game server (API token) owns no characters
    given_ssn, given_dl = _ssn(ssn), _license_number(license_number)
    _ensure_unique_identity(community.pk, ssn=given_ssn, license_number=given_dl)

    for attempt in range(_GENERATE_ATTEMPTS):
        candidate_ssn = given_ssn or _random_ssn()
        candidate_dl = given_dl or _random_license_number(attempt)
        taken = Character.objects.filter(community=community).filter(
            Q(ssn=candidate_ssn) | Q(license_number=candidate_dl))
        if taken.exists():
            _ensure_unique_identity(community.pk, ssn=given_ssn, license_number=given_dl)
            continue
        try:
            with transaction.atomic():
                character = Character.objects.create(community=community, user=user, ssn=candidate_ssn,
                                                     license_number=candidate_dl, **fields)
                publish(community.pk, "character-created", character_payload(character))
                return character
        except IntegrityError:
            # Someone took the same number between the check and the insert: a given one is a clash,
            # a generated one is drawn again.
            _ensure_unique_identity(community.pk, ssn=given_ssn, license_number=given_dl)
    raise Conflict("Could not allocate a unique SSN and license number; try again")




@transaction.atomic
def _text_cleaner(name: str, max_length: int, *, required: bool = False) -> updates.Cleaner:
    return lambda value: _text(name, value, max_length=max_length, required=required)


def _in_community(name: str, community_id) -> updates.Cleaner:
    def clean(value):
        _same_community(name, value, community_id)
        return value
    return clean


def _character_cleaners(character: Character) -> dict[str, updates.Cleaner]:
    return {
        "first_name": _text_cleaner("first_name", 60, required=True),
        "last_name": _text_cleaner("last_name", 60, required=True),
        "type": lambda value: _choice("type", value, CharacterType),
        "date_of_birth": _date_of_birth,
        "gender": _text_cleaner("gender", 20),
        "address": _text_cleaner("address", 200),
        "phone": _text_cleaner("phone", 32),
        "ssn": lambda value: _ssn(value) or character.ssn,
        "license_number": lambda value: _license_number(value) or character.license_number,
        "flags": _flags,
        "department": _in_community("department_id", character.community_id),
        "callsign": _text_cleaner("callsign", 32),
        "rank": _text_cleaner("rank", 60),
    }


def character_update(*, character: Character, **changes) -> Character:
    """Change the given fields (those `_character_cleaners` lists). SSN / license number clashes are 409."""
    clean = updates.clean_changes(changes, _character_cleaners(character))
    _ensure_unique_identity(character.community_id, ssn=clean.get("ssn"), license_number=clean.get("license_number"),
                            exclude=character.pk)
    fields = updates.apply(character, clean)
    try:
        with transaction.atomic():
            character.save(update_fields=[*fields, "updated_at"])
    except IntegrityError:
        raise Conflict("SSN or license number is already in use in this community") from None
    publish(character.community_id, "character-updated", character_payload(character))
    return character


@transaction.atomic
def character_archive(*, character: Character, by=None) -> Character:
    """Archive (never delete): records keep pointing at it; it stops being anyone's active character."""
    if character.archived_at is None:
        character.archived_at = timezone.now()
        character.save(update_fields=["archived_at", "updated_at"])
        ActiveCharacter.objects.filter(community_id=character.community_id, character=character).delete()
        publish(character.community_id, "character-archived", character_payload(character))
    return character


def character_activate(*, character: Character, user) -> Character:
    """Make `character` the user's active character in its community (the user must own it)."""
    if _user_pk(user) is None or character.user_id != user.pk:
        raise Forbidden("You can only play your own characters.")
    if character.archived_at is not None:
        raise Invalid({"character_id": ["This character is archived."]})
    for _ in range(3):
        try:
            with transaction.atomic():
                ActiveCharacter.objects.update_or_create(community_id=character.community_id, user=user,
                                                         defaults={"character": character})
                from .events import activated_payload  # the catalogue imports this module

                publish(character.community_id, "character-activated", activated_payload(character, user))
                return character
        except IntegrityError:  # two activations raced on the (community, user) row: the retry updates it
            continue
    raise Conflict("Could not switch the active character; try again")


def active_character(user, community) -> Character | None:
    """The user's active character in the community; a user with a single live character plays that one."""
    if _user_pk(user) is None or community is None:
        return None
    row = (ActiveCharacter.objects.for_community(community).filter(user=user, character__archived_at__isnull=True)
           .select_related("character", "character__department").first())
    if row is not None:
        return row.character
    only = list(Character.objects.for_community(community).filter(user=user, archived_at__isnull=True)
                .select_related("department")[:2])
    return only[0] if len(only) == 1 else None


# --- mugshots -------------------------------------------------------------------------------------------

_PIL_TYPES: dict[str | None, tuple[str | None, str | None]] = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp"),
              "GIF": ("image/gif", "gif")}
MAX_MUGSHOT_PIXELS = 40_000_000


def mugshot_validate(*, community: Community, upload) -> tuple[str, str]:
    """Size and type from the community settings, the type sniffed from the content with Pillow (never
    the file name or the client's Content-Type). Returns (mime type, file extension)."""
    import warnings

    from PIL import Image, UnidentifiedImageError

    if upload is None or not hasattr(upload, "read"):
        raise Invalid({"mugshot": ["Attach an image file."]})
    size = getattr(upload, "size", None)
    if size is None or size <= 0:
        raise Invalid({"mugshot": ["The file is empty."]})
    if size > community.mugshot_max_bytes:
        raise Invalid({"mugshot": [f"The file is larger than {community.mugshot_max_bytes} bytes."]})
    allowed = list(community.mugshot_types or [])
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                kind = image.format
                width, height = image.size
                image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombWarning,
            Image.DecompressionBombError):
        raise Invalid({"mugshot": ["Not a readable image."]}) from None
    finally:
        upload.seek(0)
    if width * height > MAX_MUGSHOT_PIXELS:
        raise Invalid({"mugshot": ["The image has too many pixels."]})
    mime, ext = _PIL_TYPES.get(kind, (None, None))
    if mime is None or mime not in allowed:
        raise Invalid({"mugshot": [f"Allowed image types: {', '.join(allowed) or 'none'}."]})
    return mime, ext  # type: ignore[return-value]


def _reencode(upload, kind: str):
    """Decode and re-encode the image: what is stored is pixels Pillow wrote, not the caller's bytes (no
    trailing payloads, no EXIF such as GPS positions)."""
    import io

    from django.core.files.base import ContentFile
    from PIL import Image

    upload.seek(0)
    with Image.open(upload) as image:
        image.load()
        params: dict[str, Any] = {}
        if kind in ("GIF", "WEBP") and getattr(image, "is_animated", False):
            params["save_all"] = True
        if kind == "JPEG":
            params["quality"] = 90
            if image.mode not in ("RGB", "L", "CMYK"):
                image = image.convert("RGB")  # type: ignore[assignment]
        buf = io.BytesIO()
        image.save(buf, format=kind, **params)
    return ContentFile(buf.getvalue())


def character_set_mugshot(*, character: Character, upload, by=None) -> Character:
    """Validate, re-encode and store a mugshot under a generated name; the previous file is deleted once
    the change has committed."""
    from PIL import Image

    community = Community.objects.get(pk=character.community_id)
    mime, ext = mugshot_validate(community=community, upload=upload)
    kind = next(k for k, (m, _) in _PIL_TYPES.items() if m == mime)
    try:
        content = _reencode(upload, kind)  # type: ignore[arg-type]
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise Invalid({"mugshot": ["Not a readable image."]}) from None
    old = character.mugshot.name if character.mugshot else None
    storage = character.mugshot.storage
    with transaction.atomic():
        character.mugshot.save(f"{character.pk}.{ext}", content, save=False)
        character.save(update_fields=["mugshot", "updated_at"])
        publish(character.community_id, "character-updated", character_payload(character))
        new_name = character.mugshot.name

        def drop_old():
            if old and old != new_name:
                try:
                    storage.delete(old)
                except OSError:  # a missing old file is not worth failing the upload
                    logger.warning("could not delete old mugshot %s", old)

        transaction.on_commit(drop_old)
    return character


# --- vehicles -------------------------------------------------------------------------------------------


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
    value = _text("vin", value, max_length=17).upper()
    if value and not VIN_RE.match(value):
        raise Invalid({"vin": ["Up to 17 letters and digits."]})
    return value


def _plate_conflict(community_id, plate: str, exclude=None) -> None:
    qs = Vehicle.objects.filter(community_id=community_id, plate=plate, archived_at__isnull=True)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    existing = qs.only("pk", "owner_id").first()
    if existing is not None:
        raise Conflict(f"Plate {plate} is already registered", vehicle_id=str(existing.pk),
                       owner_character_id=str(existing.owner_id) if existing.owner_id else None)


def vehicle_register(
    *, community: Community, owner: Character | None, plate: str, make: str = "", model: str = "",
    color: str = "", year: int | None = None, vin: str = "",
    registration_status: str = RegistrationStatus.VALID, insurance_status: str = InsuranceStatus.VALID,
    is_stolen: bool = False,
) -> Vehicle:
    """Register a vehicle. A plate already registered (live) in the community is 409 naming it and its owner."""
    plate = clean_plate(plate)
    if owner is not None:
        _same_community("character_id", owner, community.pk)
        _live_character(owner)
    fields = dict(
        make=_text("make", make, max_length=60), model=_text("model", model, max_length=60),
        color=_text("color", color, max_length=40), year=_year(year), vin=_vin(vin),
        registration_status=_choice("registration_status", registration_status, RegistrationStatus),
        insurance_status=_choice("insurance_status", insurance_status, InsuranceStatus), is_stolen=bool(is_stolen),
    )
    _plate_conflict(community.pk, plate)
    try:
        with transaction.atomic():
            vehicle = Vehicle.objects.create(community=community, owner=owner, plate=plate, **fields)
            publish(community.pk, "vehicle-registered", vehicle_payload(vehicle))
    except IntegrityError:
        _plate_conflict(community.pk, plate)  # the racing registration won: name it
        raise
    return vehicle




def _live_owner(community_id) -> updates.Cleaner:
    def clean(value):
        if value is not None:
            _same_community("character_id", value, community_id)
            _live_character(value)
        return value
    return clean


def _vehicle_cleaners(vehicle: Vehicle) -> dict[str, updates.Cleaner]:
    return {
        "owner": _live_owner(vehicle.community_id),
        "plate": clean_plate,
        "make": _text_cleaner("make", 60),
        "model": _text_cleaner("model", 60),
        "color": _text_cleaner("color", 40),
        "year": _year,
        "vin": _vin,
        "registration_status": lambda value: _choice("registration_status", value, RegistrationStatus),
        "insurance_status": lambda value: _choice("insurance_status", value, InsuranceStatus),
        "is_stolen": lambda value: value,
    }


def vehicle_update(*, vehicle: Vehicle, by=None, role=None, **changes) -> Vehicle:
    """Change a registration. A change of `is_stolen` goes through `vehicle_mark_stolen`
    (as 004's PATCH /stolen and 001's mark-stolen do): stolen opens a vehicle BOLO when `role` may
    manage BOLOs, recovered closes it, whichever dialect opened it."""
    stolen = changes.get("is_stolen")
    clean = updates.clean_changes(changes, _vehicle_cleaners(vehicle))
    clean.pop("is_stolen", None)  # through vehicle_mark_stolen below
    if "plate" in clean:
        _plate_conflict(vehicle.community_id, clean["plate"], exclude=vehicle.pk)
    try:
        with transaction.atomic():
            if fields := updates.apply(vehicle, clean):
                vehicle.save(update_fields=[*fields, "updated_at"])
                publish(vehicle.community_id, "vehicle-updated", vehicle_payload(vehicle))
            if stolen is not None and (not stolen or not vehicle.is_stolen):
                vehicle = vehicle_mark_stolen(vehicle=vehicle, stolen=bool(stolen), by=by, role=role).vehicle
    except IntegrityError:
        _plate_conflict(vehicle.community_id, clean.get("plate", vehicle.plate), exclude=vehicle.pk)
        raise
    return vehicle


@transaction.atomic
def vehicle_deregister(*, vehicle: Vehicle, by=None) -> Vehicle:
    """Archive the registration; the plate is free to register again."""
    if vehicle.archived_at is None:
        vehicle.archived_at = timezone.now()
        vehicle.save(update_fields=["archived_at", "updated_at"])
        publish(vehicle.community_id, "vehicle-deregistered", vehicle_payload(vehicle))
    return vehicle


@dataclass(frozen=True)
class StolenMark:
    """What `vehicle_mark_stolen` did: the vehicle with its new flag, and what other apps did about it
    (`effects["bolo"]`: the BOLO bolos opened, reused or closed, or None)."""

    vehicle: Vehicle
    effects: dict[str, Any] = field(default_factory=dict)


@transaction.atomic
def vehicle_mark_stolen(*, vehicle: Vehicle, stolen: bool, by=None, role: Role | str | None = None,
                        color: str | None = None, plate: str | None = None) -> StolenMark:
    """Stolen / recovered, for every dialect (001's mark-stolen, 004's PATCH /stolen, a vehicle update):
    flags the vehicle (`vehicle-stolen` / `vehicle-recovered`) and lets other apps follow through
    `signals.vehicle_stolen_marked` (bolos opens a vehicle BOLO when `role` may manage BOLOs, closes it on
    recovery). The row stays locked until the end, so concurrent marks open one BOLO."""
    if not isinstance(stolen, bool):
        raise Invalid({"stolen": ["Must be true or false."]})
    vehicle_set_stolen(vehicle=vehicle, stolen=stolen, by=access.person(by))
    responses = signals.vehicle_stolen_marked.send(sender=Vehicle, vehicle=vehicle, stolen=stolen, by=by, role=role,
                                                   color=color, plate=plate)
    return StolenMark(vehicle=vehicle, effects=dict(r for _, r in responses if r))  # type: ignore[misc]


@transaction.atomic
def vehicle_set_stolen(*, vehicle: Vehicle, stolen: bool, by=None) -> Vehicle:
    """Mark stolen / recovered. Publishes `vehicle-stolen` or `vehicle-recovered` when it changes."""
    if not isinstance(stolen, bool):
        raise Invalid({"stolen": ["Must be true or false."]})
    locked = Vehicle.objects.select_for_update().filter(community_id=vehicle.community_id, pk=vehicle.pk).first()
    if locked is None:
        raise Invalid({"vehicle": ["Does not exist."]})
    if locked.is_stolen != stolen:
        locked.is_stolen = stolen
        locked.save(update_fields=["is_stolen", "updated_at"])
        publish(locked.community_id, "vehicle-stolen" if stolen else "vehicle-recovered",
                {**vehicle_payload(locked), "by": str(_user_pk(by)) if _user_pk(by) else None})
    vehicle.is_stolen, vehicle.updated_at = locked.is_stolen, locked.updated_at
    return vehicle


# --- driving licenses and points ------------------------------------------------------------------------


def _license_class(community_id, value: Any) -> LicenseClass:
    if isinstance(value, LicenseClass):
        if value.community_id != community_id or value.archived_at is not None:
            raise Invalid({"class": ["Does not exist in this community."]})
        return value
    if not isinstance(value, str) or not value.strip():
        raise Invalid({"class": ["This field is required."]})
    found = LicenseClass.objects.filter(community_id=community_id, code__iexact=value.strip(),
                                        archived_at__isnull=True).first()
    if found is None:
        codes = LicenseClass.objects.filter(community_id=community_id, archived_at__isnull=True).values_list(
            "code", flat=True)
        raise Invalid({"class": [f'"{value}" is not allowed; use one of: {", ".join(codes)}.']})
    return found


def _aware(name: str, value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        from django.utils.dateparse import parse_datetime

        try:
            parsed = parse_datetime(value)
        except ValueError:
            parsed = None
        if parsed is None:
            raise Invalid({name: ["Use an ISO 8601 date and time."]})
        value = parsed
    if not isinstance(value, datetime):
        raise Invalid({name: ["Use an ISO 8601 date and time."]})
    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_default_timezone())
    return value


def license_issue(
    *, character: Character, license_class: LicenseClass | str, by=None, status: str = LicenseStatus.VALID,
    suspended_until: datetime | None = None,
) -> DrivingLicense:
    """Issue the character's driving license (one live license per character; a second is 409). A status
    other than valid, or a suspension date, is an admin decision: the license starts overridden."""
    community = Community.objects.get(pk=character.community_id)
    require_dmv(community)
    _live_character(character)
    lic_class = _license_class(community.pk, license_class)
    status = _choice("status", status or LicenseStatus.VALID, LicenseStatus)
    suspended_until = _aware("suspended_until", suspended_until)
    if suspended_until is not None and status != LicenseStatus.SUSPENDED:
        raise Invalid({"suspended_until": ["Only a suspended license has a suspension date."]})
    override = status != LicenseStatus.VALID
    try:
        with transaction.atomic():
            if DrivingLicense.objects.filter(community_id=community.pk, character=character,
                                             archived_at__isnull=True).exists():
                raise IntegrityError
            lic = DrivingLicense.objects.create(
                community=community, character=character, license_class=lic_class, status=status,
                suspended_until=suspended_until, suspended_at=timezone.now() if status == LicenseStatus.SUSPENDED
                else None, override=override, issued_by=access.person(by))
            publish(community.pk, "license-updated", license_payload(lic))
            return lic
    except IntegrityError:
        existing = DrivingLicense.objects.filter(community_id=community.pk, character=character,
                                                 archived_at__isnull=True).first()
        raise Conflict(f"{character.full_name} already holds a driving license",
                       license_id=str(existing.pk) if existing else None) from None


def license_override(
    *, license: DrivingLicense, status: str | None = None, license_class: LicenseClass | str | None = None,
    suspended_until: datetime | None = None, by, clear: bool = False,
) -> DrivingLicense:
    """Admin override of status, class and suspension date (see the module docstring for the rule).
    `clear=True` drops the override and recalculates at once."""
    community = Community.objects.get(pk=license.community_id)
    require_dmv(community)
    if clear and (status is not None or suspended_until is not None):
        raise Invalid({"clear_override": ["Clear the override or set a status/date, not both."]})
    lic_class = _license_class(community.pk, license_class) if license_class is not None else None
    status = _choice("status", status, LicenseStatus) if status is not None else None
    suspended_until = _aware("suspended_until", suspended_until)
    if suspended_until is not None and status not in (None, LicenseStatus.SUSPENDED):
        raise Invalid({"suspended_until": ["Only a suspended license has a suspension date."]})
    now = timezone.now()
    with transaction.atomic():
        lic = DrivingLicense.objects.select_for_update().get(community_id=community.pk, pk=license.pk)
        changed = []
        if lic_class is not None and lic_class.pk != lic.license_class_id:
            lic.license_class = lic_class
            changed.append("license_class")
        if status is not None or suspended_until is not None:
            # A date alone means "suspended until then"; a suspension without a date lasts until cleared.
            new_status = status or LicenseStatus.SUSPENDED
            lic.status, lic.override = new_status, True
            if new_status == LicenseStatus.SUSPENDED:
                lic.suspended_at = lic.suspended_at or now
                lic.suspended_until = suspended_until
            else:
                lic.suspended_at = lic.suspended_until = None
            changed += ["status", "override", "suspended_at", "suspended_until"]
        if clear and lic.override:
            lic.override = False
            if lic.status in (LicenseStatus.REVOKED, LicenseStatus.EXPIRED) or (
                    lic.status == LicenseStatus.SUSPENDED):
                # Back to the automatic rules: points decide whether it is suspended.
                lic.status, lic.suspended_at, lic.suspended_until = LicenseStatus.VALID, None, None
            changed += ["override", "status", "suspended_at", "suspended_until"]
        if changed:
            lic.save(update_fields=[*dict.fromkeys(changed), "updated_at"])
            publish(community.pk, "license-updated", {**license_payload(lic), "by": str(_user_pk(by) or "")})
        if clear:
            lic = _recalculate_locked(lic, community, now)
    return lic


def _window_start(community: Community, now: datetime) -> datetime:
    return now - timedelta(days=community.dmv_point_expiry_days)


def _recalculate_locked(lic: DrivingLicense, community: Community, now: datetime) -> DrivingLicense:
    """The point rule, on a row the caller has locked. Saves and publishes only what changed."""
    before = (lic.points, lic.status, lic.suspended_at, lic.suspended_until, lic.points_cleared_at, lic.override)
    live = LicensePointEntry.objects.filter(community_id=lic.community_id, license=lic,
                                            issued_at__gt=_window_start(community, now))

    def counting() -> int:
        qs = live if lic.points_cleared_at is None else live.filter(issued_at__gt=lic.points_cleared_at)
        return qs.aggregate(total=Sum("points"))["total"] or 0

    lic.points = live.aggregate(total=Sum("points"))["total"] or 0
    threshold = community.dmv_point_threshold
    system_on = community.dmv_enabled and community.dmv_points_enabled

    if lic.override and lic.status == LicenseStatus.SUSPENDED and lic.suspended_until and lic.suspended_until <= now:
        # An admin suspension with an end date is over: served, automatic rules resume.
        lic.override = False
        lic.status, lic.points_cleared_at = LicenseStatus.VALID, now
        lic.suspended_at = lic.suspended_until = None

    if not lic.override:
        if lic.status == LicenseStatus.SUSPENDED:
            if not system_on or counting() < threshold:
                lic.status, lic.suspended_at, lic.suspended_until = LicenseStatus.VALID, None, None
            elif lic.suspended_until is not None and lic.suspended_until <= now:
                lic.points_cleared_at = lic.suspended_at or now
                lic.status, lic.suspended_at, lic.suspended_until = LicenseStatus.VALID, None, None
        if lic.status == LicenseStatus.VALID and system_on and counting() >= threshold:
            lic.status, lic.suspended_at = LicenseStatus.SUSPENDED, now
            lic.suspended_until = now + timedelta(days=community.dmv_suspension_days)

    after = (lic.points, lic.status, lic.suspended_at, lic.suspended_until, lic.points_cleared_at, lic.override)
    if after != before:
        lic.save(update_fields=["points", "status", "suspended_at", "suspended_until", "points_cleared_at",
                                "override", "updated_at"])
        publish(lic.community_id, "license-updated", license_payload(lic))
        lic._recalc_changed = True  # type: ignore[attr-defined]
    else:
        lic._recalc_changed = False  # type: ignore[attr-defined]
    return lic


def license_recalculate(*, license: DrivingLicense, now: datetime | None = None) -> DrivingLicense:
    """Recount the unexpired points and apply the suspension rule (module docstring). Idempotent."""
    now = now or timezone.now()
    with transaction.atomic():
        lic = DrivingLicense.objects.select_for_update().filter(community_id=license.community_id,
                                                                pk=license.pk).first()
        if lic is None or lic.archived_at is not None:
            return lic or license
        community = Community.objects.get(pk=lic.community_id)
        return _recalculate_locked(lic, community, now)


def license_points_add(
    *, character: Character, points: int, issued_at: datetime | None = None, source: str = "",
) -> DrivingLicense | None:
    """Put a citation's points (clamped 0-12) on the character's live license and recalculate at once.

    Returns None, recording nothing, when the DMV module is off or the character holds no license. With
    the point system off the points are recorded and nothing is suspended."""
    if isinstance(points, bool):
        raise Invalid({"points": ["A whole number from 0 to 12."]})
    try:
        points = int(points)
    except (TypeError, ValueError):
        raise Invalid({"points": ["A whole number from 0 to 12."]}) from None
    points = max(0, min(MAX_CITATION_POINTS, points))
    community = Community.objects.get(pk=character.community_id)
    if not community.dmv_enabled:
        return None
    now = timezone.now()
    issued_at = _aware("issued_at", issued_at) or now
    issued_at = min(issued_at, now)
    source = str(source or "")[:80]
    with transaction.atomic():
        lic = (DrivingLicense.objects.select_for_update()
               .filter(community_id=community.pk, character_id=character.pk, archived_at__isnull=True).first())
        if lic is None:
            return None
        if points > 0:
            LicensePointEntry.objects.create(community_id=community.pk, license=lic, points=points,
                                             issued_at=issued_at, source=source)
        return _recalculate_locked(lic, community, now)


def licenses_recalculate_all(*, now: datetime | None = None) -> int:
    """The daily sweep (beat task `characters.tasks.recalculate_license_points`): every live license that
    could change, each in its own short transaction with the row locked (SKIP LOCKED on PostgreSQL, so
    several workers share the work and never double-apply). Returns how many licenses changed."""
    now = now or timezone.now()
    candidates = (DrivingLicense.objects.all_communities()
                  .filter(archived_at__isnull=True, community__dmv_enabled=True)
                  .filter(Q(points__gt=0) | Q(status=LicenseStatus.SUSPENDED) | Q(override=True))
                  .order_by("pk").values_list("pk", "community_id"))
    communities: dict[Any, Community] = {}
    changed = 0
    # The ID list is read up front (no cursor held open across the per-row commits).
    for pk, community_id in list(candidates):
        if community_id not in communities:
            communities[community_id] = Community.objects.get(pk=community_id)
        with transaction.atomic():
            lic = (DrivingLicense.objects.select_for_update(skip_locked=True)
                   .filter(community_id=community_id, pk=pk, archived_at__isnull=True).first())
            if lic is None:
                continue  # another worker holds it (and reaches the same answer) or it was archived
            lic = _recalculate_locked(lic, communities[community_id], now)
            changed += int(lic._recalc_changed)  # type: ignore[attr-defined]
    return changed


@transaction.atomic
def license_archive(*, license: DrivingLicense, by=None) -> DrivingLicense:
    if license.archived_at is None:
        license.archived_at = timezone.now()
        license.save(update_fields=["archived_at", "updated_at"])
        publish(license.community_id, "license-updated", {**license_payload(license), "archived": True})
    return license


# --- weapons --------------------------------------------------------------------------------------------


def _serial(value: Any) -> str:
    if not isinstance(value, str):
        raise Invalid({"serial_number": ["This field is required."]})
    serial = value.strip().upper()
    if not SERIAL_RE.match(serial):
        raise Invalid({"serial_number": ["Up to 40 letters, digits and dashes."]})
    return serial


def _serial_conflict(community_id, serial: str, exclude=None) -> None:
    qs = Weapon.objects.filter(community_id=community_id, serial_number=serial, archived_at__isnull=True)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    existing = qs.only("pk", "owner_id").first()
    if existing is not None:
        raise Conflict(f"Serial number {serial} is already registered", weapon_id=str(existing.pk),
                       owner_character_id=str(existing.owner_id) if existing.owner_id else None)


def weapon_register(
    *, community: Community, owner: Character, serial_number: str, make: str = "", model: str = "",
    caliber: str = "", by=None,
) -> Weapon:
    """Register a firearm to a character; a serial already registered in the community is 409."""
    require_weapons(community)
    if owner is None:
        raise Invalid({"character_id": ["This field is required."]})
    _same_community("character_id", owner, community.pk)
    _live_character(owner)
    serial = _serial(serial_number)
    fields = dict(make=_text("make", make, max_length=60), model=_text("model", model, max_length=60),
                  caliber=_text("caliber", caliber, max_length=30))
    _serial_conflict(community.pk, serial)
    try:
        with transaction.atomic():
            weapon = Weapon.objects.create(community=community, owner=owner, serial_number=serial, **fields)
            publish(community.pk, "weapon-registered", weapon_payload(weapon))
    except IntegrityError:
        _serial_conflict(community.pk, serial)
        raise
    return weapon




def _required_owner(community_id) -> updates.Cleaner:
    live_owner = _live_owner(community_id)

    def clean(value):
        if value is None:
            raise Invalid({"character_id": ["This field is required."]})
        return live_owner(value)
    return clean


def _weapon_cleaners(weapon: Weapon) -> dict[str, updates.Cleaner]:
    return {
        "owner": _required_owner(weapon.community_id),
        "serial_number": _serial,
        "make": _text_cleaner("make", 60),
        "model": _text_cleaner("model", 60),
        "caliber": _text_cleaner("caliber", 30),
    }


def weapon_update(*, weapon: Weapon, by=None, **changes) -> Weapon:
    require_weapons(Community.objects.get(pk=weapon.community_id))
    clean = updates.clean_changes(changes, _weapon_cleaners(weapon))
    if "serial_number" in clean:
        _serial_conflict(weapon.community_id, clean["serial_number"], exclude=weapon.pk)
    try:
        with transaction.atomic():
            if fields := updates.apply(weapon, clean):
                weapon.save(update_fields=[*fields, "updated_at"])
                publish(weapon.community_id, "weapon-updated", weapon_payload(weapon))
    except IntegrityError:
        _serial_conflict(weapon.community_id, clean.get("serial_number", weapon.serial_number), exclude=weapon.pk)
        raise
    return weapon


@transaction.atomic
def weapon_archive(*, weapon: Weapon, by=None) -> Weapon:
    if weapon.archived_at is None:
        weapon.archived_at = timezone.now()
        weapon.save(update_fields=["archived_at", "updated_at"])
        publish(weapon.community_id, "weapon-archived", weapon_payload(weapon))
    return weapon


def weapon_license_apply(*, character: Character, notes: str = "") -> WeaponLicenseApplication:
    """A character applies for a weapons license: one pending application at a time (409), none once
    approved (409)."""
    require_weapons(Community.objects.get(pk=character.community_id))
    _live_character(character)
    notes = _text("notes", notes, max_length=2000)
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
    reason = _text("reason", reason, max_length=2000)
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
