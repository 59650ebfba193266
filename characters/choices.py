from django.db import models


class CharacterType(models.TextChoices):
    LEO = "leo", "Law enforcement"
    EMS = "ems", "EMS"
    FD = "fd", "Fire department"
    TOW = "tow", "Tow"
    CIVILIAN = "civilian", "Civilian"


# Character types that reach dispatch, BOLOs, warrants, lookup and reports (004).
FIRST_RESPONDER_TYPES = frozenset({CharacterType.LEO, CharacterType.EMS, CharacterType.FD})


class RegistrationStatus(models.TextChoices):
    VALID = "valid", "Valid"
    EXPIRED = "expired", "Expired"
    SUSPENDED = "suspended", "Suspended"
    UNREGISTERED = "unregistered", "Unregistered"


class InsuranceStatus(models.TextChoices):
    VALID = "valid", "Valid"
    EXPIRED = "expired", "Expired"
    NONE = "none", "None"


class LicenseStatus(models.TextChoices):
    VALID = "valid", "Valid"
    SUSPENDED = "suspended", "Suspended"
    REVOKED = "revoked", "Revoked"
    EXPIRED = "expired", "Expired"


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    DENIED = "denied", "Denied"


class WeaponsLicenseStatus(models.TextChoices):
    """What a lookup card shows (`weapons_license_status(character)`)."""

    NONE = "none", "None"
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    DENIED = "denied", "Denied"


# The character flags the UI offers; flags is a free list, these are the known ones.
KNOWN_FLAGS = ("armed_and_dangerous", "violent", "gang_member", "mental_health", "medical_condition",
               "officer_safety", "escape_risk", "suicidal")
