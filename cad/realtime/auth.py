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

import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth import get_user_model
from django.http.request import split_domain_port, validate_host

from cad.core.access import TOKEN_ROLE, user_role
from cad.core.choices import Role
from cad.core.models import ApiToken, Community, Membership
from cad.core.services import atoken_authenticate


class AuthError(Exception):
    """Credentials were offered and are not valid (an absent credential is not an error)."""


@dataclass(frozen=True)
class Principal:
    kind: str  # "session" | "jwt" | "token"
    name: str
    user_id: Any = None  # the user's primary key
    token_community_id: str | None = None
    token_id: str | None = None  # the ApiToken's primary key
    expires_at: float | None = None  # a JWT's `exp` (epoch seconds)


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
        return Principal(kind="token", name=f"api-token:{token.name}", token_community_id=str(token.community_id),
                         token_id=str(token.pk))
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
    expires_at = token.get("exp")
    return Principal(kind="jwt", name=user.get_username(), user_id=user.pk,
                     expires_at=float(expires_at) if isinstance(expires_at, int | float) else None)


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


def roles_now(pairs: Iterable[tuple[Principal, str]]) -> tuple[set[Principal], dict[tuple[Principal, str], Role]]:
    """Re-check principals and their roles in one batch (sync; 2-3 queries whatever the number of pairs).

    Returns the principals that are still valid (token not revoked; user active; JWT not expired) and
    the role of each still-valid (principal, community) pair that has one."""
    pairs = set(pairs)
    principals = {p for p, _ in pairs}
    now = time.time()
    token_ids = {p.token_id for p in principals if p.kind == "token" and p.token_id}
    live_tokens = {str(pk) for pk in ApiToken.objects.filter(
        pk__in=token_ids, revoked_at__isnull=True).values_list("pk", flat=True)} if token_ids else set()
    user_ids = {p.user_id for p in principals if p.kind != "token" and p.user_id is not None}
    active = dict(get_user_model().objects.filter(pk__in=user_ids, is_active=True).values_list("pk", "is_superuser")
                  ) if user_ids else {}
    communities = {c for p, c in pairs if p.user_id in active}
    memberships = {
        (user_id, str(community_id)): role for user_id, community_id, role in Membership.objects.filter(
            user_id__in=active, community_id__in=communities).values_list("user_id", "community_id", "role")
    } if active and communities else {}
    existing = {str(pk) for pk in Community.objects.filter(pk__in=communities).values_list("pk", flat=True)
                } if communities and any(active.values()) else set()
    valid: set[Principal] = set()
    for p in principals:
        if p.kind == "token":
            ok = p.token_id in live_tokens
        else:
            ok = p.user_id in active and (p.expires_at is None or p.expires_at > now)
        if ok:
            valid.add(p)
    roles: dict[tuple[Principal, str], Role] = {}
    for p, community_id in pairs:
        if p not in valid:
            continue
        if p.kind == "token":
            if p.token_community_id == community_id:
                roles[(p, community_id)] = TOKEN_ROLE
        elif role := user_role(is_superuser=active[p.user_id], membership_role=memberships.get((p.user_id, community_id)),
                               community_exists=community_id in existing):
            roles[(p, community_id)] = role
    return valid, roles


@database_sync_to_async
def _current_role(principal: Principal, community_id: str) -> Role | None:
    return roles_now([(principal, community_id)])[1].get((principal, community_id))


def community_id_of(value) -> str | None:
    """A community ID in canonical form, or None when it is not one (a malformed ID joins nothing)."""
    if isinstance(value, dict):
        value = value.get("communityId") or value.get("community_id")
    try:
        return str(uuid.UUID(str(value)))
    except (ValueError, TypeError, AttributeError):
        return None


async def community_role(principal: Principal | None, community_id: str | None) -> Role | None:
    """The role `principal` holds in the community, or None: the one rule for entering a room. Checked
    against the database each time (a revoked token, an inactive user or an expired JWT has none)."""
    if principal is None or community_id is None:
        return None
    if principal.kind == "token":
        if principal.token_community_id != community_id:
            return None
    elif principal.user_id is None:
        return None
    return await _current_role(principal, community_id)
