from __future__ import annotations

import logging

from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.discord.views import DiscordOAuth2Adapter as AllauthDiscordAdapter
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from django.conf import settings

log = logging.getLogger(__name__)

GUILD_MEMBERS_SCOPE = "guilds.members.read"


def _api() -> str:
    return settings.DISCORD_API_URL.rstrip("/")


class DiscordOAuth2Adapter(AllauthDiscordAdapter):
    @property
    def access_token_url(self) -> str:  # type: ignore[override]
        return f"{_api()}/oauth2/token"

    @property
    def authorize_url(self) -> str:  # type: ignore[override]
        return f"{_api()}/oauth2/authorize"

    @property
    def profile_url(self) -> str:  # type: ignore[override]
        return f"{_api()}/users/@me"

    def complete_login(self, request, app, token, **kwargs):
        login = super().complete_login(request, app, token, **kwargs)
        response = kwargs.get("response") or {}
        granted = set(str(response.get("scope") or "").split())
        if GUILD_MEMBERS_SCOPE in granted:
            login.account.extra_data["guild_roles"] = guild_roles(token.token)
        return login


def guild_roles(access_token: str) -> dict[str, list[str]]:
    """{guild ID: [role IDs]} for each guild the user is in that some community maps roles from.
    One request for the user's guilds, then one per mapped guild they are in; a Discord failure
    costs the mapping for this sign-in, never the sign-in itself."""
    from accounts.services import mapped_guild_ids

    wanted = set(mapped_guild_ids())
    if not wanted:
        return {}
    headers = {"Authorization": f"Bearer {access_token}"}
    result: dict[str, list[str]] = {}
    try:
        with get_adapter().get_requests_session() as session:
            response = session.get(f"{_api()}/users/@me/guilds", headers=headers, timeout=10)
            response.raise_for_status()
            joined = {str(g.get("id")) for g in response.json() if isinstance(g, dict)}
            for guild_id in sorted(joined & wanted):
                member = session.get(f"{_api()}/users/@me/guilds/{guild_id}/member", headers=headers, timeout=10)
                if member.status_code == 200:
                    result[guild_id] = [str(r) for r in (member.json().get("roles") or [])]
    except Exception:  # noqa: BLE001 -- network or JSON trouble: sign in without the mapping
        log.warning("Discord guild roles unavailable for this sign-in", exc_info=True)
    return result


oauth2_login = OAuth2LoginView.adapter_view(DiscordOAuth2Adapter)
oauth2_callback = OAuth2CallbackView.adapter_view(DiscordOAuth2Adapter)
