from __future__ import annotations

from django.conf import settings
from django.db import models

from cad.core.tenancy import CommunityOwned, Timestamped

from .choices import BoloPriority, BoloType


class Bolo(CommunityOwned, Timestamped):
    """One BOLO row for every dialect: 000's subject/vehicle fields, 001's typed shape
    (`name`, `model`, `color`, `plate` live in the subject/vehicle columns) and 004's in-game `/bolo`."""

    type = models.CharField(max_length=16, choices=BoloType.choices, default=BoloType.OTHER)
    reason = models.CharField(max_length=200, blank=True, default="")
    description = models.TextField()
    priority = models.CharField(max_length=16, choices=BoloPriority.choices, default=BoloPriority.MEDIUM)

    subject_first_name = models.CharField(max_length=60, blank=True, default="")
    subject_last_name = models.CharField(max_length=60, blank=True, default="")
    subject_dob = models.CharField(max_length=32, blank=True, default="")
    subject_license = models.CharField(max_length=32, blank=True, default="")
    subject_description = models.TextField(blank=True, default="")

    vehicle_plate = models.CharField(max_length=16, blank=True, default="", help_text="Stored upper-case.")
    vehicle_make = models.CharField(max_length=60, blank=True, default="")
    vehicle_model = models.CharField(max_length=60, blank=True, default="")
    vehicle_year = models.CharField(max_length=8, blank=True, default="")
    vehicle_color = models.CharField(max_length=40, blank=True, default="")
    vehicle_description = models.TextField(blank=True, default="")

    expires_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(
        null=True, blank=True, help_text="When the expiry sweep published `bolo-removed` (claimed once).")
    is_active = models.BooleanField(default=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    deactivated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+")
    viewed_by = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="viewed_bolos")

    created_by_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")
    created_by_character = models.ForeignKey("characters.Character", null=True, blank=True,
                                             on_delete=models.SET_NULL, related_name="+")
    created_by_name = models.CharField(max_length=120, blank=True, default="")
    suspect = models.ForeignKey("records.Suspect", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="bolos")
    stolen_vehicle = models.ForeignKey("characters.Vehicle", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="bolos")


    class Meta(CommunityOwned.Meta):
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["community", "is_active", "-created_at"]),
            models.Index(fields=["community", "vehicle_plate"]),
            models.Index(fields=["community", "stolen_vehicle", "is_active"]),
            models.Index(fields=["expires_at"], name="bolo_expiry_due",
                         condition=models.Q(is_active=True, expired_at__isnull=True, expires_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.reason or self.description[:60]

    @property
    def subject_name(self) -> str:
        """001's `name`."""
        return f"{self.subject_first_name} {self.subject_last_name}".strip()
