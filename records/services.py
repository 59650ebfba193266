"""Every state change of records: reports and their review, arrests (with photos), citations (with DMV
points), warrants and suspects. Each runs in a transaction and publishes its event after the commit.

Validation errors are `cad.core.errors.Invalid` keyed by the wire field name (snake_case;
the /api renderer camelizes it); a state conflict (reviewing a reviewed report) is `Conflict` (409).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cad import events
from cad.core import access
from cad.core.choices import Role
from cad.core.errors import Conflict, Invalid
from cad.core.isotime import iso
from cad.core.models import Community, PenalCode
from cad.core.numbering import next_number
from characters.choices import FIRST_RESPONDER_TYPES
from characters.models import Character
from characters.plates import plate_key

from .choices import MAX_CITATION_POINTS, ReportKind, ReportStatus, SuspectStatus, WarrantStatus
from .models import Arrest, ArrestPhoto, Citation, Report, Suspect, Warrant
from .selectors import report_types_for

MAX_INVOLVED = 50
MAX_CHARGES = 50
WARRANT_TRANSITIONS = {
    WarrantStatus.ACTIVE: {WarrantStatus.SERVED, WarrantStatus.RECALLED},
    WarrantStatus.RECALLED: {WarrantStatus.ACTIVE},
    WarrantStatus.SERVED: set(),
}


# --- shared checks ----------------------------------------------------------------------------------

def _same_community(community: Community, row, field: str) -> None:
    if row is not None and row.community_id != community.pk:
        raise Invalid({field: ["Does not exist."]})


def _live_character(community: Community, character: Character | None, field: str, *,
                    responder: bool = False) -> None:
    if character is None:
        raise Invalid({field: ["This field is required."]})
    _same_community(community, character, field)
    if character.archived_at is not None:
        raise Invalid({field: ["This character is archived."]})
    if responder and character.type not in FIRST_RESPONDER_TYPES:
        raise Invalid({field: ["Must be a leo, ems or fd character."]})


def may_act_as(*, character: Character, user: Any, role: Any) -> bool:
    """Whether a caller may sign a record as `character`: their own character, or any character of the
    community for supervisors and above (and API tokens, which act as supervisors)."""
    if Role(role).at_least(Role.SUPERVISOR):
        return True
    user_id = getattr(user, "pk", None)
    return user_id is not None and character.user_id == user_id


def _money(value: Any, field: str) -> Decimal:
    try:
        amount = Decimal(str(value if value is not None else 0))
    except (InvalidOperation, ValueError):
        raise Invalid({field: ["A number."]}) from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e10"):
        raise Invalid({field: ["A number from 0 to 9999999999.99."]})
    return amount.quantize(Decimal("0.01"))



def _officer_name(character: Character | None) -> str:
    return character.full_name if character is not None else ""


# --- reports ----------------------------------------------------------------------------------------

def report_payload(report: Report) -> dict:
    """003-style (camelCase) payload of the report events."""
    return {
        "_id": str(report.pk), "id": str(report.pk), "communityId": str(report.community_id),
        "number": report.number, "type": report.type, "title": report.title, "status": report.status,
        "authorId": str(report.author_id) if report.author_id else None,
        "authorName": _officer_name(report.author), "callId": str(report.call_id) if report.call_id else None,
        "reviewNote": report.review_note,
        "reviewedAt": iso(report.reviewed_at),
        "createdAt": iso(report.created_at),
    }


def _clean_persons(community: Community, persons: Iterable[Any]) -> tuple[list[dict], list[Character]]:
    persons = list(persons or ())
    if len(persons) > MAX_INVOLVED:
        raise Invalid({"involved_persons": [f"At most {MAX_INVOLVED} persons."]})
    cleaned: list[dict] = []
    by_id: set[str] = set()
    for i, person in enumerate(persons):
        if not isinstance(person, dict):
            raise Invalid({"involved_persons": [f"Item {i}: an object {{name, notes}}."]})
        name = person.get("name")
        notes = person.get("notes", "") or ""
        character_id = person.get("character_id") or None
        if not isinstance(name, str) or not name.strip() or len(name) > 120:
            raise Invalid({"involved_persons": [f"Item {i}: name is required (at most 120 characters)."]})
        if not isinstance(notes, str) or len(notes) > 2000:
            raise Invalid({"involved_persons": [f"Item {i}: notes is text (at most 2000 characters)."]})
        if character_id is not None:
            try:
                character_id = str(uuid.UUID(str(character_id)))
            except ValueError:
                raise Invalid({"involved_persons": [f"Item {i}: character_id does not exist."]}) from None
            by_id.add(character_id)
        cleaned.append({"name": " ".join(name.split()), "notes": notes, "character_id": character_id})

    linked: dict[str, Character] = {}
    if by_id:
        found = {str(c.pk): c for c in Character.objects.for_community(community).filter(pk__in=by_id)}
        missing = by_id - set(found)
        if missing:
            raise Invalid({"involved_persons": [f"character_id {sorted(missing)[0]} does not exist."]})
        linked.update(found)
    # Persons named without an ID are linked when exactly one live character has that full name.
    name_q = Q()
    wanted: dict[tuple[str, str], dict] = {}
    for person in cleaned:
        parts = person["name"].split(" ")
        if person["character_id"] or len(parts) < 2:
            continue
        for cut in range(1, len(parts)):
            first, last = " ".join(parts[:cut]), " ".join(parts[cut:])
            wanted[(first.lower(), last.lower())] = person
            name_q |= Q(first_name__iexact=first, last_name__iexact=last)
    if wanted:
        matches: dict[tuple[str, str], list[Character]] = {}
        for c in Character.objects.for_community(community).filter(name_q).live()[:200]:
            matches.setdefault((c.first_name.lower(), c.last_name.lower()), []).append(c)
        for key, person in wanted.items():
            found_list = matches.get(key, [])
            if len(found_list) == 1 and not person["character_id"]:
                person["character_id"] = str(found_list[0].pk)
                linked[person["character_id"]] = found_list[0]
    return cleaned, list(linked.values())


def _clean_vehicles(vehicles: Iterable[Any]) -> list[dict]:
    vehicles = list(vehicles or ())
    if len(vehicles) > MAX_INVOLVED:
        raise Invalid({"involved_vehicles": [f"At most {MAX_INVOLVED} vehicles."]})
    cleaned = []
    for i, vehicle in enumerate(vehicles):
        if not isinstance(vehicle, dict):
            raise Invalid({"involved_vehicles": [f"Item {i}: an object {{plate, is_stolen}}."]})
        plate = plate_key(vehicle.get("plate"))
        is_stolen = vehicle.get("is_stolen", False)
        if not 1 <= len(plate) <= 8:
            raise Invalid({"involved_vehicles": [f"Item {i}: plate is 1-8 letters and digits."]})
        if not isinstance(is_stolen, bool):
            raise Invalid({"involved_vehicles": [f"Item {i}: is_stolen is true or false."]})
        cleaned.append({"plate": plate, "is_stolen": is_stolen})
    return cleaned


@transaction.atomic
def report_create(
    *, community: Community, author: Character, title: str, body: str, type: str = ReportKind.INCIDENT,
    call=None, evidence: str = "", involved_persons: Sequence[dict] = (), involved_vehicles: Sequence[dict] = (),
    report_data: dict | None = None, created_by=None,
) -> Report:
    """File a report (status pending: it enters the supervisor review queue). The author must be a live
    leo/ems/fd character of the community whose department may file `type`."""
    _live_character(community, author, "author_id", responder=True)
    _same_community(community, call, "call_id")
    title, body = (title or "").strip(), (body or "").strip()
    if not title or len(title) > 200:
        raise Invalid({"title": ["Required, at most 200 characters."]})
    if not body:
        raise Invalid({"body": ["Required."]})
    if type not in ReportKind.values:
        raise Invalid({"type": [f'"{type}" is not allowed; use one of: {", ".join(ReportKind.values)}.']})
    offered = report_types_for(community, author)
    if type not in offered:
        raise Invalid({"type": [f'"{type}" is not offered to this author\'s department; '
                                        f'use one of: {", ".join(offered) or "none"}.']})
    if report_data is None:
        report_data = {}
    if not isinstance(report_data, dict):
        raise Invalid({"report_data": ["An object."]})
    persons, linked = _clean_persons(community, involved_persons)
    vehicles = _clean_vehicles(involved_vehicles)

    report = Report.objects.create(
        community=community, number=next_number(f"records.report.{community.pk}"), type=type, title=title,
        body=body, evidence=evidence or "", involved_persons=persons, involved_vehicles=vehicles,
        report_data=report_data, call=call, author=author, created_by=access.person(created_by),
    )
    if linked:
        report.involved_characters.set(linked)
    events.publish(community.pk, "report-created", report_payload(report))
    return report


@transaction.atomic
def report_review(*, report: Report, approve: bool, by=None, note: str = "") -> Report:
    """Approve or reject a pending report (supervisors and above; the view checks the role)."""
    locked = Report.objects.select_for_update().filter(community_id=report.community_id, pk=report.pk).first()
    if locked is None:
        raise Invalid({"report": ["Does not exist."]})
    if locked.status != ReportStatus.PENDING:
        raise Conflict(f"This report was already {locked.status}.", status=locked.status)
    if note and len(note) > 2000:
        raise Invalid({"note": ["At most 2000 characters."]})
    locked.status = ReportStatus.APPROVED if approve else ReportStatus.REJECTED
    locked.reviewed_by = access.person(by)
    locked.reviewed_at = timezone.now()
    locked.review_note = note or ""
    locked.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note", "updated_at"])
    events.publish(locked.community_id, "report-reviewed", report_payload(locked))
    return locked


@transaction.atomic
def report_resubmit(
    *, report: Report, by=None, title: str, body: str, type: str, evidence: str = "",
    involved_persons: Sequence[dict] = (), involved_vehicles: Sequence[dict] = (), call=None,
) -> Report:
    """The author's corrected version of a rejected report goes back to the review queue (pending). The
    reviewer's reason stays on the row until the next review replaces it; the view checks that `by` may
    act as the author."""
    locked = Report.objects.select_for_update().filter(community_id=report.community_id, pk=report.pk).first()
    if locked is None or locked.archived_at is not None:
        raise Invalid({"report": ["Does not exist."]})
    if locked.status != ReportStatus.REJECTED:
        raise Conflict(f"Only a rejected report can be resubmitted; this one is {locked.status}.",
                       status=locked.status)
    community = locked.community
    _same_community(community, call, "call_id")
    title, body = (title or "").strip(), (body or "").strip()
    if not title or len(title) > 200:
        raise Invalid({"title": ["Required, at most 200 characters."]})
    if not body:
        raise Invalid({"body": ["Required."]})
    offered = report_types_for(community, locked.author) if locked.author is not None else list(ReportKind.values)
    if type not in offered:
        raise Invalid({"type": [f'"{type}" is not offered to this author\'s department; '
                                        f'use one of: {", ".join(offered) or "none"}.']})
    persons, linked = _clean_persons(community, involved_persons)
    locked.title, locked.body, locked.type, locked.evidence = title, body, type, evidence or ""
    locked.involved_persons, locked.involved_vehicles = persons, _clean_vehicles(involved_vehicles)
    locked.call = call
    locked.status = ReportStatus.PENDING
    locked.save(update_fields=["title", "body", "type", "evidence", "involved_persons", "involved_vehicles", "call",
                               "status", "updated_at"])
    locked.involved_characters.set(linked)
    events.publish(locked.community_id, "report-resubmitted", report_payload(locked))
    return locked


@transaction.atomic
def record_archive(*, row: Report | Arrest | Citation | Warrant | Suspect, by=None):
    """Records are never deleted: DELETE archives (hidden from lists and lookups, kept for audit)."""
    type(row).objects.filter(community_id=row.community_id, pk=row.pk).live().update(
        archived_at=timezone.now())
    row.refresh_from_db(fields=["archived_at"])
    events.publish(row.community_id, f"{type(row).__name__.lower()}-archived",
                   {"_id": str(row.pk), "id": str(row.pk), "communityId": str(row.community_id)})
    return row


# --- arrests ----------------------------------------------------------------------------------------

def parse_charges(value: Any) -> list[str]:
    """004 sends charges as "PC 211, Resisting Arrest"; /api sends a list. Either becomes a list."""
    if isinstance(value, str):
        items = value.split(",")
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        raise Invalid({"charges": ["A list of charges or a comma-separated string."]})
    out = []
    for item in items:
        if not isinstance(item, str | uuid.UUID):
            raise Invalid({"charges": ["Each charge is a penal code ID or text."]})
        text = " ".join(str(item).split())
        if text:
            out.append(text)
    return out


def _resolve_charges(community: Community, charges: Sequence[str]) -> tuple[list[dict], list[PenalCode]]:
    """Each charge is a penal code of the community (by ID, code or name) or free text."""
    charges = parse_charges(list(charges) if not isinstance(charges, str) else charges)
    if not charges:
        raise Invalid({"charges": ["At least one charge."]})
    if len(charges) > MAX_CHARGES:
        raise Invalid({"charges": [f"At most {MAX_CHARGES} charges."]})
    if any(len(c) > 200 for c in charges):
        raise Invalid({"charges": ["Each charge is at most 200 characters."]})
    codes = list(PenalCode.objects.for_community(community).live())
    by_id = {str(p.pk): p for p in codes}
    by_text: dict[str, PenalCode] = {}
    for p in codes:
        by_text.setdefault(p.name.lower(), p)
        if p.code:
            by_text.setdefault(p.code.lower(), p)
    resolved, matched = [], []
    for charge in charges:
        code = None
        try:
            code = by_id.get(str(uuid.UUID(charge)))
            if code is None:
                raise Invalid({"charges": [f"Penal code {charge} does not exist."]})
        except ValueError:
            code = by_text.get(charge.lower())
        if code is not None:
            matched.append(code)
            resolved.append({"penal_code_id": str(code.pk), "code": code.code, "name": code.name})
        else:
            resolved.append({"penal_code_id": None, "code": "", "name": charge})
    return resolved, matched


def arrest_payload(arrest: Arrest) -> dict:
    return {
        "_id": str(arrest.pk), "id": str(arrest.pk), "communityId": str(arrest.community_id),
        "characterId": str(arrest.character_id), "characterName": arrest.character.full_name,
        "arrestedBy": str(arrest.arrested_by_id) if arrest.arrested_by_id else None,
        "officerName": _officer_name(arrest.arrested_by), "charges": [c["name"] for c in arrest.charges],
        "jailTimeMin": arrest.jail_time_min, "fineAmount": str(arrest.fine_amount),
        "reportId": str(arrest.report_id) if arrest.report_id else None,
        "createdAt": iso(arrest.created_at),
    }


@transaction.atomic
def arrest_create(
    *, community: Community, character: Character, arrested_by: Character, charges: Sequence[str] | str,
    jail_time_min: int | None = None, fine_amount: Decimal | float | None = None, report: Report | None = None,
    created_by=None,
) -> Arrest:
    """Record an arrest. Charges name penal codes (ID, code or name) or are free text; jail time and fine
    default to the sum of the penal codes' when not given."""
    _live_character(community, character, "character_id")
    _live_character(community, arrested_by, "arrested_by", responder=True)
    _same_community(community, report, "report_id")
    if report is not None and report.archived_at is not None:
        raise Invalid({"report_id": ["Does not exist."]})
    resolved, codes = _resolve_charges(community, charges)
    if jail_time_min is None:
        jail_time_min = sum(c.jail_minutes for c in codes)
    if isinstance(jail_time_min, bool) or not isinstance(jail_time_min, int) or not 0 <= jail_time_min <= 10**6:
        raise Invalid({"jail_time_min": ["Whole minutes from 0 to 1000000."]})
    fine = _money(sum((c.fine for c in codes), Decimal(0)) if fine_amount is None else fine_amount, "fine_amount")
    arrest = Arrest.objects.create(
        community=community, character=character, arrested_by=arrested_by, charges=resolved,
        jail_time_min=jail_time_min, fine_amount=fine, report=report, created_by=access.person(created_by),
    )
    events.publish(community.pk, "arrest-created", arrest_payload(arrest))
    return arrest


IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}


def validate_image(upload: UploadedFile, *, community: Community, field: str = "photo") -> str:
    """The upload's real content type (read from its bytes, never its name), within the community's
    size and type limits (the mugshot settings), else Invalid."""
    from PIL import Image, UnidentifiedImageError

    size = getattr(upload, "size", None) or 0
    if size <= 0:
        raise Invalid({field: ["An image file is required."]})
    if size > community.mugshot_max_bytes:
        raise Invalid({field: [f"At most {community.mugshot_max_bytes} bytes."]})
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image.verify()
            fmt = image.format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise Invalid({field: ["Not a valid image."]}) from None
    finally:
        upload.seek(0)
    content_type = IMAGE_TYPES.get(fmt or "")
    allowed = community.mugshot_types or []
    if content_type is None or content_type not in allowed:
        raise Invalid({field: [f"Allowed image types: {', '.join(allowed)}."]})
    return content_type


MAX_ARREST_PHOTOS = 10


@transaction.atomic
def arrest_photo_add(*, arrest: Arrest, upload: UploadedFile, by=None) -> ArrestPhoto:
    community = Community.objects.get(pk=arrest.community_id)
    content_type = validate_image(upload, community=community)
    Arrest.objects.select_for_update().filter(community_id=arrest.community_id, pk=arrest.pk).first()
    if arrest.photos.count() >= MAX_ARREST_PHOTOS:
        raise Invalid({"photo": [f"At most {MAX_ARREST_PHOTOS} photos per arrest."]})
    photo = ArrestPhoto(community_id=arrest.community_id, arrest=arrest, content_type=content_type,
                        size=upload.size or 0, uploaded_by=access.person(by))
    photo.image.save("photo", upload, save=False)
    photo.save()
    return photo


