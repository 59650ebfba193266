"""One connected client, whatever its transport: its rooms, its client events, its outbox.

The /ws consumer and the Socket.IO server both wrap a `Session`; they only differ in how a frame is
encoded (`Codec`) and written. Client events (003) are handled here once:

  auth                  {token}                  → authenticated {name} | error
  join-community        "<id>" | {communityId}   → joined-community {communityId} | error
  leave-community       "<id>" | {communityId}   → left-community {communityId}
  request-locations     {communityId}            → currentLocations {unitId: location}      (officer+)
  request-911-calls     {communityId}            → current911Calls [call, ...]              (officer+)
  unit-location-update  003's fields             → dispatch stores it, broadcasts unit-location-updated
  unit-status-update    {communityId, userId, status} → dispatch stores it, broadcasts unit-status-updated
  unitDetachedFromCall  {callId, odId, odName, reason} → calls.services.call_remove_unit (it broadcasts)

The last three need officer+, and an officer acts on their own unit only (dispatcher+ and API tokens on
any). Which events a socket receives is decided by `cad.events.audience` (the hub filters by role).
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from channels.db import database_sync_to_async
from rest_framework.exceptions import APIException

from cad.core.choices import Role
from cad.core.errors import DomainError

from . import domain
from .auth import AuthError, Principal, authenticate_token, community_id_of, community_role
from .hub import POSITION_EVENTS, Outbox, OutEvent, get_hub, now_iso, revalidate_seconds

logger = logging.getLogger(__name__)

WRITE_ROLE = Role.OFFICER  # reporting positions, statuses and detaching units
READ_ROLE = Role.OFFICER  # request-locations, request-911-calls (the REST reads they mirror are officer+)
ANY_UNIT_ROLE = Role.DISPATCHER  # acting on another user's unit (API tokens act as supervisors)


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class Codec:
    """How a transport encodes frames. `event(e)` → ((name, frame), ...), cached per event."""

    key: str
    event: Callable[[OutEvent], tuple[tuple[str, Any], ...]]
    reply: Callable[[str, Any, int, str], Any]


def _ws_frame(name: str, data_json: str, seq: int, ts: str) -> str:
    return f'{{"event":{_dumps(name)},"data":{data_json},"seq":{seq},"ts":{_dumps(ts)}}}'


WS_CODEC = Codec(
    key="ws",
    event=lambda e: tuple((n, _ws_frame(n, _dumps(e.data), e.seq, e.ts)) for n in e.names),
    reply=lambda name, data, seq, ts: _ws_frame(name, _dumps(data), seq, ts),
)


class Sink(Protocol):
    """Where a session's frames go: an `Outbox` and its writer task, or Socket.IO's `EngineIOQueue`."""

    def put(self, item: Any, *, urgent: bool = False) -> None: ...

    def close(self) -> None: ...


class ClientError(Exception):
    """Bad input from a client: answered with an `error` event, nothing changed."""


def _detail(exc: APIException) -> str:
    detail = exc.detail
    if isinstance(detail, dict):
        detail = next(iter(detail.values()), "")
    if isinstance(detail, list):
        detail = detail[0] if detail else ""
    return str(detail) or "Request refused."


class Session:
    """A client's state; `deliver` is called by the hub, `handle` by the transport."""

    def __init__(self, codec: Codec, principal: Principal | None = None, *, coalesced_only: bool = False,
                 outbox: Sink | None = None):
        self.codec = codec
        self.principal = principal
        self.coalesced_only = coalesced_only  # the web map: unitLocations instead of every position
        self.outbox: Sink = outbox if outbox is not None else Outbox()
        self.rooms: set[str] = set()
        self.last_seq: dict[str, int] = {}
        self.units: dict[str, set[str]] = {}  # community → unit IDs this socket reported positions for
        self.closed = False
        self.on_revoked: Callable[[], Awaitable[None]] | None = None  # the transport closes the connection
        self._roles: dict[str, tuple[float, asyncio.Future]] = {}
        self._own_units: dict[str, tuple[float, frozenset[str]]] = {}  # community → position keys of own units
        self._lock = asyncio.Lock()

    # -- server → client ----------------------------------------------------------------------------
    def deliver(self, event: OutEvent) -> None:
        self.last_seq[event.community_id] = max(event.seq, self.last_seq.get(event.community_id, 0))
        for name, frame in event.encoded(self.codec.key, self.codec.event):
            if self.coalesced_only and name in POSITION_EVENTS:
                continue
            self.outbox.put(frame, urgent=event.urgent)

    def reply(self, name: str, data: Any, community_id: str | None = None) -> None:
        seq = self.last_seq.get(community_id, 0) if community_id else 0
        self.outbox.put(self.codec.reply(name, data, seq, now_iso()))

    def error(self, event: str, message: str) -> None:
        self.reply("error", {"event": event, "message": message})

    # -- client → server ----------------------------------------------------------------------------
    async def handle(self, name: str, data: Any) -> None:
        handler = HANDLERS.get(name)
        if handler is None:
            self.error(name, f"Unknown event {name!r}.")
            return
        async with self._lock:  # one event at a time per client, in the order it sent them
            if self.closed:
                return
            try:
                await handler(self, data)
            except ClientError as exc:
                self.error(name, str(exc))
            except DomainError as exc:  # a service refused (not found, forbidden, conflict, invalid)
                self.error(name, exc.message)
            except APIException as exc:  # an edge refused with DRF's words
                self.error(name, _detail(exc))
            except Exception:
                logger.exception("realtime: %s failed", name)
                self.error(name, "Internal error.")

    async def role(self, community_id: str | None) -> Role | None:
        """The principal's role in the community (memoised for `revalidate_seconds()`)."""
        if community_id is None or self.principal is None:
            return None
        entry = self._roles.get(community_id)
        now = time.monotonic()
        if entry is None or now - entry[0] >= revalidate_seconds() or (entry[1].done() and (entry[1].cancelled() or entry[1].exception() is not None)):
            entry = self._roles[community_id] = (
                now, asyncio.ensure_future(community_role(self.principal, community_id)))
        return await asyncio.shield(entry[1])

    # -- revocation (called by the hub) ---------------------------------------------------------------
    def dropped(self, community_id: str, *, principal_valid: bool) -> None:
        self.rooms.discard(community_id)
        self._roles.pop(community_id, None)
        if not principal_valid:
            if self.principal is None:  # already revoked (dropped from another community first)
                return
            self.principal = None
            self._roles.clear()
            self.reply("error", {"event": "auth", "message": "Credentials revoked or expired."})
            asyncio.ensure_future(self._revoke())
            return
        self.reply("left-community", {"communityId": community_id, "reason": "access revoked"}, community_id)

    async def _revoke(self) -> None:
        if self.on_revoked is not None:
            await self.on_revoked()
        else:
            await self.close()

    async def require(self, data: Any, minimum: Role = Role.CIVILIAN) -> str:
        community_id = community_id_of(data)
        if community_id is None and isinstance(data, dict) and len(self.rooms) == 1:
            community_id = next(iter(self.rooms))
        if community_id is None:
            raise ClientError("A valid communityId is required.")
        role = await self.role(community_id)
        if role is None:
            raise ClientError("Not a member of this community.")
        if not role.at_least(minimum):
            raise ClientError(f"Requires the {minimum.label} role.")
        return community_id

    async def on_auth(self, data: Any) -> None:
        if self.principal is not None:
            raise ClientError("Already authenticated.")
        token = data.get("token") if isinstance(data, dict) else data
        try:
            self.principal = await authenticate_token(token if isinstance(token, str) else "")
        except AuthError as exc:
            raise ClientError(str(exc)) from exc
        self._roles.clear()
        self.reply("authenticated", {"name": self.principal.name})

    async def on_join(self, data: Any) -> None:
        community_id = await self.require(data)
        role = await self.role(community_id)
        if community_id not in self.rooms:
            self.rooms.add(community_id)
            await get_hub().join(community_id, self, role)
        self.reply("joined-community", {"communityId": community_id}, community_id)

    async def on_leave(self, data: Any) -> None:
        community_id = community_id_of(data)
        if community_id in self.rooms:
            self.rooms.discard(community_id)
            await get_hub().leave(community_id, self)
        self.reply("left-community", {"communityId": community_id}, community_id)

    async def on_request_locations(self, data: Any) -> None:
        community_id = await self.require(data, READ_ROLE)
        locations = await database_sync_to_async(domain.current_locations)(community_id)
        self.reply("currentLocations", locations, community_id)

    async def on_request_911_calls(self, data: Any) -> None:
        community_id = await self.require(data, READ_ROLE)
        calls = await database_sync_to_async(domain.active_911_calls)(community_id)
        self.reply("current911Calls", calls, community_id)

    async def on_unit_location(self, data: Any) -> None:
        community_id = await self.require(data, WRITE_ROLE)
        location = clean_location(data, community_id)
        if not await self.may_act_for_others(community_id) and not await self._owns(community_id, location["unitId"]):
            raise ClientError("You may only report your own unit's position.")
        self.units.setdefault(community_id, set()).add(location["unitId"])
        await domain.store_location(community_id, location)

    async def may_act_for_others(self, community_id: str) -> bool:
        role = await self.role(community_id)
        return role is not None and role.at_least(ANY_UNIT_ROLE)

    async def _owns(self, community_id: str, unit_key: str) -> bool:
        """Whether `unit_key` names one of the caller's own units (its id, game id or character);
        looked up again when unknown or older than `revalidate_seconds()` (positions come every ~2 s)."""
        if self.principal is None or self.principal.user_id is None:
            return False
        now = time.monotonic()
        entry = self._own_units.get(community_id)
        if entry is None or unit_key not in entry[1] or now - entry[0] >= revalidate_seconds():
            keys = await database_sync_to_async(domain.own_unit_keys)(community_id, self.principal.user_id)
            entry = self._own_units[community_id] = (now, frozenset(keys))
        return unit_key in entry[1]

    async def on_unit_status(self, data: Any) -> None:
        community_id = await self.require(data, WRITE_ROLE)
        change = clean_status(data)
        may_set_others = await self.may_act_for_others(community_id)
        await database_sync_to_async(domain.set_unit_status)(community_id, change, self.principal, may_set_others)

    async def on_detach(self, data: Any) -> None:
        community_id = await self.require(data, WRITE_ROLE)
        detach = clean_detach(data)
        may_detach_others = await self.may_act_for_others(community_id)
        await database_sync_to_async(domain.detach_unit)(community_id, detach, self.principal, may_detach_others)

    # -- lifecycle ----------------------------------------------------------------------------------
    async def close(self) -> None:
        """Leave every room and forget the units this socket was tracking (003 `disconnect`)."""
        if self.closed:
            return
        self.closed = True
        self.outbox.close()
        hub = get_hub()
        for community_id in tuple(self.rooms):
            await hub.leave(community_id, self)
        self.rooms.clear()
        units, self.units = self.units, {}
        for community_id, unit_ids in units.items():
            try:
                await database_sync_to_async(domain.forget_units)(community_id, sorted(unit_ids))
            except Exception:
                logger.exception("realtime: could not clean up units of a closed socket")
        for _created, future in self._roles.values():
            future.cancel()


