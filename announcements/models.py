from __future__ import annotations

from django.conf import settings
from django.db import models

from cad.core.tenancy import CommunityOwned

from .choices import AnnouncementPriority


class Announcement(CommunityOwned):
    """A broadcast on the dispatch dashboard. No `expires_at` means until deleted; deletion is permanent.

    `removal_published_at` records that `announcement-removed` went out for an expiry, so the beat sweep
    publishes it once however many workers run it."""

    title = models.CharField(max_length=200)
    message = models.TextField()
    priority = models.CharField(max_length=16, choices=AnnouncementPriority.choices,
                                default=AnnouncementPriority.INFO)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_by_name = models.CharField(max_length=120, blank=True, default="")
    removal_published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(CommunityOwned.Meta):
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["community", "expires_at"]),
            # The beat sweep: expired rows whose removal has not been published yet.
            models.Index(fields=["expires_at"], name="announcement_expiry_sweep",
                         condition=models.Q(removal_published_at__isnull=True, expires_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.title