# --- citations --------------------------------------------------------------------------------------

def citation_payload(citation: Citation) -> dict:
    return {
        "_id": str(citation.pk), "id": str(citation.pk), "communityId": str(citation.community_id),
        "characterId": str(citation.character_id), "characterName": citation.character.full_name,
        "issuedBy": str(citation.issued_by_id) if citation.issued_by_id else None,
        "officerName": _officer_name(citation.issued_by), "violation": citation.violation,
        "fineAmount": str(citation.fine_amount), "paid": citation.paid, "points": citation.points,
        "createdAt": iso(citation.created_at),
    }


def clamp_points(points: Any) -> int:
    if isinstance(points, bool):
        raise Invalid({"points": ["A whole number."]})
    try:
        value = int(points or 0)
    except (TypeError, ValueError):
        raise Invalid({"points": ["A whole number."]}) from None
    if isinstance(points, float) and points != value:
        raise Invalid({"points": ["A whole number."]})
    return max(0, min(MAX_CITATION_POINTS, value))


@transaction.atomic
def citation_create(
    *, community: Community, character: Character, issued_by: Character, violation: str,
    fine_amount: Decimal | float = 0, paid: bool = False, points: int = 0, created_by=None,
) -> Citation:
    """Issue a citation; points are clamped to 0-12. With the community's DMV on and points > 0 the points
    go on the character's driving license and suspension is recalculated (004)."""
    _live_character(community, character, "character_id")
    _live_character(community, issued_by, "issued_by", responder=True)
    violation = " ".join((violation or "").split())
    if not violation or len(violation) > 200:
        raise Invalid({"violation": ["Required, at most 200 characters."]})
    if not isinstance(paid, bool):
        raise Invalid({"paid": ["true or false."]})
    points = clamp_points(points)
    citation = Citation.objects.create(
        community=community, character=character, issued_by=issued_by, violation=violation,
        fine_amount=_money(fine_amount, "fine_amount"), paid=paid, points=points, created_by=access.person(created_by),
    )
    if community.dmv_enabled and points > 0:
        from characters.services import license_points_add

        license_points_add(character=character, points=points, issued_at=citation.created_at,
                           source=f"citation:{citation.pk}")
    events.publish(community.pk, "citation-created", citation_payload(citation))
    return citation


