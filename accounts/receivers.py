"""After allauth has signed someone in or linked an account: keep `Profile.discord_id` (what the game
server looks players up by) in step, and apply Discord guild-role mappings at each sign-in."""

from __future__ import annotations

from allauth.account.signals import user_logged_in
from allauth.socialaccount.signals import social_account_added, social_account_removed
from django.dispatch import receiver

from cad.core.models import Profile

from . import services


@receiver(user_logged_in)
def _discord_sign_in(sender, request, user, sociallogin=None, **kwargs):
    if sociallogin is None or sociallogin.account.provider != "discord":
        return
    services.discord_link(user=user, discord_id=sociallogin.account.uid)
    services.discord_roles_apply(user=user, guild_roles=sociallogin.account.extra_data.get("guild_roles") or {})


@receiver(social_account_added)
def _discord_linked(sender, request, sociallogin, **kwargs):
    if sociallogin.account.provider == "discord":
        services.discord_link(user=sociallogin.user, discord_id=sociallogin.account.uid)


@receiver(social_account_removed)
def _discord_unlinked(sender, request, socialaccount, **kwargs):
    if socialaccount.provider == "discord":
        Profile.objects.filter(user_id=socialaccount.user_id, discord_id=socialaccount.uid).update(discord_id=None)
