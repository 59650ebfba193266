from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models

from .choices import BoloPermission, DepartmentType, Role, StatusCodeMeaning
from .jsonstore import FloatKeepingEncoder
from .tenancy import Archivable, CommunityOwned, Timestamped


class User(AbstractUser):
    """A person. UUID primary key, like every other ID the APIs hand out."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)


# The call statuses the board can flag as overdue, by their stored names. The kernel knows no calls app:
# `calls.tests` checks these are exactly its open statuses.
OVERDUE_STATUSES = ("pending", "assigned", "enroute", "on-scene")
OVERDUE_MAX_MINUTES = 24 * 60


def default_overdue_minutes() -> dict[str, int]:
    """Minutes a call may stay in one status before the board flags it overdue (a status left out, or
    null, is never flagged)."""
    return {"pending": 2, "assigned": 5, "enroute": 10, "on-scene": 30}


def overdue_minutes_errors(value) -> list[str]:
    """What is wrong with an `overdue_minutes` value (the API and the settings page say the same)."""
    if not isinstance(value, dict):
        return [f"An object of minutes by call status ({', '.join(OVERDUE_STATUSES)})."]
    errors = [f'"{key}" is not a call status that can be overdue; use: {", ".join(OVERDUE_STATUSES)}.'
              for key in value if key not in OVERDUE_STATUSES]
    for key, minutes in value.items():
        if minutes is not None and (isinstance(minutes, bool) or not isinstance(minutes, int)
                                    or not 1 <= minutes <= OVERDUE_MAX_MINUTES):
            errors.append(f"{key}: a whole number of minutes from 1 to {OVERDUE_MAX_MINUTES}, or null for never.")
    return errors


def default_sounds() -> list[dict]:
    # 004's GET /fivem/sounds: every alert sound on, bundled audio (no custom file).
    return [
        {"event": "new_call", "enabled": True, "volume": 0.7, "custom_url": None},
        {"event": "panic", "enabled": True, "volume": 1.0, "custom_url": None},
        {"event": "bolo", "enabled": True, "volume": 0.6, "custom_url": None},
        {"event": "announcement", "enabled": True, "volume": 0.5, "custom_url": None},
    ]


def default_mugshot_types() -> list[str]:
    return ["image/jpeg", "image/png", "image/webp"]


class Community(Timestamped):
    """A roleplay community: the unit of tenancy. Its settings are the columns below."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=120)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_communities"
    )
    bolo_permission = models.CharField(max_length=16, choices=BoloPermission.choices, default=BoloPermission.ALL)
    dmv_enabled = models.BooleanField(default=False)
    dmv_points_enabled = models.BooleanField(default=False)
    dmv_self_register = models.BooleanField(default=True)
    dmv_point_threshold = models.PositiveIntegerField(default=12)
    dmv_point_expiry_days = models.PositiveIntegerField(default=365)
    dmv_suspension_days = models.PositiveIntegerField(default=30)
    weapons_enabled = models.BooleanField(default=False)
    call_expiry_minutes = models.PositiveIntegerField(default=25)
    overdue_minutes = models.JSONField(
        default=default_overdue_minutes, blank=True,
        help_text="Minutes a call may stay in a status before the board flags it overdue, by status.")
    call911_approval = models.BooleanField(
        default=False, help_text="911 calls not sent by dispatch wait for a dispatcher's approval (001).")
    duty_webhook_url = models.URLField(blank=True, default="")
    sounds = models.JSONField(default=default_sounds, blank=True, encoder=FloatKeepingEncoder)
    mugshot_max_bytes = models.PositiveIntegerField(default=2 * 1024 * 1024)
    mugshot_types = models.JSONField(default=default_mugshot_types, blank=True)

    class Meta:
        verbose_name_plural = "communities"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


SOUND_VOLUME_DEFAULT = 80  # what the board played at before the volume was kept per member


class Membership(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.CIVILIAN)
    # The member's alert volume (0-100, within the community's own level): kept here, not in one
    # browser, so it follows the member to every browser they sign in from.
    sound_volume = models.PositiveSmallIntegerField(default=SOUND_VOLUME_DEFAULT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "community"], name="membership_user_community"),
                       models.CheckConstraint(condition=models.Q(sound_volume__lte=100), name="membership_sound_volume_range")]
        indexes = [models.Index(fields=["community", "role"])]

    def __str__(self) -> str:
        return f"{self.user} @ {self.community} ({self.role})"

    def has_role(self, minimum: Role | str) -> bool:
        return Role(self.role).at_least(minimum)


