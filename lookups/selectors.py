"""The lookup reads: query-type detection (000 §4), the searches, and the civilian / vehicle cards and
profiles both dialects show. Every list is built in a fixed number of queries (no N+1).

Dicts are snake_case: /api/* camelizes them in the renderer, /fivem/* sends them as written.

Speed: exact name (`iexact` → UPPER(col) = UPPER(x)) uses the characters app's expression index on
(community, UPPER(last_name), UPPER(first_name)); partial names use `icontains` (3+ characters; shorter
words must equal a whole name part), which its pg_trgm GIN indexes on UPPER(first_name) / UPPER(last_name)
serve; plate, SSN and phone are equality on indexed columns. Searches take the first matches unordered
and sort them by name in Python, so a broad partial name never sorts thousands of rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Count, FilteredRelation, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from bolos.selectors import active_bolo_for_plate, active_bolos, bolo_summary
from characters.models import (
    Character,
    DrivingLicense,
    LicensePointEntry,
    Vehicle,
    Weapon,
    WeaponLicenseApplication,
)
from characters.plates import plate_key
from characters.selectors import weapons_license_statuses
from records.choices import WarrantStatus
from records.models import Warrant

from .choices import LookupType

SSN_RE = re.compile(r"^\d{3}-\d{2}-\d{4}$")
# 555-0123, 555-123-4567, (555) 123-4567, +1 555 123 4567, 5550123: 7-15 digits with optional separators.
PHONE_RE = re.compile(r"^\+?[\d\s().-]{7,20}$")
PLATE_RE = re.compile(r"^[A-Za-z0-9]{2,8}$")
NAME_WORD_RE = re.compile(r"[^\W\d_]", re.UNICODE)  # a word with at least one letter

MAX_QUERY = 100
CIVILIAN_LIMIT = 25
VEHICLE_LIMIT = 25


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def detect_types(query: str) -> list[str]:
    """Every 000 §4 type the query's shape fits, most specific first. `Smi` is a plate shape and a
    partial name; `5550123` is a phone and a plate; `John Smith` is a name."""
    q = " ".join((query or "").split())
    if not q:
        return []
    if SSN_RE.match(q):
        return [LookupType.SSN]
    found: list[str] = []
    if PHONE_RE.match(q) and 7 <= len(_digits(q)) <= 15:
        found.append(LookupType.PHONE)
    if PLATE_RE.match(q):
        found.append(LookupType.PLATE)
    words = q.split(" ")
    if len(words) >= 2 and all(NAME_WORD_RE.search(w) for w in words):
        found.append(LookupType.NAME)
    elif len(words) == 1 and NAME_WORD_RE.search(q):
        found.append(LookupType.PARTIAL_NAME)
    if not found:
        found.append(LookupType.PARTIAL_NAME)
    return found


def _live_characters(community):
    return Character.objects.for_community(community).live()


def _live_vehicles(community):
    return Vehicle.objects.for_community(community).live()


def name_query(query: str) -> Q | None:
    """Exact first + last name, trying every split of the words ("Mary Ann Smith")."""
    words = query.split()
    if len(words) < 2:
        return None
    match = Q()
    for cut in range(1, len(words)):
        match |= Q(first_name__iexact=" ".join(words[:cut]), last_name__iexact=" ".join(words[cut:]))
    return match


def partial_name_query(query: str) -> Q | None:
    """Each word is part of the first or the last name. A word shorter than 3 characters must be a whole
    first or last name ("Ed", "Li"): trigram indexes cannot narrow one or two letters."""
    words = [w for w in query.split() if w][:4]
    if not words:
        return None
    match = Q()
    for word in words:
        if len(word) < 3:
            match &= Q(first_name__iexact=word) | Q(last_name__iexact=word)
        else:
            match &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    return match


def by_name(characters: Iterable[Character]) -> list[Character]:
    return sorted(characters, key=lambda c: (c.last_name.lower(), c.first_name.lower(), str(c.pk)))


def phone_values(query: str) -> list[str]:
    digits = _digits(query)
    values = {query.strip(), digits}
    if len(digits) == 7:
        values.add(f"{digits[:3]}-{digits[3:]}")
    if len(digits) == 10:
        values.update({f"{digits[:3]}-{digits[3:6]}-{digits[6:]}", f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"})
    return sorted(v for v in values if v)


def search(community, kind: str, query: str, *, limit: int = CIVILIAN_LIMIT) -> tuple[list[Character], list[Vehicle]]:
    """Characters and vehicles matching one search type (no cross-linking: see `smart_search`)."""
    query = " ".join(query.split())
    civilians: list[Character] = []
    vehicles: list[Vehicle] = []
    # No ORDER BY: sorting every match of a broad partial name ("Smi": thousands of rows) before the
    # LIMIT costs tens of milliseconds; the first `limit` matches are sorted by name here instead.
    chars = _live_characters(community).order_by()
    if kind == LookupType.SSN:
        civilians = list(chars.filter(ssn=query)[:limit])
    elif kind == LookupType.PHONE:
        civilians = list(chars.filter(phone__in=phone_values(query))[:limit])
    elif kind == LookupType.NAME:
        q = name_query(query)
        civilians = list(chars.filter(q)[:limit]) if q is not None else []
    elif kind == LookupType.PARTIAL_NAME:
        q = partial_name_query(query)
        civilians = list(chars.filter(q)[:limit]) if q is not None else []
    elif kind == LookupType.PLATE:
        plate = plate_key(query)
        if plate:
            vehicles = list(_live_vehicles(community).filter(plate=plate).select_related("owner")[:VEHICLE_LIMIT])
    return by_name(civilians), vehicles


def smart_search(community, query: str, types: Sequence[str]) -> tuple[list[Character], list[Vehicle]]:
    """Search as each type and merge: civilians found plus the owners of vehicles found; vehicles found
    plus the vehicles of civilians found (000's "John Smith" answer lists his Honda)."""
    civilians: dict[Any, Character] = {}
    vehicles: dict[Any, Vehicle] = {}
    for kind in types:
        found_c, found_v = search(community, kind, query)
        for c in found_c:
            civilians.setdefault(c.pk, c)
        for v in found_v:
            vehicles.setdefault(v.pk, v)
    for v in vehicles.values():  # the owner came with the vehicle (select_related)
        if v.owner is not None and v.owner.archived_at is None:
            civilians.setdefault(v.owner_id, v.owner)
    person_ids = list(civilians)[:CIVILIAN_LIMIT]
    if person_ids and len(vehicles) < VEHICLE_LIMIT:
        owned = (_live_vehicles(community).filter(owner_id__in=person_ids).select_related("owner")
                 .order_by("plate")[:VEHICLE_LIMIT])
        for v in owned:
            if len(vehicles) >= VEHICLE_LIMIT:
                break
            vehicles.setdefault(v.pk, v)
    return list(civilians.values())[:CIVILIAN_LIMIT], list(vehicles.values())[:VEHICLE_LIMIT]


# --- cards --------------------------------------------------------------------------------------------

def license_summary(lic: DrivingLicense | None) -> dict | None:
    if lic is None:
        return None
    return {
        "id": str(lic.pk), "class": lic.license_class.code, "class_name": lic.license_class.name,
        "status": lic.status, "points": lic.points, "suspended_until": lic.suspended_until,
    }


def card_summaries(community, character_ids: Sequence[Any]) -> dict[Any, dict]:
    """{character id: {warrant_count, license, weapons_license}} in ONE query: the live license joined
    (FilteredRelation), active warrants counted and the latest weapons-license application's status
    (what `characters.services.weapons_license_status` reports) as correlated subqueries."""
    if not character_ids:
        return {}
    warrant_count = (Warrant.objects.filter(community_id=community.pk, character_id=OuterRef("pk"),
                                            status=WarrantStatus.ACTIVE).live()
                     .order_by().values("character_id").annotate(n=Count("pk")).values("n")[:1])
    weapons = (WeaponLicenseApplication.objects.filter(community_id=community.pk, character_id=OuterRef("pk"))
               .order_by("-created_at").values("status")[:1])
    rows = (Character.objects.for_community(community).filter(pk__in=list(character_ids))
            .annotate(live_license=FilteredRelation("licenses", condition=Q(licenses__archived_at__isnull=True)),
                      n_warrants=Coalesce(Subquery(warrant_count), 0), weapons_status=Subquery(weapons))
            .order_by()
            .values("pk", "n_warrants", "weapons_status", "live_license__id", "live_license__status",
                    "live_license__points", "live_license__suspended_until", "live_license__license_class__code",
                    "live_license__license_class__name"))
    out = {}
    for row in rows:
        lic = None
        if row["live_license__id"] is not None:
            lic = {"id": str(row["live_license__id"]), "class": row["live_license__license_class__code"],
                   "class_name": row["live_license__license_class__name"], "status": row["live_license__status"],
                   "points": row["live_license__points"], "suspended_until": row["live_license__suspended_until"]}
        out[row["pk"]] = {"warrant_count": row["n_warrants"], "license": lic,
                          "weapons_license": row["weapons_status"] or "none"}
    return out


def civilian_cards(community, characters: Sequence[Character]) -> list[dict]:
    """Search-result cards: identity plus warrant, license and flag summary (one query for any count)."""
    summaries = card_summaries(community, [c.pk for c in characters])
    cards = []
    for c in characters:
        summary = summaries.get(c.pk) or {"warrant_count": 0, "license": None, "weapons_license": "none"}
        count, lic = summary["warrant_count"], summary["license"]
        cards.append({
            "_id": str(c.pk), "id": str(c.pk), "first_name": c.first_name, "last_name": c.last_name,
            "date_of_birth": c.date_of_birth, "license_number": c.license_number, "ssn": c.ssn, "phone": c.phone,
            "address": c.address, "type": c.type, "flags": list(c.flags or []),
            "has_warrants": count > 0, "warrant_count": count,
            "license_status": lic["status"] if lic else "none", "license": lic,
            "weapons_license": summary["weapons_license"],
        })
    return cards


def bolos_for_plates(community, plates: Iterable[str]) -> dict[str, dict]:
    """{plate: summary of its newest active BOLO} in one query."""
    plates = sorted({p for p in plates if p})
    if not plates:
        return {}
    out: dict[str, dict] = {}
    for bolo in active_bolos(community).filter(vehicle_plate__in=plates):
        out.setdefault(bolo.vehicle_plate, bolo_summary(bolo))  # newest first
    return out


def bolo_for_plate(community, plate: str) -> dict | None:
    if not plate:
        return None
    bolo = active_bolo_for_plate(community, plate)
    return bolo_summary(bolo) if bolo is not None else None


def vehicle_cards(community, vehicles: Sequence[Vehicle]) -> list[dict]:
    bolos = bolos_for_plates(community, [v.plate for v in vehicles])
    return [_vehicle_card(v, bolos.get(v.plate)) for v in vehicles]


def _vehicle_card(v: Vehicle, bolo: dict | None) -> dict:
    return {
        "_id": str(v.pk), "id": str(v.pk), "plate": v.plate, "make": v.make, "model": v.model, "color": v.color,
        "year": v.year, "owner": v.owner.full_name if v.owner else "",
        "owner_id": str(v.owner_id) if v.owner_id else None, "is_stolen": v.is_stolen,
        "registration_status": v.registration_status, "insurance_status": v.insurance_status,
        "has_bolo": bolo is not None, "bolo": bolo,
    }


# --- profiles -----------------------------------------------------------------------------------------

def civilian_profile(community, character: Character) -> dict:
    """000 `GET /api/lookup/civilian/:id`: the card plus licenses (with point entries), points, every
    warrant, vehicles, weapons and the weapons-license status."""
    card = civilian_cards(community, [character])[0]
    licenses = list(DrivingLicense.objects.for_community(community).filter(character=character)
                    .select_related("license_class").order_by("archived_at", "-issued_at"))
    entries: dict[Any, list] = {}
    if licenses:
        for e in LicensePointEntry.objects.for_community(community).filter(license__in=licenses).order_by("-issued_at"):
            entries.setdefault(e.license_id, []).append(
                {"points": e.points, "issued_at": e.issued_at, "source": e.source})
    live = next((lic for lic in licenses if lic.archived_at is None), None)
    warrants = (Warrant.objects.for_community(community).filter(character=character).live()
                .select_related("issued_by").order_by("-created_at"))
    vehicles = list(_live_vehicles(community).filter(owner=character).select_related("owner").order_by("plate"))
    weapons = Weapon.objects.for_community(community).filter(owner=character).live()
    return {
        **card,
        "gender": character.gender, "callsign": character.callsign, "rank": character.rank,
        "department": character.department.name if character.department else "",
        "mugshot": character.mugshot.url if character.mugshot else None,
        "licenses": [{**(license_summary(lic) or {}), "archived": lic.archived_at is not None,
                      "issued_at": lic.issued_at, "point_entries": entries.get(lic.pk, [])} for lic in licenses],
        "points": live.points if live else 0,
        "warrants": [{"_id": str(w.pk), "id": str(w.pk), "title": w.title, "description": w.description,
                      "status": w.status, "officer_name": w.issued_by.full_name if w.issued_by_id else "",
                      "created_at": w.created_at} for w in warrants],
        "vehicles": vehicle_cards(community, vehicles),
        "weapons": [{"_id": str(w.pk), "id": str(w.pk), "serial_number": w.serial_number, "make": w.make,
                     "model": w.model, "caliber": w.caliber} for w in weapons],
    }


def vehicle_profile(community, vehicle: Vehicle) -> dict:
    """000 `GET /api/lookup/vehicle/:id`: registration, owner, stolen, insurance and the active BOLO."""
    owner = None
    if vehicle.owner is not None:
        owner = civilian_cards(community, [vehicle.owner])[0]
    bolo = bolo_for_plate(community, vehicle.plate)
    return {**_vehicle_card(vehicle, bolo), "vin": vehicle.vin, "owner_details": owner}


# --- 004 /fivem/lookup --------------------------------------------------------------------------------

def fivem_characters(community, characters: Sequence[Character]) -> list[dict]:
    """004 `GET /fivem/lookup/player` items (fixed number of queries for any count)."""
    ids = [c.pk for c in characters]
    warrants: dict[Any, list] = {}
    if ids:
        for w in (Warrant.objects.for_community(community)
                  .filter(character_id__in=ids, status=WarrantStatus.ACTIVE).live()
                  .order_by("-created_at")):
            warrants.setdefault(w.character_id, []).append({"title": w.title, "status": w.status})
    vehicles: dict[Any, list] = {}
    if ids:
        for v in _live_vehicles(community).filter(owner_id__in=ids).order_by("plate"):
            vehicles.setdefault(v.owner_id, []).append({"plate": v.plate, "make": v.make, "is_stolen": v.is_stolen})
    weapons = weapons_license_statuses(list(characters)) if characters else {}
    out = []
    for c in characters:
        mine = warrants.get(c.pk, [])
        out.append({
            "id": str(c.pk), "first_name": c.first_name, "last_name": c.last_name,
            "date_of_birth": c.date_of_birth.isoformat() if c.date_of_birth else None, "type": c.type,
            "department": c.department.name if c.department else None, "rank": c.rank,
            "license_number": c.license_number,
            "weapons_license": weapons.get(c.pk) == "approved",
            "flags": {"has_warrants": bool(mine), "warrant_count": len(mine), "character_flags": list(c.flags or [])},
            "warrants": mine,
            "vehicles": vehicles.get(c.pk, []),
        })
    return out


def fivem_players_by_name(community, name: str, limit: int = 5) -> list[Character]:
    q = partial_name_query(" ".join(name.split()))
    if q is None:
        return []
    return by_name(_live_characters(community).filter(q).select_related("department").order_by()[:limit])


def fivem_plate(community, plate: str) -> dict:
    """004 `GET /fivem/lookup/plate/:plate`."""
    plate = plate_key(plate)
    vehicle = _live_vehicles(community).filter(plate=plate).select_related("owner").first()
    bolo = bolo_for_plate(community, plate)
    warrants = []
    if vehicle is not None and vehicle.owner_id:
        warrants = [{"title": w.title, "status": w.status, "character_id": str(w.character_id)}
                    for w in Warrant.objects.for_community(community)
                    .filter(character_id=vehicle.owner_id, status=WarrantStatus.ACTIVE).live()
                    .order_by("-created_at")]
    return {
        "plate": plate,
        "vehicle": None if vehicle is None else {
            "plate": vehicle.plate, "make": vehicle.make, "model": vehicle.model, "color": vehicle.color,
            "year": vehicle.year, "is_stolen": vehicle.is_stolen,
            "owner_name": vehicle.owner.full_name if vehicle.owner_id else None,
            "owner_id": str(vehicle.owner_id) if vehicle.owner_id else None,
            "registration_status": vehicle.registration_status, "insurance_status": vehicle.insurance_status,
        },
        "bolo": bolo,
        "warrants": warrants,
        "flags": {
            "registered": vehicle is not None, "is_stolen": bool(vehicle and vehicle.is_stolen),
            "has_bolo": bolo is not None, "has_warrants": bool(warrants),
        },
    }
