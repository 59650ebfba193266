"""How allauth's sign-in flows meet our rules.

- Password sign-in lives on /login; allauth's own password pages are not used, and nobody signs up
  except through an invite page (or a Discord role mapping that grants a membership).
- A Discord sign-in logs in the user the Discord ID belongs to: their allauth link, or the
  `Profile.discord_id` recorded before (`addmember --discord-id`), which is then linked.
- An unknown Discord account gets an account only with an open invite in the session or a guild role
  some community maps; otherwise it is turned away and nothing is created.
- Linking from the account page refuses a Discord ID that belongs to someone else.
"""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base import AuthProcess
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse

from . import services
from .choices import InviteState

SESSION_INVITE = "accounts.invite"

NOT_INVITED = ("This Discord account is not a member of any community here. Ask your community's admins "
               "for an invite link and open it before signing in with Discord.")


def pending_invite(request):
    invite = services.invite_for_link(request.session.get(SESSION_INVITE))
    return invite if invite is not None and invite.state == InviteState.OPEN else None


def _refuse(request, message: str, to: str | None = None):
    messages.error(request, message)
    raise ImmediateHttpResponse(HttpResponseRedirect(to or resolve_url(settings.LOGIN_URL)))


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False  # password accounts are made on invite pages, not by allauth's signup form

    def get_login_redirect_url(self, request) -> str:
        return "/"


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def pre_social_login(self, request, sociallogin) -> None:
        if sociallogin.account.provider != "discord":
            return
        discord_id = str(sociallogin.account.uid)
        owner = services.discord_owner(discord_id)
        if sociallogin.state.get("process") == AuthProcess.CONNECT:
            account_page = reverse("account")
            if owner is not None and owner.pk != request.user.pk:
                _refuse(request, "This Discord account is already linked to another user.", account_page)
            linked = services.core_services.profile_for(request.user).discord_id
            if linked and linked != discord_id:
                _refuse(request, "Your account is linked to another Discord account; unlink it first.",
                        account_page)
            return
        if not sociallogin.is_existing and owner is not None:
            sociallogin.connect(request, owner)  # known by the profile alone: link it, then sign in

    def is_open_for_signup(self, request, sociallogin) -> bool:
        if pending_invite(request) is not None:
            return True
        if services.mapped_roles(sociallogin.account.extra_data.get("guild_roles") or {}):
            return True
        _refuse(request, NOT_INVITED)
        return False

    def is_auto_signup_allowed(self, request, sociallogin) -> bool:
        return True

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        user.email = ""  # Discord's e-mail is not asked for; never let it collide with another account's
        return user

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form)
        services.discord_link(user=user, discord_id=sociallogin.account.uid)
        invite = pending_invite(request)
        if invite is not None:
            services.invite_accept(invite=invite, user=user)
            request.session.pop(SESSION_INVITE, None)
        return user

    def get_connect_redirect_url(self, request, socialaccount) -> str:
        return reverse("account")

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None):
        from allauth.socialaccount.providers.base import AuthError

        if error == AuthError.CANCELLED:
            message = "Discord sign-in was cancelled; nothing was changed."
        else:
            message = "Discord sign-in failed; try again, or sign in with your password."
        to = reverse("account") if request.user.is_authenticated else resolve_url(settings.LOGIN_URL)
        _refuse(request, message, to)
