from __future__ import annotations

from django.conf import settings
from django.db import models

from cad.core.tenancy import CommunityOwned

from .choices import LookupType


class LookupHistory(CommunityOwned):
    """One smart search: what an officer (or a game server, user null) looked for."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    token = models.ForeignKey("core.ApiToken", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    type = models.CharField(max_length=16, choices=LookupType.choices,
                            help_text="The explicit type, or the first detected one.")
    detected_types = models.JSONField(default=list, blank=True)
    query = models.CharField(max_length=200)
    result_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(CommunityOwned.Meta):
        ordering = ["-created_at"]
        verbose_name_plural = "lookup history"
        indexes = [models.Index(fields=["community", "user", "created_at"])]

    def __str__(self) -> str:
        return f"{self.type}: {self.query}"
