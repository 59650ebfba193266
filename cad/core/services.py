"""State changes of the platform: communities, memberships, profiles and API tokens."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone

from cad.core import parts
from cad.core.isotime import now_iso
from cad.core.payloads import department_payload
from cad.events import publish

from .access import handle, person
from .choices import DepartmentType, Role, StatusCodeMeaning
from .errors import Conflict, Invalid
from .models import (
    ApiToken,
    AuditEntry,
    CallType,
    Community,
    Department,
    Disposition,
    Division,
    LicenseClass,
    Membership,
    PenalCode,
    Profile,
    ReportType,
    SoundFile,
    StatusCode,
    hash_token,
)

User = get_user_model()

DEFAULT_STATUS_CODES = [
    ("10-8", "Available", StatusCodeMeaning.AVAILABLE, "#22c55e"),
    ("10-6", "Busy", StatusCodeMeaning.BUSY, "#f59e0b"),
    ("10-7", "Out of Service", StatusCodeMeaning.OUT_OF_SERVICE, "#6b7280"),
    ("10-15", "Transporting Prisoner", StatusCodeMeaning.BUSY, "#a855f7"),
    ("10-97", "On Scene", StatusCodeMeaning.ON_SCENE, "#ef4444"),
    ("10-98", "Call Complete", StatusCodeMeaning.AVAILABLE, "#3b82f6"),
]
DEFAULT_CALL_TYPES = [
    ("Traffic Stop", "10-38", 3), ("Suspicious Activity", "10-37", 2), ("Robbery", "10-31", 1),
    ("Shots Fired", "10-71", 1), ("Vehicle Collision", "10-50", 2), ("Medical Emergency", "10-52", 1),
    ("Structure Fire", "10-70", 1), ("Disturbance", "10-10", 2), ("Welfare Check", "10-40", 3),
    ("Tow Request", "10-51", 3),
]
DEFAULT_DISPOSITIONS = ["Arrest Made", "Citation Issued", "Report Taken", "Warning Issued", "Unfounded",
                        "Gone on Arrival", "Cleared", "Transported"]
DEFAULT_LICENSE_CLASSES = [("E", "Standard"), ("A", "Commercial Semi"), ("B", "Commercial Large Truck/Bus"),
                           ("C", "Commercial Small Truck"), ("D", "Chauffeur/For-Hire"), ("M", "Motorcycle")]
DEFAULT_REPORT_TYPES = [
    ("incident", "Incident", []), ("use_of_force", "Use of Force", ["police", "sheriff", "state"]),
    ("crash_report", "Crash Report", ["police", "sheriff", "state"]), ("fire_report", "Fire Report", ["fire"]),
    ("medical_report", "Medical Report", ["ems", "fire"]), ("tow_report", "Tow Report", ["tow"]),
    ("other", "Other", []),
]
DEFAULT_PENAL_CODES = [
    ("Speeding", "VC 22350", 150, 0, 2), ("Reckless Driving", "VC 23103", 500, 0, 4),
    ("Driving Under the Influence", "VC 23152", 1000, 30, 6), ("Running a Red Light", "VC 21453", 200, 0, 2),
    ("Evading a Peace Officer", "VC 2800.1", 1500, 20, 6), ("Petty Theft", "PC 484", 500, 10, 0),
    ("Grand Theft Auto", "PC 487", 2500, 40, 0), ("Assault", "PC 240", 1000, 20, 0),
    ("Armed Robbery", "PC 211", 5000, 90, 0), ("Resisting Arrest", "PC 148", 750, 15, 0),
]
DEFAULT_DEPARTMENTS = [
    ("Los Santos Police Department", "LSPD", DepartmentType.POLICE),
    ("Blaine County Sheriff's Office", "BCSO", DepartmentType.SHERIFF),
    ("San Andreas Highway Patrol", "SAHP", DepartmentType.STATE),
    ("San Andreas Fire Rescue", "SAFR", DepartmentType.FIRE),
    ("Emergency Medical Services", "EMS", DepartmentType.EMS),
    ("Communications", "COMMS", DepartmentType.DISPATCH),
    ("Tow Services", "TOW", DepartmentType.TOW),
]


def _seed_values(community: Community) -> None:
    def bulk(model, rows):
        model.objects.bulk_create([model(community=community, position=i, **row) for i, row in enumerate(rows)])

    bulk(StatusCode, [dict(code=c, name=n, meaning=m, color=col) for c, n, m, col in DEFAULT_STATUS_CODES])
    bulk(CallType, [dict(name=n, code=c, default_priority=p) for n, c, p in DEFAULT_CALL_TYPES])
    bulk(Disposition, [dict(name=n) for n in DEFAULT_DISPOSITIONS])
    bulk(LicenseClass, [dict(code=c, name=n) for c, n in DEFAULT_LICENSE_CLASSES])
    bulk(ReportType, [dict(code=c, name=n, department_types=d) for c, n, d in DEFAULT_REPORT_TYPES])
    bulk(PenalCode, [dict(name=n, code=c, fine=f, jail_minutes=j, points=p) for n, c, f, j, p in DEFAULT_PENAL_CODES])
    Department.objects.bulk_create(
        [Department(community=community, name=n, short_name=s, type=t, color=t.color) for n, s, t in DEFAULT_DEPARTMENTS]
    )


@transaction.atomic
def community_create(*, name: str, owner: AbstractUser | None = None) -> Community:
    community = Community.objects.create(name=name.strip(), owner=owner)
    _seed_values(community)
    if owner is not None:
        membership_set(community=community, user=owner, role=Role.ADMIN)
    return community


def community_update(*, community: Community, by=None, **fields) -> Community:
    """Change the community's settings: its own columns, and the settings apps keep in their own tables
    (`cad.core.parts`), in one transaction and one audit entry."""
    by_part: dict[str, dict[str, Any]] = {}
    for name in list(fields):
        part = parts.owner_of(name)
        if part is not None:
            by_part.setdefault(part.app, {})[name] = fields.pop(name)
    changes = {name: [_jsonable(getattr(community, name)), _jsonable(value)]
               for name, value in fields.items() if getattr(community, name) != value}
    for name, value in fields.items():
        setattr(community, name, value)
    with transaction.atomic():
        community.save(update_fields=[*fields, "updated_at"])
        for part in parts.registered():
            if part.app in by_part:
                changes.update(part.write(community=community, by=by, **by_part[part.app]))
        if changes:
            audit_record(community=community, by=by, action="settings.updated", target=community, changes=changes)
    return community


def membership_set(*, community: Community, user: AbstractUser, role: Role | str) -> Membership:
    membership, _ = Membership.objects.update_or_create(user=user, community=community, defaults={"role": Role(role)})
    return membership


def profile_for(user: AbstractUser) -> Profile:
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


def user_ensure(
    *, username: str, password: str | None = None, discord_id: str | None = None, steam_hex: str | None = None,
    email: str = "",
) -> AbstractUser:
    user, created = User.objects.get_or_create(username=username, defaults={"email": email})
    if password:
        user.set_password(password)
        user.save(update_fields=["password"])
    elif created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    profile = profile_for(user)
    changed = []
    if discord_id is not None:
        profile.discord_id = discord_id or None
        changed.append("discord_id")
    if steam_hex is not None:
        profile.steam_hex = (steam_hex.lower().removeprefix("steam:") or None) if steam_hex else None
        changed.append("steam_hex")
    if changed:
        profile.save(update_fields=changed)
    return user


@transaction.atomic
def token_create(*, community: Community, name: str = "FiveM server", created_by=None) -> tuple[ApiToken, str]:
    """Returns the token row and its raw value, which is never stored and cannot be shown again."""
    raw = ApiToken.PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        community=community, name=name, token_hash=hash_token(raw), hint=raw[:10], created_by=person(created_by)
    )
    audit_record(community=community, by=created_by, action="token.created", target=token)
    return token, raw


def token_revoke(*, token: ApiToken, by=None) -> None:
    with transaction.atomic():
        revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        if revoked:
            audit_record(community=token.community, by=by, action="token.revoked", target=token)
    cache.delete(_token_cache_key(token.token_hash))
    from cad.events import publish_revalidate

    publish_revalidate(token.community_id)  # sockets of this token close now, not at the next periodic check


def _token_cache_key(token_hash: str) -> str:
    return f"apitoken:{token_hash}"


TOKEN_CACHE_SECONDS = 30
LAST_USED_RESOLUTION_SECONDS = 60


def token_authenticate(raw: str) -> ApiToken | None:
    """Resolve a raw token; cached briefly so the position-ingest hot path costs no query."""
    if not raw:
        return None
    digest = hash_token(raw)
    key = _token_cache_key(digest)
    cached = cache.get(key)
    if cached == "-":
        return None
    if cached is None:
        token = ApiToken.objects.select_related("community").filter(token_hash=digest, revoked_at__isnull=True).first()
        if token is not None:
            _touch(token)  # before caching, so the cached copy has the `last_used_at` just written
        cache.set(key, token or "-", TOKEN_CACHE_SECONDS)
    else:
        token = cached
        if _touch(token):
            # The cached copy still holds the old `last_used_at`: without this every request until it
            # expires would write the row again. The next request reloads it.
            cache.delete(key)
    return token


def _touch(token: ApiToken) -> bool:
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > LAST_USED_RESOLUTION_SECONDS:
        token.last_used_at = now
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return True
    return False


async def atoken_authenticate(raw: str) -> ApiToken | None:
    from asgiref.sync import sync_to_async

    if not raw:
        return None
    cached = await cache.aget(_token_cache_key(hash_token(raw)))
    if cached == "-":
        return None
    if isinstance(cached, ApiToken):
        return cached
    return await sync_to_async(_token_authenticate_outside_request)(raw)


def _token_authenticate_outside_request(raw: str) -> ApiToken | None:
    """For callers outside Django's request cycle (the ingest ASGI app): nothing there closes or
    health-checks the thread's connection, so a connection the server dropped would fail every
    lookup. Treat each lookup as a request of its own, and retry once on a dead connection."""
    from django.db import InterfaceError, OperationalError, close_old_connections, connection

    close_old_connections()
    try:
        return token_authenticate(raw)
    except (OperationalError, InterfaceError):
        connection.close()
        return token_authenticate(raw)
    finally:
        close_old_connections()


def value_archive(*, entry, by=None) -> None:
    with transaction.atomic():
        now = timezone.now()
        archived = (type(entry).objects.filter(pk=entry.pk, community_id=entry.community_id).live()
                    .update(archived_at=now))
        if archived:
            entry.archived_at = now
            audit_record(community=entry.community, by=by, action="value.archived", target=entry,
                         changes={"list": _value_kind_of(entry)})
            _value_changed(entry)


# --- Administration: the audit log, members, value lists ------------------------------------------

def _jsonable(value):
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    return str(value)


def audit_record(*, community: Community, by, action: str, target=None, changes: dict | None = None) -> AuditEntry:
    """One line of the community's audit log; called inside the admin service's transaction, so the
    line exists exactly when the change does."""
    return AuditEntry.objects.create(
        community=community, actor=person(by), actor_name=handle(by)[:150], action=action,
        target_type=target._meta.model_name if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:200] if target is not None else "",
        changes=changes or {},
    )


LAST_ADMIN_MESSAGE = "A community keeps at least one admin: make another member an admin first."


def _keep_an_admin(membership: Membership) -> None:
    """Refuse to take away the community's last admin. The admin rows are locked, so two admins
    demoting each other at once cannot both succeed."""
    admins = set(Membership.objects.select_for_update().filter(
        community_id=membership.community_id, role=Role.ADMIN).values_list("pk", flat=True))
    if membership.pk in admins and not admins - {membership.pk}:
        raise Conflict(LAST_ADMIN_MESSAGE)


def _revalidate_sockets(community_id) -> None:
    from cad.events import publish_revalidate

    transaction.on_commit(lambda: publish_revalidate(community_id))


@transaction.atomic
def member_set_role(*, membership: Membership, role: Role | str, by=None) -> Membership:
    role = Role(role)
    membership = Membership.objects.select_for_update().select_related("community", "user").get(pk=membership.pk)
    old = membership.role
    if old == role:
        return membership
    if old == Role.ADMIN:
        _keep_an_admin(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(community=membership.community, by=by, action="member.role_changed", target=membership.user,
                 changes={"role": [old, role.value]})
    _revalidate_sockets(membership.community_id)  # open sockets take the new role now
    return membership


@transaction.atomic
def member_remove(*, membership: Membership, by=None) -> None:
    membership = Membership.objects.select_for_update().select_related("community", "user").get(pk=membership.pk)
    if membership.role == Role.ADMIN:
        _keep_an_admin(membership)
    Profile.objects.filter(user_id=membership.user_id, active_community_id=membership.community_id).update(
        active_community=None)
    membership.delete()
    audit_record(community=membership.community, by=by, action="member.removed", target=membership.user,
                 changes={"role": [membership.role, None]})
    _revalidate_sockets(membership.community_id)  # their sockets leave the community's rooms now


@transaction.atomic
def member_join(*, community: Community, user: AbstractUser, role: Role | str, by=None, how: str) -> Membership:
    """A person joins (an invite, a Discord role mapping) or an existing member is raised to `role`;
    never lowers a role, so an invite or a mapping cannot demote anyone."""
    role = Role(role)
    membership = Membership.objects.select_for_update().filter(community=community, user=user).first()
    if membership is None:
        membership = Membership.objects.create(community=community, user=user, role=role)
        audit_record(community=community, by=by, action="member.joined", target=user,
                     changes={"role": [None, role.value], "via": how})
    elif not Role(membership.role).at_least(role):
        old = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        audit_record(community=community, by=by, action="member.role_changed", target=user,
                     changes={"role": [old, role.value], "via": how})
        _revalidate_sockets(community.pk)
    return membership


# The value lists an admin edits, by their API name (/api/values/<kind>), with the fields an export
# carries and the field that identifies an entry when a file is imported again.
VALUE_LISTS: dict[str, tuple[type, tuple[str, ...], str]] = {
    "departments": (Department, ("name", "short_name", "type", "color"), "name"),
    "divisions": (Division, ("name", "department"), "name"),
    "call-types": (CallType, ("name", "code", "default_priority", "position"), "name"),
    "status-codes": (StatusCode, ("code", "name", "meaning", "color", "position"), "code"),
    "dispositions": (Disposition, ("name", "position"), "name"),
    "license-classes": (LicenseClass, ("code", "name", "position"), "code"),
    "report-types": (ReportType, ("code", "name", "department_types", "position"), "code"),
    "penal-codes": (PenalCode, ("name", "code", "description", "fine", "jail_minutes", "points", "position"), "name"),
}
EXPORT_FORMAT = "cad-value-lists"


def _value_kind_of(entry) -> str:
    return next((kind for kind, (model, _, _) in VALUE_LISTS.items() if isinstance(entry, model)), "")


def _check_value_entry(entry) -> None:
    """Model validation plus the ranges the API enforces, so a form and an import refuse what it does."""
    errors: dict[str, list[str]] = {}
    if isinstance(entry, Department) and not entry.color and entry.type in DepartmentType.values:
        entry.color = DepartmentType(entry.type).color  # blank: the type's colour
    try:
        # Unique checks would query through the scoped manager unscoped; these lists have no unique fields.
        entry.full_clean(exclude=["community", "department"] if isinstance(entry, Division) else ["community"],
                         validate_unique=False, validate_constraints=False)
    except DjangoValidationError as exc:
        errors.update(exc.message_dict)
    if isinstance(entry, CallType) and not 1 <= entry.default_priority <= 3:
        errors["default_priority"] = ["1 (high), 2 (medium) or 3 (low)."]
    if isinstance(entry, PenalCode) and entry.points > 12:
        errors["points"] = ["At most 12."]
    if isinstance(entry, StatusCode | Department) and not _is_colour(entry.color) and "color" not in errors:
        errors["color"] = ["A colour like #22c55e."]
    if isinstance(entry, ReportType) and not (
            isinstance(entry.department_types, list)
            and set(entry.department_types) <= set(DepartmentType.values)):
        errors["department_types"] = [f"A list drawn from: {', '.join(DepartmentType.values)}."]
    if errors:
        raise Invalid(errors)


def _value_changed(entry) -> None:
    """Tell open pages about a value-list change they draw live (inside the change's transaction: it
    leaves on commit). Only departments so far: the live map draws units in their department's colour."""
    if isinstance(entry, Department):
        publish(entry.community_id, "department-updated", department_payload(entry))