HANDLERS: dict[str, Callable[[Session, Any], Awaitable[None]]] = {
    "auth": Session.on_auth,
    "join-community": Session.on_join,
    "leave-community": Session.on_leave,
    "request-locations": Session.on_request_locations,
    "request-911-calls": Session.on_request_911_calls,
    "unit-location-update": Session.on_unit_location,
    "unit-status-update": Session.on_unit_status,
    "unitDetachedFromCall": Session.on_detach,
}


# -- validation of client payloads ------------------------------------------------------------------
def _text(data: dict, key: str, *, required: bool = False, max_length: int = 80) -> str:
    value = data.get(key)
    if value is None or value == "":
        if required:
            raise ClientError(f"{key} is required.")
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ClientError(f"{key} must be a string.")
    value = str(value).strip()
    if len(value) > max_length:
        raise ClientError(f"{key} must be at most {max_length} characters.")
    if required and not value:
        raise ClientError(f"{key} is required.")
    return value


def _number(data: dict, key: str, *, required: bool = True, low: float | None = None,
            high: float | None = None) -> float | None:
    value = data.get(key)
    if value is None:
        if required:
            raise ClientError(f"{key} is required.")
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ClientError(f"{key} must be a number.")
    if (low is not None and value < low) or (high is not None and value > high):
        raise ClientError(f"{key} must be between {low} and {high}.")
    return float(value)