@transaction.atomic
def citation_set_paid(*, citation: Citation, paid: bool, by=None) -> Citation:
    if not isinstance(paid, bool):
        raise Invalid({"paid": ["true or false."]})
    Citation.objects.filter(community_id=citation.community_id, pk=citation.pk).update(
        paid=paid, updated_at=timezone.now())
    citation.refresh_from_db()
    events.publish(citation.community_id, "citation-updated", citation_payload(citation))
    return citation


# --- warrants ---------------------------------------------------------------------------------------

def warrant_payload(warrant: Warrant) -> dict:
    return {
        "_id": str(warrant.pk), "id": str(warrant.pk), "communityId": str(warrant.community_id),
        "characterId": str(warrant.character_id), "characterName": warrant.character.full_name,
        "title": warrant.title, "description": warrant.description, "status": warrant.status,
        "issuedBy": str(warrant.issued_by_id) if warrant.issued_by_id else None,
        "officerName": _officer_name(warrant.issued_by),
        "createdAt": iso(warrant.created_at),
        "updatedAt": iso(warrant.updated_at),
    }


@transaction.atomic
def warrant_create(
    *, community: Community, character: Character, title: str, description: str = "",
    issued_by: Character | None = None, created_by=None,
) -> Warrant:
    _live_character(community, character, "character_id")
    if issued_by is not None:
        _live_character(community, issued_by, "issued_by", responder=True)
    title = " ".join((title or "").split())
    if not title or len(title) > 200:
        raise Invalid({"title": ["Required, at most 200 characters."]})
    warrant = Warrant.objects.create(community=community, character=character, title=title,
                                     description=description or "", issued_by=issued_by,
                                     created_by=access.person(created_by))
    events.publish(community.pk, "warrant-created", warrant_payload(warrant))
    return warrant