def _is_colour(value: str) -> bool:
    import re

    return bool(re.fullmatch(r"#[0-9a-fA-F]{6}", value or ""))


@transaction.atomic
def value_create(*, community: Community, kind: str, fields: dict, by=None):
    model = VALUE_LISTS[kind][0]
    entry = model(community=community, **fields)
    _check_value_entry(entry)
    entry.save()
    audit_record(community=community, by=by, action="value.created", target=entry,
                 changes={"list": kind, **{k: [None, _jsonable(v)] for k, v in fields.items()}})
    _value_changed(entry)
    return entry


@transaction.atomic
def value_update(*, entry, fields: dict, by=None):
    changes = {k: [_jsonable(getattr(entry, k)), _jsonable(v)] for k, v in fields.items() if getattr(entry, k) != v}
    for name, value in fields.items():
        setattr(entry, name, value)
    _check_value_entry(entry)
    entry.save()
    if changes:
        audit_record(community=entry.community, by=by, action="value.updated", target=entry,
                     changes={"list": _value_kind_of(entry), **changes})
        _value_changed(entry)
    return entry


def values_export(*, community: Community) -> dict:
    """Every value list of a community as plain JSON (the format `values_import` reads)."""
    lists: dict[str, list[dict]] = {}
    for kind, (model, fields, _key) in VALUE_LISTS.items():
        rows = model.objects.for_community(community).live()
        if model is Division:
            rows = rows.select_related("department")
        lists[kind] = [
            {name: (row.department.name if name == "department" else _jsonable(getattr(row, name)))
             for name in fields}
            for row in rows
        ]
    return {"format": EXPORT_FORMAT, "version": 1, "community": community.name,
            "exported_at": now_iso(), "lists": lists}


