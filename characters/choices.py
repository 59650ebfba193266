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
