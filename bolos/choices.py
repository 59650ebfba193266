from django.db import models


class BoloType(models.TextChoices):
    """Stored lower-case (004); 001 reads and writes them upper-case (VEHICLE, PERSON, OTHER)."""

    VEHICLE = "vehicle", "Vehicle"
    PERSON = "person", "Person"
    OTHER = "other", "Other"


class BoloPriority(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


PRIORITY_COLORS = {
    BoloPriority.LOW: "#6b7280",
    BoloPriority.MEDIUM: "#3b82f6",
    BoloPriority.HIGH: "#f59e0b",
    BoloPriority.CRITICAL: "#ef4444",
}