@transaction.atomic
def warrant_set_status(*, warrant: Warrant, status: str, by=None) -> Warrant:
    """active → served | recalled; recalled → active (reissued). Served is final."""
    if status not in WarrantStatus.values:
        raise Invalid({"status": [f'"{status}" is not allowed; use one of: '
                                          f'{", ".join(WarrantStatus.values)}.']})
    locked = Warrant.objects.select_for_update().filter(community_id=warrant.community_id, pk=warrant.pk).first()
    if locked is None:
        raise Invalid({"warrant": ["Does not exist."]})
    if locked.status == status:
        return locked
    if status not in WARRANT_TRANSITIONS[WarrantStatus(locked.status)]:
        raise Conflict(f"A {locked.status} warrant cannot become {status}.", status=locked.status)
    locked.status = status
    locked.save(update_fields=["status", "updated_at"])
    events.publish(locked.community_id, "warrant-updated", warrant_payload(locked))
    return locked


@transaction.atomic
def warrant_update(*, warrant: Warrant, by=None, **fields) -> Warrant:
    """Edit title / description (and status through `warrant_set_status`)."""
    status = fields.pop("status", None)
    unknown = set(fields) - {"title", "description"}
    if unknown:
        raise Invalid({sorted(unknown)[0]: ["Cannot be changed."]})
    if "title" in fields:
        title = " ".join((fields["title"] or "").split())
        if not title or len(title) > 200:
            raise Invalid({"title": ["Required, at most 200 characters."]})
        fields["title"] = title
    if fields:
        for name, value in fields.items():
            setattr(warrant, name, value or "")
        warrant.save(update_fields=[*fields, "updated_at"])
    if status is not None and status != warrant.status:
        return warrant_set_status(warrant=warrant, status=status, by=by)
    if fields:
        events.publish(warrant.community_id, "warrant-updated", warrant_payload(warrant))
    return warrant


