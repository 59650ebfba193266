from __future__ import annotations

from django.conf import settings
from django.db import models

from cad.core.tenancy import CommunityOwned

from .choices import CharacterType, InsuranceStatus, RegistrationStatus


class Character(CommunityOwned):
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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(null=True, blank=True)

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
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Vehicle(CommunityOwned):
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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta(CommunityOwned.Meta):
        ordering = ["plate"]
        # A deregistered (archived) vehicle frees its plate.
        constraints = [models.UniqueConstraint(fields=["community", "plate"], condition=models.Q(archived_at__isnull=True),
                                               name="vehicle_community_plate")]

    def __str__(self) -> str:
        return self.plate
