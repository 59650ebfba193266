from django.db import models


class AnnouncementPriority(models.TextChoices):
    INFO = "info", "Info"
    WARNING = "warning", "Warning"
    URGENT = "urgent", "Urgent"


PRIORITY_COLORS = {
    AnnouncementPriority.INFO: "#3b82f6",
    AnnouncementPriority.WARNING: "#f59e0b",
    AnnouncementPriority.URGENT: "#ef4444",
}
