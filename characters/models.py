from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.functions import Upper

from cad.core.tenancy import Archivable, CommunityOwned, Timestamped

from .choices import (
    FIRST_RESPONDER_TYPES,
    ApplicationStatus,
    CharacterType,
    InsuranceStatus,
    LicenseStatus,
    RegistrationStatus,
)


class Character(CommunityOwned, Archivable, Timestamped):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="characters")
    type = models.CharField(max_length=16, choices=CharacterType.choices, default=CharacterType.CIVILIAN)
    first_name = models.CharField(max_length=60)
    last_name = models.CharField(max_length=60)
    date_of_birth = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=20, blank=True, default="")
    address = models.CharField(max_length=200, blank=True, default="")
    phone = models.CharField(max_length=32, blank=True, default="")
    ssn = models.CharField(max_length=11)
    license_number = models.CharField(max_length=16)
    callsign = models.CharField(max_length=32, blank=True, default="")
    department = models.ForeignKey("core.Department", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="characters")
    rank = models.CharField(max_length=60, blank=True, default="")
    flags = models.JSONField(default=list, blank=True, help_text='e.g. ["armed_and_dangerous"]')
    mugshot = models.ImageField(upload_to="mugshots/%Y/%m/", null=True, blank=True)

    class Meta(CommunityOwned.Meta):
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "ssn"], name="character_community_ssn"),
            models.UniqueConstraint(fields=["community", "license_number"], name="character_community_license"),
        ]
        indexes = [
            models.Index(fields=["community", "last_name", "first_name"]),
            models.Index(fields=["community", "phone"]),
            models.Index(fields=["community", "user"]),
            # `iexact` on PostgreSQL compares UPPER(col): exact-name lookups use this one.
            models.Index(F("community"), Upper("last_name"), Upper("first_name"), name="character_upper_name_idx"),
            models.Index(fields=["community", "first_name"], name="character_first_name_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_first_responder(self) -> bool:
        """leo, ems and fd reach dispatch, BOLOs, warrants, lookup and reports (004)."""
        return self.type in FIRST_RESPONDER_TYPES


class Vehicle(CommunityOwned, Archivable, Timestamped):
    owner = models.ForeignKey(Character, null=True, blank=True, on_delete=models.SET_NULL, related_name="vehicles")
    plate = models.CharField(max_length=8)
    make = models.CharField(max_length=60, blank=True, default="")
    model = models.CharField(max_length=60, blank=True, default="")
    color = models.CharField(max_length=40, blank=True, default="")
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    vin = models.CharField(max_length=17, blank=True, default="")
    registration_status = models.CharField(max_length=16, choices=RegistrationStatus.choices,
                                           default=RegistrationStatus.VALID)
    insurance_status = models.CharField(max_length=16, choices=InsuranceStatus.choices, default=InsuranceStatus.VALID)
    is_stolen = models.BooleanField(default=False)

    class Meta(CommunityOwned.Meta):
        ordering = ["plate"]
        # A deregistered (archived) vehicle frees its plate.
        constraints = [models.UniqueConstraint(fields=["community", "plate"], condition=models.Q(archived_at__isnull=True),
                                               name="vehicle_community_plate")]
        indexes = [
            models.Index(fields=["community", "plate"], name="vehicle_community_plate_idx"),
            models.Index(fields=["community", "owner"], name="vehicle_community_owner_idx"),
        ]

    def __str__(self) -> str:
        return self.plate


class ActiveCharacter(CommunityOwned):
    """The one character a user plays in a community right now (switched in the UI or with /cadchar)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="active_characters")
    character = models.ForeignKey(Character, on_delete=models.CASCADE, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(CommunityOwned.Meta):
        constraints = [models.UniqueConstraint(fields=["community", "user"], name="active_character_user")]

    def __str__(self) -> str:
        return f"{self.user} plays {self.character_id}"


class DrivingLicense(CommunityOwned, Archivable):
    """A character's driving license (DMV module). At most one live (unarchived) license per character.

    `points` is derived: the sum of the unexpired `LicensePointEntry` rows, written by `license_recalculate`.
    `override` marks an admin decision on status / suspended_until that recalculation leaves alone.
    """

    character = models.ForeignKey(Character, on_delete=models.CASCADE, related_name="licenses")
    license_class = models.ForeignKey("core.LicenseClass", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=LicenseStatus.choices, default=LicenseStatus.VALID)
    points = models.PositiveIntegerField(default=0)
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspended_until = models.DateTimeField(null=True, blank=True)
    # Points issued at or before this instant no longer count towards a new suspension (a served one).
    points_cleared_at = models.DateTimeField(null=True, blank=True)
    override = models.BooleanField(default=False, help_text="An admin set status/suspension; recalculation keeps it.")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(CommunityOwned.Meta):
        ordering = ["-issued_at"]
        constraints = [models.UniqueConstraint(fields=["character"], condition=models.Q(archived_at__isnull=True),
                                               name="license_one_live_per_character")]
        indexes = [models.Index(fields=["community", "status"], name="license_community_status_idx")]

    def __str__(self) -> str:
        return f"license of {self.character_id} ({self.status})"


class LicensePointEntry(CommunityOwned):
    """Points put on a license (by a citation: `source` names it, e.g. "citation:<uuid>")."""

    license = models.ForeignKey(DrivingLicense, on_delete=models.CASCADE, related_name="point_entries")
    points = models.PositiveSmallIntegerField()
    issued_at = models.DateTimeField()
    source = models.CharField(max_length=80, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(CommunityOwned.Meta):
        ordering = ["-issued_at"]
        indexes = [models.Index(fields=["license", "issued_at"], name="point_entry_license_idx")]

    def __str__(self) -> str:
        return f"{self.points} pt on {self.license_id}"


class Weapon(CommunityOwned, Archivable, Timestamped):
    """A registered firearm. The serial is unique among the community's live registrations."""

    owner = models.ForeignKey(Character, null=True, blank=True, on_delete=models.SET_NULL, related_name="weapons")
    serial_number = models.CharField(max_length=40)
    make = models.CharField(max_length=60, blank=True, default="")
    model = models.CharField(max_length=60, blank=True, default="")
    caliber = models.CharField(max_length=30, blank=True, default="")

    class Meta(CommunityOwned.Meta):
        ordering = ["serial_number"]
        constraints = [models.UniqueConstraint(fields=["community", "serial_number"],
                                               condition=models.Q(archived_at__isnull=True), name="weapon_community_serial")]
        indexes = [models.Index(fields=["community", "serial_number"], name="weapon_community_serial_idx"),
                   models.Index(fields=["community", "owner"], name="weapon_community_owner_idx")]

    def __str__(self) -> str:
        return self.serial_number


class WeaponLicenseApplication(CommunityOwned):
    """A civilian's request for a weapons license; a supervisor approves or denies it."""

    character = models.ForeignKey(Character, on_delete=models.CASCADE, related_name="weapon_license_applications")
    status = models.CharField(max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.PENDING)
    notes = models.TextField(blank=True, default="", help_text="The applicant's statement.")
    reason = models.TextField(blank=True, default="", help_text="Why it was approved or denied.")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(CommunityOwned.Meta):
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["character"], condition=models.Q(status="pending"),
                                               name="weapon_application_one_pending")]
        indexes = [models.Index(fields=["community", "status"], name="weapon_app_status_idx")]

    def __str__(self) -> str:
        return f"weapons license application of {self.character_id} ({self.status})"