# --- suspects (000 §5) -------------------------------------------------------------------------------

SUSPECT_FIELDS = {"first_name", "last_name", "description", "status", "call", "character", "reports"}


def suspect_payload(suspect: Suspect) -> dict:
    return {
        "_id": str(suspect.pk), "id": str(suspect.pk), "communityId": str(suspect.community_id),
        "firstName": suspect.first_name, "lastName": suspect.last_name, "description": suspect.description,
        "status": suspect.status, "callId": str(suspect.call_id) if suspect.call_id else None,
        "characterId": str(suspect.character_id) if suspect.character_id else None,
        "createdAt": iso(suspect.created_at),
        "updatedAt": iso(suspect.updated_at),
    }


def _check_suspect_fields(community: Community, fields: dict) -> None:
    for name in ("first_name", "last_name"):
        if name in fields:
            fields[name] = " ".join((fields[name] or "").split())
            if len(fields[name]) > 60:
                raise Invalid({name: ["At most 60 characters."]})
    if "description" in fields:
        fields["description"] = fields["description"] or ""
        if len(fields["description"]) > 5000:
            raise Invalid({"description": ["At most 5000 characters."]})
    if "status" in fields and fields["status"] not in SuspectStatus.values:
        raise Invalid({"status": [f'"{fields["status"]}" is not allowed; use one of: '
                                          f'{", ".join(SuspectStatus.values)}.']})
    _same_community(community, fields.get("call"), "call_id")
    _same_community(community, fields.get("character"), "character_id")
    for report in fields.get("reports") or ():
        _same_community(community, report, "report_ids")