@transaction.atomic
def values_import(*, community: Community, data, by=None) -> dict[str, dict[str, int]]:
    """Merge an export into the community: an entry whose key (name, or code for status codes,
    licence classes and report types) matches an active one updates it, any other is added; entries
    the file does not mention stay. All or nothing: one bad entry raises Invalid naming it."""
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT or not isinstance(data.get("lists"), dict):
        raise Invalid(f"Not a value-list export (expected a JSON object with \"format\": \"{EXPORT_FORMAT}\").")
    unknown = set(data["lists"]) - set(VALUE_LISTS)
    if unknown:
        raise Invalid(f"Unknown list(s): {', '.join(sorted(unknown))}.")
    counts: dict[str, dict[str, int]] = {}
    errors: list[str] = []
    # Departments first: divisions name theirs.
    for kind in VALUE_LISTS:
        entries = data["lists"].get(kind)
        if entries is None:
            continue
        if not isinstance(entries, list):
            errors.append(f"{kind}: a list of objects.")
            continue
        counts[kind] = _import_list(community, kind, entries, errors)
    if errors:
        raise Invalid(errors[:20])
    if counts:
        audit_record(community=community, by=by, action="values.imported", target=None,
                     changes={kind: c for kind, c in counts.items()})
    return counts


def _import_list(community: Community, kind: str, entries: list, errors: list[str]) -> dict[str, int]:
    model, fields, key = VALUE_LISTS[kind]
    existing = {str(getattr(row, key)).strip().lower(): row
                for row in model.objects.for_community(community).live()}
    departments = {d.name.strip().lower(): d for d in
                   Department.objects.for_community(community).live()}
    created = updated = 0
    for i, item in enumerate(entries):
        where = f"{kind}[{i}]"
        if not isinstance(item, dict):
            errors.append(f"{where}: an object.")
            continue
        values = {name: item[name] for name in fields if name in item}
        if not str(values.get(key) or "").strip():
            errors.append(f"{where}: {key} is required.")
            continue
        if model is Division:
            department = departments.get(str(values.get("department") or "").strip().lower())
            if department is None:
                errors.append(f"{where}: department {values.get('department')!r} does not exist.")
                continue
            values["department"] = department
            row = model.objects.for_community(community).live().filter(
                department=department, name__iexact=str(values["name"]).strip()).first()
        else:
            row = existing.get(str(values[key]).strip().lower())
        try:
            if row is None:
                row = model(community=community, **values)
                _check_value_entry(row)
                row.save()
                created += 1
            else:
                for name, value in values.items():
                    setattr(row, name, value)
                _check_value_entry(row)
                row.save()
                updated += 1
        except Invalid as exc:
            errors.append(f"{where}: " + "; ".join(
                f"{k}: {' '.join(v)}" if k != "non_field_errors" else " ".join(v) for k, v in exc.fields.items()))
            continue
        except (TypeError, ValueError) as exc:
            errors.append(f"{where}: {exc}")
            continue
        _value_changed(row)
        if model is Department:
            departments[row.name.strip().lower()] = row
        existing[str(getattr(row, key)).strip().lower()] = row
    return {"created": created, "updated": updated}