def clean_location(data: Any, community_id: str) -> dict:
    """003's unit-location-update fields, checked; the broadcast carries the same structure."""
    if not isinstance(data, dict):
        raise ClientError("Expected an object.")
    return {
        "communityId": community_id,
        "unitId": _text(data, "unitId", required=True),
        "unitName": _text(data, "unitName", max_length=60),
        "x": _number(data, "x", low=-1e6, high=1e6),
        "y": _number(data, "y", low=-1e6, high=1e6),
        "z": _number(data, "z", low=-1e6, high=1e6),
        "heading": _number(data, "heading", required=False, low=0, high=360) or 0.0,
        "postal": _text(data, "postal", max_length=16),
        "status": _text(data, "status", max_length=40),
        "timestamp": _text(data, "timestamp", max_length=40) or now_iso(),
    }


def clean_status(data: Any) -> dict:
    if not isinstance(data, dict):
        raise ClientError("Expected an object.")
    return {"userId": _text(data, "userId", required=True), "status": _text(data, "status", required=True, max_length=40)}


def clean_detach(data: Any) -> dict:
    if not isinstance(data, dict):
        raise ClientError("Expected an object.")
    return {
        "callId": _text(data, "callId", required=True),
        "odId": _text(data, "odId", required=True),
        "odName": _text(data, "odName", max_length=60),
        "reason": _text(data, "reason", max_length=200),
    }
