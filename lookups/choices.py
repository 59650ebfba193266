from django.db import models


class LookupType(models.TextChoices):
    """000 §4 search types."""

    NAME = "name", "Name (exact first + last)"
    PARTIAL_NAME = "partial_name", "Partial name"
    PHONE = "phone", "Phone"
    PLATE = "plate", "Plate"
    SSN = "ssn", "SSN"
