"""Dispatch's client events on /ws and Socket.IO (003), registered with the realtime kernel:

  request-locations     {communityId}                  → currentLocations {unitId: location}   (officer+)
  unit-location-update  003's fields                   → stored like the REST update; broadcast as
                                                          unit-location-updated                (officer+)
  unit-status-update    {communityId, userId, status}  → unit-status-updated                   (officer+)

An officer reports and changes their own unit only (`dispatch.ownership`, the rule REST uses too);
dispatchers and above, and API tokens, any. A socket's reported units leave the live map when it closes.
"""

from __future__ import annotations

import time
from typing import Any

from channels.db import database_sync_to_async
from django.core.exceptions import ValidationError as DjangoValidationError

from cad.core.choices import Role
from cad.core.errors import NotFound
from cad.realtime.hub import now_iso, revalidate_seconds
from cad.realtime.session import (
    ClientError,
    Session,
    client_event,
    number_field,
    on_session_close,
    text_field,
)

from . import ownership, selectors, services
from .choices import UnitState

UNITS = "dispatch.units"  # session.state: community → unit IDs this socket reported positions for
OWN_UNITS = "dispatch.own_units"  # session.state: community → (looked up at, position keys of own units)


def clean_location(data: Any, community_id: str) -> dict:
    """003's unit-location-update fields, checked; the broadcast carries the same structure."""
    if not isinstance(data, dict):
        raise ClientError("Expected an object.")
    return {
        "communityId": community_id,
        "unitId": text_field(data, "unitId", required=True),
        "unitName": text_field(data, "unitName", max_length=60),
        "x": number_field(data, "x", low=-1e6, high=1e6),
        "y": number_field(data, "y", low=-1e6, high=1e6),
        "z": number_field(data, "z", low=-1e6, high=1e6),
        "heading": number_field(data, "heading", required=False, low=0, high=360) or 0.0,
        "postal": text_field(data, "postal", max_length=16),
        "status": text_field(data, "status", max_length=40),
        "timestamp": text_field(data, "timestamp", max_length=40) or now_iso(),
    }


def clean_status(data: Any) -> dict:
    if not isinstance(data, dict):
        raise ClientError("Expected an object.")
    return {"userId": text_field(data, "userId", required=True),
            "status": text_field(data, "status", required=True, max_length=40)}


@client_event("request-locations")
async def request_locations(session: Session, data: Any) -> None:
    community_id = await session.require(data, Role.OFFICER)
    locations = await database_sync_to_async(selectors.current_locations)(community_id)
    session.reply("currentLocations", locations, community_id)


async def _owns(session: Session, community_id: str, unit_key: str) -> bool:
    """Whether `unit_key` names one of the caller's own units; looked up again when unknown or older
    than `revalidate_seconds()` (positions come every ~2 s, the lookup is a query)."""
    principal = session.principal
    if principal is None or principal.user_id is None:
        return False
    cache: dict = session.state.setdefault(OWN_UNITS, {})
    now = time.monotonic()
    entry = cache.get(community_id)
    if entry is None or unit_key not in entry[1] or now - entry[0] >= revalidate_seconds():
        keys = await database_sync_to_async(ownership.own_unit_keys)(community_id, principal.user_id)
        entry = cache[community_id] = (now, frozenset(keys))
    return unit_key in entry[1]


@client_event("unit-location-update")
async def unit_location_update(session: Session, data: Any) -> None:
    community_id = await session.require(data, Role.OFFICER)
    location = clean_location(data, community_id)
    if not ownership.may_act_on_any_unit(await session.role(community_id)) and not await _owns(
            session, community_id, location["unitId"]):
        raise ClientError("You may only report your own unit's position.")
    session.state.setdefault(UNITS, {}).setdefault(community_id, set()).add(location["unitId"])
    await services.aposition_update(
        community_id=community_id, unit_id=location["unitId"], x=location["x"], y=location["y"], z=location["z"],
        heading=location["heading"], unit_name=location["unitName"], status=location["status"],
        postal=location["postal"], origin="socket",
    )


def _set_status(community_id: str, change: dict, user_id: Any, role: Role | None) -> None:
    """003's `unit-status-update`: `status` is a status code of the community (`10-8`) or a canonical
    state (`available`); `userId` a unit ID or the user whose on-duty unit it is."""
    unit_ref = change["userId"]
    units = selectors.units_by_ids_or_names(community_id, ids=[unit_ref])
    if not units:
        try:
            units = list(selectors.on_duty_units(community_id).filter(user_id=unit_ref)[:1])
        except (ValueError, TypeError, DjangoValidationError):
            units = []
    if not units:
        raise NotFound("Unit not found.")
    unit = units[0]
    ownership.require_own(unit.user_id, user_id=user_id, role=role, message="You may only change your own unit's status.")
    by = _actor(user_id)
    if change["status"] in UnitState.values:
        services.unit_set_state(unit=unit, state=change["status"], by=by)
    else:
        services.unit_set_status(unit=unit, status=change["status"], by=by)


def _actor(user_id: Any) -> Any:
    if user_id is None:
        return None
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(pk=user_id).first()


@client_event("unit-status-update")
async def unit_status_update(session: Session, data: Any) -> None:
    community_id = await session.require(data, Role.OFFICER)
    change = clean_status(data)
    user_id = session.principal.user_id if session.principal is not None else None
    await database_sync_to_async(_set_status)(community_id, change, user_id, await session.role(community_id))


def _forget_units(community_id: str, unit_ids: list[str]) -> None:
    for unit_id in unit_ids:
        services.position_remove(community_id=community_id, unit_id=unit_id)


@on_session_close
async def forget_units(session: Session) -> None:
    """A closed socket's units leave the live map (dispatch publishes `unitLocationRemoved`)."""
    units = session.state.pop(UNITS, {})
    for community_id, unit_ids in units.items():
        await database_sync_to_async(_forget_units)(community_id, sorted(unit_ids))
