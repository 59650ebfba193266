from django.contrib import admin

from cad.core.admin import CommunityAdmin

from .models import DiscordRoleMapping, Invite


@admin.register(Invite)
class InviteAdmin(CommunityAdmin):
    list_display = ("hint", "community", "role", "note", "created_at", "expires_at", "used_at", "revoked_at")
    readonly_fields = ("token_hash", "hint", "created_at", "used_at", "used_by")
    search_fields = ("hint", "note")

    def has_add_permission(self, request):
        return False  # the link's secret is shown once: create invites on /settings


@admin.register(DiscordRoleMapping)
class DiscordRoleMappingAdmin(CommunityAdmin):
    list_display = ("community", "guild_id", "discord_role_id", "role")
    search_fields = ("guild_id", "discord_role_id")