# --- Sounds and the duty webhook -------------------------------------------------------------------
SOUND_EVENTS = ("new_call", "panic", "bolo", "announcement")
MAX_SOUND_BYTES = 2 * 1024 * 1024
# What a browser and FiveM's NUI both play; the type is read from the file's first bytes, never its name.
_SOUND_MAGIC = (("audio/mpeg", "mp3"), ("audio/ogg", "ogg"), ("audio/wav", "wav"))


def _sniff_sound(head: bytes) -> tuple[str, str] | None:
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return _SOUND_MAGIC[0]
    if head.startswith(b"OggS"):
        return _SOUND_MAGIC[1]
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return _SOUND_MAGIC[2]
    return None


def _sounds_with(community: Community, event: str, **changes) -> list[dict]:
    sounds = [dict(s) for s in (community.sounds or []) if isinstance(s, dict)]
    for entry in sounds:
        if entry.get("event") == event:
            entry.update(changes)
            return sounds
    return [*sounds, {"event": event, "enabled": True, "volume": 1.0, "custom_url": None, **changes}]


@transaction.atomic
def sound_upload(*, community: Community, event: str, upload, by=None) -> SoundFile:
    """A custom alert sound (MP3, Ogg or WAV up to 2 MB) for one of 004's sound events."""
    from django.core.files.base import ContentFile

    if event not in SOUND_EVENTS:
        raise Invalid({"event": [f"One of: {', '.join(SOUND_EVENTS)}."]})
    size = getattr(upload, "size", None) or 0
    if not size:
        raise Invalid({"file": ["The file is empty."]})
    if size > MAX_SOUND_BYTES:
        raise Invalid({"file": [f"At most {MAX_SOUND_BYTES // (1024 * 1024)} MB."]})
    upload.seek(0)
    data = upload.read(MAX_SOUND_BYTES + 1)
    kind = _sniff_sound(data[:16])
    if kind is None:
        raise Invalid({"file": ["An MP3, Ogg or WAV audio file."]})
    content_type, ext = kind
    row = SoundFile(community=community, event=event, content_type=content_type, size=len(data),
                    uploaded_by=person(by))
    row.file.save(f"{event}-{secrets.token_hex(6)}.{ext}", ContentFile(data), save=False)
    row.save()
    community_update(community=community, by=by,
                     sounds=_sounds_with(community, event, custom_url=f"{row.file.url}"))
    return row


