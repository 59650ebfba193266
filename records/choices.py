from django.db import models


class ReportKind(models.TextChoices):
    """004's report types; which ones an author may file depends on their department's type
    (the community's `core.ReportType.department_types`)."""

    INCIDENT = "incident", "Incident"
    USE_OF_FORCE = "use_of_force", "Use of Force"
    CRASH_REPORT = "crash_report", "Crash Report"
    FIRE_REPORT = "fire_report", "Fire Report"
    MEDICAL_REPORT = "medical_report", "Medical Report"
    TOW_REPORT = "tow_report", "Tow Report"
    OTHER = "other", "Other"


class ReportStatus(models.TextChoices):
    PENDING = "pending", "Pending review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


REPORT_STATUS_COLORS = {"pending": "#f59e0b", "approved": "#22c55e", "rejected": "#ef4444"}


class WarrantStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    SERVED = "served", "Served"
    RECALLED = "recalled", "Recalled"


WARRANT_STATUS_COLORS = {"active": "#ef4444", "served": "#22c55e", "recalled": "#6b7280"}


class SuspectStatus(models.TextChoices):
    """000 §5 (`at-large`, `in-custody`) and the two ends a record can reach."""

    AT_LARGE = "at-large", "At large"
    IN_CUSTODY = "in-custody", "In custody"
    RELEASED = "released", "Released"
    DECEASED = "deceased", "Deceased"


SUSPECT_STATUS_COLORS = {"at-large": "#ef4444", "in-custody": "#3b82f6", "released": "#22c55e",
                         "deceased": "#6b7280"}

MAX_CITATION_POINTS = 12
