"""allauth's Discord provider with the Discord address taken from settings (DISCORD_API_URL), so a
deployment, and every test, can point it at another server; and, when the deployment asks for the
guild-members scope, the sign-in also learns the user's roles in the guilds communities map."""

from __future__ import annotations

from allauth.socialaccount.providers.discord.provider import DiscordProvider as AllauthDiscordProvider
from django.conf import settings

from .views import DiscordOAuth2Adapter


class DiscordProvider(AllauthDiscordProvider):
    oauth2_adapter_class = DiscordOAuth2Adapter
    package = "accounts.discord"

    def get_default_scope(self):
        scope = ["identify"]
        if settings.DISCORD_GUILD_ROLES:
            scope += ["guilds", "guilds.members.read"]
        return scope


provider_classes = [DiscordProvider]