def sound_reset(*, community: Community, event: str, by=None) -> Community:
    """Back to the bundled sound for `event` (the uploaded file stays on record)."""
    if event not in SOUND_EVENTS:
        raise Invalid({"event": [f"One of: {', '.join(SOUND_EVENTS)}."]})
    return community_update(community=community, by=by, sounds=_sounds_with(community, event, custom_url=None))


def duty_webhook_test(*, community: Community, by=None) -> int:
    """Send a test message to the Duty Change Webhook; returns the HTTP status it answered.
    Raises Invalid when there is no webhook or its address is refused, Conflict when it cannot be reached."""
    from .webhooks import WebhookError, WebhookRefused, post_json

    url = community.duty_webhook_url
    if not url:
        raise Invalid({"duty_webhook_url": ["Set the Duty Change Webhook first."]})
    body = {"content": f"Test from the CAD of **{community.name}**: duty changes will be posted here.",
            "event": "test", "community_id": str(community.pk), "timestamp": now_iso(),
            "sent_by": handle(by)}
    try:
        status = post_json(url, body, user_agent="cad-duty-webhook")
    except WebhookRefused as exc:
        raise Invalid({"duty_webhook_url": [str(exc)]}) from None
    except WebhookError as exc:
        raise Conflict(f"The webhook could not be reached ({exc}).") from None
    audit_record(community=community, by=by, action="webhook.tested", target=community, changes={"status": status})
    return status


def active_community_set(*, user: AbstractUser, community: Community) -> Profile:
    """The community the user's pages and unscoped API requests act in (the caller checked membership)."""
    profile = profile_for(user)
    profile.active_community = community
    profile.save(update_fields=["active_community"])
    return profile