@transaction.atomic
def suspect_create(
    *, community: Community, first_name: str = "", last_name: str = "", description: str = "",
    status: str = SuspectStatus.AT_LARGE, call=None, character: Character | None = None,
    reports: Sequence[Report] = (), created_by=None,
) -> Suspect:
    fields = {"first_name": first_name, "last_name": last_name, "description": description, "status": status,
              "call": call, "character": character, "reports": list(reports)}
    _check_suspect_fields(community, fields)
    if character is not None and not (fields["first_name"] or fields["last_name"]):
        fields["first_name"], fields["last_name"] = character.first_name, character.last_name
    if not (fields["first_name"] or fields["last_name"] or fields["description"]):
        raise Invalid({"first_name": ["A name or a description is required."]})
    reports = fields.pop("reports")
    suspect = Suspect.objects.create(community=community, created_by=access.person(created_by), **fields)
    if reports:
        suspect.reports.set(reports)
    events.publish(community.pk, "suspect-created", suspect_payload(suspect))
    return suspect


@transaction.atomic
def suspect_update(*, suspect: Suspect, by=None, **fields) -> Suspect:
    """000 §5 PUT: only the given fields change."""
    unknown = set(fields) - SUSPECT_FIELDS
    if unknown:
        raise Invalid({sorted(unknown)[0]: ["Cannot be changed."]})
    community = Community.objects.get(pk=suspect.community_id)
    _check_suspect_fields(community, fields)
    reports = fields.pop("reports", None)
    after = {"first_name": suspect.first_name, "last_name": suspect.last_name,
             "description": suspect.description, **fields}
    if not (after["first_name"] or after["last_name"] or after["description"]):
        raise Invalid({"first_name": ["A name or a description is required."]})
    for name, value in fields.items():
        setattr(suspect, name, value)
    suspect.save(update_fields=[*fields, "updated_at"] if fields else ["updated_at"])
    if reports is not None:
        suspect.reports.set(reports)
    events.publish(suspect.community_id, "suspect-updated", suspect_payload(suspect))
    return suspect
