"""Who may act on which unit: the one rule, shared by REST and sockets.

An officer acts on their own units and characters only; dispatchers and above act on any of the
community's, and so do API tokens (a token acts as a supervisor of its own community). REST's duty
view, 003's socket events (`unit-location-update`, `unit-status-update`, `unitDetachedFromCall`) and
anything added later ask here.
"""

from __future__ import annotations

from typing import Any

from cad.core.choices import Role
from cad.core.errors import Forbidden

from .models import Unit

ANY_UNIT_ROLE = Role.DISPATCHER


def may_act_on_any_unit(role: Role | str | None) -> bool:
    return role is not None and Role(role).at_least(ANY_UNIT_ROLE)


def is_own(owner_id: Any, user_id: Any) -> bool:
    return owner_id is not None and user_id is not None and str(owner_id) == str(user_id)


def require_own(owner_id: Any, *, user_id: Any, role: Role | str | None, message: str) -> None:
    """Raise Forbidden(`message`) unless the actor may act on something owned by `owner_id`."""
    if not may_act_on_any_unit(role) and not is_own(owner_id, user_id):
        raise Forbidden(message)


def own_unit_keys(community_id: Any, user_id: Any) -> set[str]:
    """Every key a position of the user's own units may be reported under: the unit's id, its game
    server's id, its character (the keys dispatch tracks a unit's positions by)."""
    if user_id is None:
        return set()
    rows = Unit.objects.for_community(community_id).filter(user_id=user_id).values_list(
        "pk", "external_id", "character_id")
    return {str(key) for row in rows for key in row if key}
