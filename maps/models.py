from __future__ import annotations

from django.conf import settings
from django.db import models

from cad.core.tenancy import Archivable, CommunityOwned

from .choices import TileSetStatus, TileSourceKind


class MapTileSet(CommunityOwned, Archivable):
    """A community's map background: the pictures or tile archive an admin uploaded and the 256-px tile
    pyramid cut from them (files under MEDIA_ROOT/maps/<community>/<id>/). The newest ready, unarchived set
    is the one drawn; a newer upload archives the older sets (their files stay)."""

    kind = models.CharField(max_length=16, choices=TileSourceKind.choices)
    status = models.CharField(max_length=16, choices=TileSetStatus.choices, default=TileSetStatus.PENDING)
    sources = models.JSONField(default=list, blank=True,
                               help_text="Uploaded files kept under source/: [{name, file, row, col}] or [{file}].")
    min_zoom = models.PositiveSmallIntegerField(default=0)
    max_zoom = models.PositiveSmallIntegerField(default=0)
    tile_format = models.CharField(max_length=8, default="png")
    bounds = models.JSONField(default=list, blank=True,
                              help_text="Game rectangle the tiles cover: [x_min, y_min, x_max, y_max].")
    tile_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, default="")
    claimed_at = models.DateTimeField(null=True, blank=True, help_text="When a worker started cutting it.")
    built_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(CommunityOwned.Meta):
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["community", "status", "archived_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.status})"
