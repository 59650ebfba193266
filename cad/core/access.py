"""Who an actor is and what they may do in a community: the one rule, for every transport.

Services, REST views, sockets, Server-Sent Events and the media view all receive an *actor*: a user,
a game server (`ServicePrincipal`, the `request.user` of an API-token request, or the `ApiToken`
itself), a dispatch unit (004 acts as a unit), or None (the system: sweeps, expiry). This module
answers the questions asked about one:

- `role_in(actor, community)`: the `Role` it holds there, or None. A member has their membership's
  role; a deployment superuser is an admin of every community (member or not, so that the answer is
  the same over REST, sockets and media); an API token is `TOKEN_ROLE` in its own community only;
  an inactive user, a unit and nobody hold none.
- `is_token(actor)`, `token_of(actor)`: a game server rather than a person.
- `person(actor)`: the user behind it, for `created_by`-style foreign keys.
- `display_name(actor)`: a name to show people (003's `createdByName`); `handle(actor)`: the
  username 003 prints in `updatedBy` / `deletedBy` / `addedBy` ("system" for nobody).

Nothing here imports DRF or a domain app: the kernel and every service may use it.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from cad.core.choices import Role
from cad.core.models import ApiToken, Community, Membership

# A game server is trusted like a supervisor, never like an admin.
TOKEN_ROLE = Role.SUPERVISOR


class ServicePrincipal(AnonymousUser):
    """The `request.user` of a token-authenticated request: the game server, not a person."""

    def __init__(self, token: ApiToken):
        super().__init__()
        self.token = token
        self.username = f"api-token:{token.name}"  # type: ignore[assignment]

    @property
    def is_authenticated(self) -> bool:  # type: ignore[override]
        return True

    def __str__(self) -> str:
        return self.username


def token_of(actor: Any) -> ApiToken | None:
    """The API token an actor authenticates with, or None for a person, a unit or nobody."""
    if isinstance(actor, ApiToken):
        return actor
    if isinstance(actor, ServicePrincipal):
        return actor.token
    return None


def is_token(actor: Any) -> bool:
    return token_of(actor) is not None


def person(actor: Any):
    """The user behind `actor`, for `created_by`-style foreign keys; None for a game server, a unit or nobody."""
    return actor if isinstance(actor, get_user_model()) and actor.pk is not None else None


def _community_id(community: Any) -> str | None:
    if community is None:
        return None
    value = community.pk if isinstance(community, Community) else community
    try:
        return str(uuid.UUID(str(value)))
    except (ValueError, TypeError, AttributeError):
        return None


def user_role(*, is_superuser: bool, membership_role: str | None, community_exists: bool = True) -> Role | None:
    """The rule for an active user, given what the caller has already loaded (batch callers load many at
    once): a superuser is an admin of every existing community; anyone else has their membership's role."""
    if is_superuser:
        return Role.ADMIN if community_exists else None
    return Role(membership_role) if membership_role else None


def role_in(actor: Any, community: Any) -> Role | None:
    """The role `actor` holds in `community` (a Community or its ID), or None when it has none."""
    community_id = _community_id(community)
    if actor is None or community_id is None:
        return None
    token = token_of(actor)
    if token is not None:
        return TOKEN_ROLE if str(token.community_id) == community_id else None
    user = person(actor)
    if user is None or not user.is_active:
        return None
    membership_role = None if user.is_superuser else (
        Membership.objects.filter(user_id=user.pk, community_id=community_id).values_list("role", flat=True).first())
    exists = True
    if user.is_superuser and not isinstance(community, Community):
        exists = Community.objects.filter(pk=community_id).exists()
    return user_role(is_superuser=user.is_superuser, membership_role=membership_role, community_exists=exists)


def has_role(actor: Any, community: Any, minimum: Role | str) -> bool:
    role = role_in(actor, community)
    return role is not None and role.at_least(minimum)


def display_name(actor: Any, *, nobody: str = "") -> str:
    """A name to show people: a user's full name (else username), a game server's token name, a unit's
    callsign; `nobody` for None."""
    if actor is None:
        return nobody
    token = token_of(actor)
    if token is not None:
        return token.name
    user = person(actor)
    if user is not None:
        return (user.get_full_name() or user.get_username())[:120]
    return str(getattr(actor, "name", "") or actor)


def handle(actor: Any, *, nobody: str = "system") -> str:
    """The username 003 prints for whoever acted (`updatedBy`, `deletedBy`, `addedBy`): a user's
    username, `api-token:<name>` for a game server, a unit's callsign, "system" for nobody."""
    if actor is None:
        return nobody
    token = token_of(actor)
    if token is not None:
        return f"api-token:{token.name}"
    user = person(actor)
    if user is not None:
        return user.get_username()
    return str(getattr(actor, "username", None) or getattr(actor, "name", None) or actor)
