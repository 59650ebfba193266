from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from cad.core.choices import Role
from cad.core.tenancy import CommunityOwned

from .choices import InviteState


class Invite(CommunityOwned):
    """A single-use link that makes whoever opens it a member with `role`. Only the SHA-256 of the
    link's secret is stored; the link is shown once, like an API token."""

    PREFIX = "inv_"

    token_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12, help_text="The first characters, to tell invites apart.")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.CIVILIAN)
    note = models.CharField(max_length=120, blank=True, default="", help_text="Who it is for.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta(CommunityOwned.Meta):
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"invite {self.hint}… ({self.role})"

    @property
    def state(self) -> InviteState:
        if self.used_at is not None:
            return InviteState.USED
        if self.revoked_at is not None:
            return InviteState.REVOKED
        if self.expires_at <= timezone.now():
            return InviteState.EXPIRED
        return InviteState.OPEN


class DiscordRoleMapping(CommunityOwned):
    """Members of the community's Discord guild who hold `discord_role_id` get `role` here when they
    sign in with Discord (if the deployment asks Discord for guild membership)."""

    guild_id = models.CharField(max_length=32)
    discord_role_id = models.CharField(max_length=32)
    role = models.CharField(max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(CommunityOwned.Meta):
        ordering = ["guild_id", "discord_role_id"]
        constraints = [models.UniqueConstraint(fields=["community", "guild_id", "discord_role_id"],
                                               name="discord_role_mapping_unique")]
        indexes = [models.Index(fields=["guild_id"])]

    def __str__(self) -> str:
        return f"guild {self.guild_id} role {self.discord_role_id} → {self.role}"