class Profile(models.Model):
    """The identifiers game servers know a user by, and the community they last picked."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    discord_id = models.CharField(max_length=32, null=True, blank=True, unique=True)
    steam_hex = models.CharField(max_length=40, null=True, blank=True, unique=True)
    active_community = models.ForeignKey(Community, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return f"profile of {self.user}"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A community-scoped server token. Only its SHA-256 is stored; the raw value is shown once."""

    PREFIX = "cad_"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80, default="FiveM server")
    token_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12, help_text="The first characters, to tell tokens apart.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Department(CommunityOwned, Archivable):
    name = models.CharField(max_length=120)
    short_name = models.CharField(max_length=16, blank=True, default="")
    type = models.CharField(max_length=16, choices=DepartmentType.choices, default=DepartmentType.POLICE)
    # "#rrggbb". Left blank on create it becomes the type's colour (cad.core.services checks and fills it).
    color = models.CharField(max_length=7, blank=True, default="", validators=[
        RegexValidator(r"^#[0-9a-fA-F]{6}$", "A colour like #22c55e.")])

    class Meta(CommunityOwned.Meta):
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name or self.name


class Division(CommunityOwned, Archivable):
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="divisions")
    name = models.CharField(max_length=120)

    class Meta(CommunityOwned.Meta):
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ValueEntry(CommunityOwned, Archivable):
    """Base of the configurable per-community value lists (call types, status codes, ...)."""

    name = models.CharField(max_length=120)
    position = models.PositiveIntegerField(default=0)

    class Meta(CommunityOwned.Meta):
        abstract = True
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class CallType(ValueEntry):
    code = models.CharField(max_length=32, blank=True, default="")
    default_priority = models.PositiveSmallIntegerField(default=2, help_text="1 high, 2 medium, 3 low")


class StatusCode(ValueEntry):
    code = models.CharField(max_length=16)
    meaning = models.CharField(max_length=16, choices=StatusCodeMeaning.choices, default=StatusCodeMeaning.AVAILABLE)
    color = models.CharField(max_length=16, default="#22c55e")


class Disposition(ValueEntry):
    pass


class LicenseClass(ValueEntry):
    code = models.CharField(max_length=8)


class ReportType(ValueEntry):
    code = models.SlugField(max_length=32)
    department_types = models.JSONField(default=list, blank=True, help_text="Department types that may file it; empty: all.")


class PenalCode(ValueEntry):
    code = models.CharField(max_length=32, blank=True, default="")
    description = models.TextField(blank=True, default="")
    fine = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    jail_minutes = models.PositiveIntegerField(default=0)
    points = models.PositiveSmallIntegerField(default=0)


class AuditEntry(CommunityOwned):
    """An administrative change (members, tokens, settings, value lists): who, what, when, from → to.
    Written by the admin services through `cad.core.services.audit_record`; never edited."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    # Kept beside the FK so the log still names who acted after a user is deleted, and names a token.
    actor_name = models.CharField(max_length=150, blank=True, default="")
    action = models.CharField(max_length=64)
    target_type = models.CharField(max_length=64, blank=True, default="")
    target_id = models.CharField(max_length=64, blank=True, default="")
    target_label = models.CharField(max_length=200, blank=True, default="")
    changes = models.JSONField(default=dict, blank=True, encoder=FloatKeepingEncoder)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(CommunityOwned.Meta):
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["community", "-created_at"], name="audit_community_time")]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.actor_name or 'system'}: {self.action} {self.target_label}".strip()


def _sound_path(instance, filename: str) -> str:
    return f"sounds/{instance.community_id}/{filename}"


class SoundFile(CommunityOwned):
    """A custom alert sound an admin uploaded (004's `custom_url`); served by the media view to the
    community's officers and game server. A replaced sound's file stays: nothing uploaded is lost."""

    event = models.CharField(max_length=32)
    file = models.FileField(upload_to=_sound_path, max_length=200)
    content_type = models.CharField(max_length=32)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(CommunityOwned.Meta):
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.event} sound"
