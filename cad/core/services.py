"""State changes of the platform: communities, memberships, profiles and API tokens."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from .choices import DepartmentType, Role, StatusCodeMeaning
from .models import (
    ApiToken,
    CallType,
    Community,
    Department,
    Disposition,
    LicenseClass,
    Membership,
    PenalCode,
    Profile,
    ReportType,
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
        [Department(community=community, name=n, short_name=s, type=t) for n, s, t in DEFAULT_DEPARTMENTS]
    )


@transaction.atomic
def community_create(*, name: str, owner: AbstractUser | None = None) -> Community:
    community = Community.objects.create(name=name.strip(), owner=owner)
    _seed_values(community)
    if owner is not None:
        membership_set(community=community, user=owner, role=Role.ADMIN)
    return community


def community_update(*, community: Community, **fields) -> Community:
    for name, value in fields.items():
        setattr(community, name, value)
    community.save(update_fields=[*fields, "updated_at"])
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


def token_create(*, community: Community, name: str = "FiveM server", created_by=None) -> tuple[ApiToken, str]:
    """Returns the token row and its raw value, which is never stored and cannot be shown again."""
    raw = ApiToken.PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        community=community, name=name, token_hash=hash_token(raw), hint=raw[:10], created_by=created_by
    )
    return token, raw


def token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
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


def value_archive(*, entry) -> None:
    type(entry).objects.filter(pk=entry.pk, community_id=entry.community_id).update(archived_at=timezone.now())
