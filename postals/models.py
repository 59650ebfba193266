from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from cad.core.tenancy import Archivable, CommunityOwned


class PostalTable(CommunityOwned, Archivable):
    """A community's postal map: the common nearest-postal JSON (`[{"code", "x", "y"}, ...]`, raw GTA V
    world coordinates). Replacing it archives the previous table (nothing is lost); one is active."""

    entries = models.JSONField(default=list, help_text='[{"code": "2000", "x": 2325.43, "y": 5147.21}, ...]')
    size = models.PositiveIntegerField(default=0)
    name = models.CharField(max_length=120, blank=True, default="", help_text="Where it came from, e.g. a file name.")
    revision = models.UUIDField(default=uuid.uuid4, editable=False,
                                help_text="Changes with every upload: in-process indexes rebuild when it does.")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(CommunityOwned.Meta):
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["community"], condition=models.Q(archived_at__isnull=True),
                                               name="postal_table_one_active")]

    def __str__(self) -> str:
        return f"{self.size} postals" + (f" ({self.name})" if self.name else "")
