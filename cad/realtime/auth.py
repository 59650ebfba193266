"""Who is on the other end of a socket, and which community rooms they may enter.

Every transport (the /ws consumer, Socket.IO, Server-Sent Events) resolves its credentials to a
`Principal` here and asks `community_role()` before joining a room: the room rule lives in this
module only.

- session cookie: only from an allowed Origin (cross-site WebSocket hijacking); a socket that
  authenticates with a token needs no Origin, since game servers and bots send none;
- JWT (simplejwt access token): `?token=`, the Socket.IO `auth: {token}`, or a first `auth` message;
- community API token (`cad_...`): acts as a supervisor of its own community and of no other.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth import get_user_model
from django.http.request import split_domain_port, validate_host

from cad.core.choices import Role
from cad.core.models import ApiToken, Membership
from cad.core.services import atoken_authenticate

TOKEN_ROLE = Role.SUPERVISOR


class AuthError(Exception):
    """Credentials were offered and are not valid (an absent credential is not an error)."""


@dataclass(frozen=True)
class Principal:
    kind: str  # "session" | "jwt" | "token"
    name: str
    user_id: Any = None  # the user's primary key
    token_community_id: str | None = None


def origin_allowed(origin: str | None) -> bool:
    """Channels' AllowedHostsOriginValidator rule, plus CSRF_TRUSTED_ORIGINS; no Origin is refused."""
    if not origin:
        return False
    if origin in settings.CSRF_TRUSTED_ORIGINS:
        return True
    parsed = urlsplit(origin)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        return False
    domain, _port = split_domain_port(parsed.netloc.lower())
    allowed = settings.ALLOWED_HOSTS or (["localhost", "127.0.0.1", "[::1]"] if settings.DEBUG else [])
    return bool(domain) and validate_host(domain, allowed)


async def authenticate_token(raw: str) -> Principal:
    """A JWT access token or a community API token; raises AuthError when it is not valid."""
    raw = (raw or "").strip()
    if raw.lower().startswith("bearer "):
        raw = raw[7:].strip()
    if not raw:
        raise AuthError("Missing token.")
    if raw.startswith(ApiToken.PREFIX):
        token = await atoken_authenticate(raw)
        if token is None:
            raise AuthError("Invalid or revoked API token.")
        return Principal(kind="token", name=f"api-token:{token.name}", token_community_id=str(token.community_id))
    return await _jwt_principal(raw)


@database_sync_to_async
def _jwt_principal(raw: str) -> Principal:
    from rest_framework_simplejwt.exceptions import TokenError
    from rest_framework_simplejwt.settings import api_settings
    from rest_framework_simplejwt.tokens import AccessToken

    try:
        token = AccessToken(raw)
    except TokenError as exc:
        raise AuthError("Invalid or expired token.") from exc
    user_id = token.get(api_settings.USER_ID_CLAIM)
    user = get_user_model().objects.filter(**{api_settings.USER_ID_FIELD: user_id}, is_active=True).first()
    if user is None:
        raise AuthError("Invalid or expired token.")
    return Principal(kind="jwt", name=user.get_username(), user_id=user.pk)


def user_principal(user) -> Principal | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return Principal(kind="session", name=user.get_username(), user_id=user.pk)


async def session_principal(cookie_header: str) -> Principal | None:
    """The user of a session cookie (for transports outside Channels' AuthMiddlewareStack)."""
    from http.cookies import CookieError, SimpleCookie
    from importlib import import_module

    from channels.auth import get_user

    try:
        cookies = SimpleCookie(cookie_header or "")
    except CookieError:
        return None
    morsel = cookies.get(settings.SESSION_COOKIE_NAME)
    if morsel is None or not morsel.value:
        return None
    store = import_module(settings.SESSION_ENGINE).SessionStore(morsel.value)
    return user_principal(await get_user({"session": store}))


@database_sync_to_async
def _membership_role(user_id: Any, community_id: str) -> Role | None:
    role = (
        Membership.objects.filter(user_id=user_id, community_id=community_id).values_list("role", flat=True).first()
    )
    return Role(role) if role else None


def community_id_of(value) -> str | None:
    """A community ID in canonical form, or None when it is not one (a malformed ID joins nothing)."""
    if isinstance(value, dict):
        value = value.get("communityId") or value.get("community_id")
    try:
        return str(uuid.UUID(str(value)))
    except (ValueError, TypeError, AttributeError):
        return None


async def community_role(principal: Principal | None, community_id: str | None) -> Role | None:
    """The role `principal` holds in the community, or None: the one rule for entering a room."""
    if principal is None or community_id is None:
        return None
    if principal.kind == "token":
        return TOKEN_ROLE if principal.token_community_id == community_id else None
    if principal.user_id is None:
        return None
    return await _membership_role(principal.user_id, community_id)
