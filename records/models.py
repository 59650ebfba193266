"""Law-enforcement records. They outlive the calls and shifts that produced them, so nothing here is
deleted through the API: rows are archived (`archived_at`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from cad.core.jsonstore import FloatKeepingEncoder
from cad.core.tenancy import Archivable, CommunityOwned, Timestamped

from .choices import ReportKind, ReportStatus, SuspectStatus, WarrantStatus


class Report(CommunityOwned, Archivable, Timestamped):
    """An incident / use-of-force / crash / fire / medical / tow / other report in the review queue."""

    number = models.PositiveIntegerField(help_text="Sequential per community; never reset or reused.")
    type = models.CharField(max_length=32, choices=ReportKind.choices, default=ReportKind.INCIDENT)
    title = models.CharField(max_length=200)
    body = models.TextField()
    evidence = models.TextField(blank=True, default="")
    involved_persons = models.JSONField(default=list, blank=True, encoder=FloatKeepingEncoder, help_text="[{name, notes}]")
    involved_vehicles = models.JSONField(default=list, blank=True, encoder=FloatKeepingEncoder, help_text="[{plate, is_stolen}]")
    report_data = models.JSONField(default=dict, blank=True, encoder=FloatKeepingEncoder, help_text="Type-specific structured fields.")
    call = models.ForeignKey("calls.Call", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports")
    author = models.ForeignKey("characters.Character", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="authored_reports")
    # The characters the report is about: involved persons given by ID or matched by exact full name.
    involved_characters = models.ManyToManyField("characters.Character", blank=True, related_name="involved_in_reports")
    status = models.CharField(max_length=16, choices=ReportStatus.choices, default=ReportStatus.PENDING)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta(CommunityOwned.Meta):
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["community", "number"], name="report_community_number")]
        indexes = [
            models.Index(fields=["community", "status", "created_at"]),
            models.Index(fields=["community", "author", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.title}"


class Arrest(CommunityOwned, Archivable):
    """`charges` is a list of {penal_code_id, code, name}: penal codes of the community or free text
    (penal_code_id null)."""

    character = models.ForeignKey("characters.Character", on_delete=models.RESTRICT, related_name="arrests")
    arrested_by = models.ForeignKey("characters.Character", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="arrests_made")
    charges = models.JSONField(default=list)
    jail_time_min = models.PositiveIntegerField(default=0)
    fine_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="arrests")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(CommunityOwned.Meta):
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["community", "character", "created_at"])]

    def __str__(self) -> str:
        return f"Arrest of {self.character_id}"

    @property
    def title(self) -> str:
        return ", ".join(c.get("name", "") for c in self.charges if isinstance(c, dict)) or "Arrest"


def arrest_photo_path(instance: ArrestPhoto, filename: str) -> str:
    return f"arrests/{instance.community_id}/{instance.arrest_id}/{instance.id}.{instance.extension}"


class ArrestPhoto(CommunityOwned):
    arrest = models.ForeignKey(Arrest, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to=arrest_photo_path)
    content_type = models.CharField(max_length=32)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(CommunityOwned.Meta):
        ordering = ["created_at"]

    @property
    def extension(self) -> str:
        return {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif"}.get(
            self.content_type, "bin")


class Citation(CommunityOwned, Archivable, Timestamped):
    character = models.ForeignKey("characters.Character", on_delete=models.RESTRICT, related_name="citations")
    issued_by = models.ForeignKey("characters.Character", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="citations_issued")
    violation = models.CharField(max_length=200)
    fine_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    paid = models.BooleanField(default=False)
    points = models.PositiveSmallIntegerField(default=0, help_text="DMV points, clamped to 0-12.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta(CommunityOwned.Meta):
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["community", "character", "created_at"])]

    def __str__(self) -> str:
        return self.violation


class Warrant(CommunityOwned, Archivable, Timestamped):
    character = models.ForeignKey("characters.Character", on_delete=models.RESTRICT, related_name="warrants")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    status = models.CharField(max_length=16, choices=WarrantStatus.choices, default=WarrantStatus.ACTIVE)
    issued_by = models.ForeignKey("characters.Character", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="warrants_issued")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta(CommunityOwned.Meta):
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["community", "character", "status"])]

    def __str__(self) -> str:
        return self.title


class Suspect(CommunityOwned, Archivable, Timestamped):
    """000 §5: a person of interest, possibly not (yet) a known character; linkable to a call, a
    character and reports (BOLOs link to it from their side)."""

    first_name = models.CharField(max_length=60, blank=True, default="")
    last_name = models.CharField(max_length=60, blank=True, default="")
    description = models.TextField(blank=True, default="")
    status = models.CharField(max_length=16, choices=SuspectStatus.choices, default=SuspectStatus.AT_LARGE)
    call = models.ForeignKey("calls.Call", null=True, blank=True, on_delete=models.SET_NULL, related_name="suspects")
    character = models.ForeignKey("characters.Character", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="suspect_records")
    reports = models.ManyToManyField(Report, blank=True, related_name="suspects")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta(CommunityOwned.Meta):
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["community", "status"]),
            models.Index(fields=["community", "last_name", "first_name"]),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or f"Suspect {self.pk}"
