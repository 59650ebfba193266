"""The few places where sockets act on the domain: every call goes through the owning app's
selectors and services (imported lazily: those apps import `cad.events`, which realtime serves).

Sync functions: sessions run them through `database_sync_to_async`, never on the delivery path.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError

from cad.core.models import Community

from .auth import Principal


def current_locations(community_id: str) -> dict[str, dict]:
    from dispatch.selectors import current_locations as read

    return read(community_id)


def active_911_calls(community_id: str) -> list[dict]:
    from calls.selectors import active_911_calls as read

    return read(Community.objects.get(pk=community_id))


async def store_location(community_id: str, location: dict) -> dict:
    """Store like the REST update; dispatch publishes `unit-location-updated` (origin "socket")."""
    from dispatch.services import aposition_update

    return await aposition_update(
        community_id=community_id, unit_id=location["unitId"], x=location["x"], y=location["y"], z=location["z"],
        heading=location["heading"], unit_name=location["unitName"], status=location["status"],
        postal=location["postal"], origin="socket",
    )


def forget_units(community_id: str, unit_ids: list[str]) -> None:
    """A closed socket's units leave the live map (dispatch publishes `unitLocationRemoved`)."""
    from dispatch.services import position_remove

    for unit_id in unit_ids:
        position_remove(community_id=community_id, unit_id=unit_id)


def _actor(principal: Principal | None) -> Any:
    if principal is None or principal.user_id is None:
        return None
    return get_user_model().objects.filter(pk=principal.user_id).first()


def own_unit_keys(community_id: str, user_id: Any) -> set[str]:
    """Every key a position of the user's own units may be reported under: the unit's id, its game
    server's id, its character (the keys dispatch tracks a unit's positions by)."""
    from dispatch.models import Unit

    rows = Unit.objects.for_community(community_id).filter(user_id=user_id).values_list(
        "pk", "external_id", "character_id")
    return {str(key) for row in rows for key in row if key}


def detach_unit(community_id: str, detach: dict, principal: Principal | None, may_detach_others: bool) -> None:
    """003's client `unitDetachedFromCall`: calls broadcasts `unitRemovedFromCall` and
    `unitDetachedFromCall`. Officers detach their own unit; dispatchers and above (and API tokens) any."""
    from rest_framework.exceptions import NotFound, PermissionDenied

    from calls.selectors import call_by_id_or_number
    from calls.services import call_remove_unit
    from dispatch.selectors import units_by_ids_or_names

    community = Community.objects.get(pk=community_id)
    call = call_by_id_or_number(community, detach["callId"])
    units = units_by_ids_or_names(community, ids=[detach["odId"]]) or units_by_ids_or_names(
        community, names=[detach["odName"]])
    if not units:
        raise NotFound("Unit not found.")
    if not may_detach_others and (principal is None or principal.user_id is None
                                  or units[0].user_id != principal.user_id):
        raise PermissionDenied("You may only detach your own unit.")
    call_remove_unit(call=call, unit=units[0], by=_actor(principal), cleared=True)


def set_unit_status(community_id: str, change: dict, principal: Principal | None, may_set_others: bool) -> None:
    """003's `unit-status-update`: `status` is a status code of the community (`10-8`) or a canonical
    state (`available`); dispatch validates it, stores it and broadcasts `unit-status-updated`.
    Officers change their own unit; dispatchers and above (and API tokens) any unit."""
    from rest_framework.exceptions import NotFound, PermissionDenied

    from dispatch.choices import UnitState
    from dispatch.selectors import on_duty_units, units_by_ids_or_names
    from dispatch.services import resolve_status_code, state_for_status_code, unit_set_state

    unit_ref = change["userId"]
    units = units_by_ids_or_names(community_id, ids=[unit_ref])
    if not units:  # 003's userId: the user's on-duty unit
        try:
            units = list(on_duty_units(community_id).filter(user_id=unit_ref)[:1])
        except (ValueError, TypeError, DjangoValidationError):
            units = []
    if not units:
        raise NotFound("Unit not found.")
    unit = units[0]
    if not may_set_others and (principal is None or unit.user_id != principal.user_id):
        raise PermissionDenied("You may only change your own unit's status.")
    by = _actor(principal)
    status = change["status"]
    if status in UnitState.values:
        unit_set_state(unit=unit, state=status, by=by)
    else:
        code = resolve_status_code(community_id, status)
        unit_set_state(unit=unit, state=state_for_status_code(code), status_code=code, by=by)
