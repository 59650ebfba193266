"""One connected client, whatever its transport: its rooms, its client events, its outbox.

The /ws consumer and the Socket.IO server both wrap a `Session`; they only differ in how a frame is
encoded (`Codec`) and written. The kernel handles the client events every socket has:

  auth                  {token}                  → authenticated {name} | error
  join-community        "<id>" | {communityId[, events][, lastSeq]} → joined-community {communityId} | error
                        (with lastSeq: then the missed events still kept, then resync {..., complete})
  leave-community       "<id>" | {communityId}   → left-community {communityId}

`events` (a list of event names, /ws only) asks for those names only: a web page that uses `new-call`
needs none of its four aliases (each would be another frame on every socket). Socket.IO sockets always
get every name (003's clients listen for the name they know).

Domain apps register their own client events with `client_event` (`dispatch/sockets.py`,
`calls/sockets.py`, found by `cad.realtime.apps`); a handler gets the session and the client's data,
answers with `session.reply` or raises `ClientError` (an `error` event, nothing changed). Which events
a socket receives is decided by `cad.events.audience` (the hub filters by role).
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

from asgiref.sync import sync_to_async
from rest_framework.exceptions import APIException

from cad.core.choices import Role
from cad.core.errors import DomainError
from cad.events import MapRole

from .auth import AuthError, Principal, authenticate_token, community_id_of, community_role
from .hub import Outbox, OutEvent, get_hub, map_names, now_iso, revalidate_seconds
from .wire import DirectSocket, text_frame

logger = logging.getLogger(__name__)

MAX_EVENT_NAMES = 64  # names a /ws socket may ask for at join


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class Codec:
    """How a transport encodes frames. `event(e)` → ((name, frame), ...), cached per event; `text(frame)`
    is the frame's WebSocket text (for the direct path, `cad.realtime.wire`)."""

    key: str
    event: Callable[[OutEvent], tuple[tuple[str, Any], ...]]
    reply: Callable[[str, Any, int, str], Any]
    text: Callable[[Any], str] = str

    def wire(self, event: OutEvent) -> tuple[tuple[str, bytes], ...]:
        """The event's WebSocket frames, ready to write (computed once per event and transport)."""
        return tuple((name, text_frame(self.text(frame)))
                     for name, frame in event.encoded(self.key, self.event))


def _ws_frame(name: str, data_json: str, seq: int, ts: str) -> str:
    return f'{{"event":{_dumps(name)},"data":{data_json},"seq":{seq},"ts":{_dumps(ts)}}}'


def _ws_frames(e: OutEvent) -> tuple[tuple[str, str], ...]:
    """One frame per name, then one per part (a single event folded into this one, same `seq`)."""
    data_json = _dumps(e.data)
    return (*((n, _ws_frame(n, data_json, e.seq, e.ts)) for n in e.names),
            *((n, _ws_frame(n, _dumps(data), e.seq, e.ts)) for n, data in e.parts))


WS_CODEC = Codec(
    key="ws",
    event=_ws_frames,
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
                 outbox: Sink | None = None, direct: DirectSocket | None = None):
        self.codec = codec
        self.principal = principal
        self.coalesced_only = coalesced_only  # the web map: unitLocations instead of every position
        self.outbox: Sink = outbox if outbox is not None else Outbox()
        self.direct = direct  # frames go straight to the connection (cad.realtime.wire); else the outbox
        self.on_overflow: Callable[[], Awaitable[None]] | None = None  # the transport closes a too-slow socket
        self.rooms: set[str] = set()
        self.last_seq: dict[str, int] = {}
        self.wanted: frozenset[str] | None = None  # event names asked for at join (None: every name)
        self.state: dict[str, Any] = {}  # what registered client-event handlers keep per socket
        self.closed = False
        self.on_revoked: Callable[[], Awaitable[None]] | None = None  # the transport closes the connection
        self._roles: dict[str, tuple[float, asyncio.Future]] = {}
        self._lock = asyncio.Lock()
        self._holding: dict[str, list[OutEvent]] = {}  # live events held while a join replays missed ones

    # -- server → client ----------------------------------------------------------------------------
    def deliver(self, event: OutEvent) -> None:
        self.last_seq[event.community_id] = max(event.seq, self.last_seq.get(event.community_id, 0))
        if self._holding and event.community_id in self._holding:  # a join is replaying what was missed
            self._holding[event.community_id].append(event)
            return
        self._write(event)

    def _write(self, event: OutEvent) -> None:
        direct = self.direct
        if direct is not None:
            # Every frame this socket takes of the event, in one write: the same bytes for every socket of
            # this codec and selection, so joined once per event and selection, and one system call per
            # socket instead of one per name (a new call is five names on Socket.IO).
            frames = event.encoded((self.codec.key, "wire", self.wanted, self.coalesced_only), self._wire_bytes)
            if frames and not direct.write(frames):
                self._direct_failed()
            return
        wanted = self.wanted
        positions = map_names(MapRole.POSITION) if self.coalesced_only else ()
        for name, frame in event.encoded(self.codec.key, self.codec.event):
            if (wanted is not None and name not in wanted) or name in positions:
                continue
            self.outbox.put(frame, urgent=event.urgent)

    def _wire_bytes(self, event: OutEvent) -> bytes:
        wanted = self.wanted
        positions = map_names(MapRole.POSITION) if self.coalesced_only else ()
        return b"".join(frame for name, frame in event.encoded(self.codec.key + ".wire", self.codec.wire)
                        if (wanted is None or name in wanted) and name not in positions)

    def reply(self, name: str, data: Any, community_id: str | None = None) -> None:
        seq = self.last_seq.get(community_id, 0) if community_id else 0
        frame = self.codec.reply(name, data, seq, now_iso())
        if self.direct is not None:
            if not self.direct.write(text_frame(self.codec.text(frame))):
                self._direct_failed()
            return
        self.outbox.put(frame)

    def _direct_failed(self) -> None:
        """A direct write was refused: the connection is closing (its transport cleans up), or the
        socket fell `wire.MAX_BUFFERED` bytes behind and is closed (it resyncs on reconnect)."""
        direct = self.direct
        if direct is None or not direct.overflowed or self.closed or self.on_overflow is None:
            return
        callback, self.on_overflow = self.on_overflow, None
        asyncio.ensure_future(callback())

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
        if isinstance(data, dict) and data.get("events") is not None:
            self.wanted = _event_names(data["events"])
        after = _last_seq(data)
        role = await self.role(community_id)
        if after is not None:
            self._holding[community_id] = []
        try:
            if community_id not in self.rooms:
                self.rooms.add(community_id)
                await get_hub().join(community_id, self, role)
            self.reply("joined-community", {"communityId": community_id}, community_id)
            if after is not None and role is not None:
                await self._resync(community_id, after, role)
        finally:
            for event in self._holding.pop(community_id, ()):
                self._write(event)

    async def _resync(self, community_id: str, after: int, role: Role) -> None:
        """A client back from an outage names the last seq it got: it is sent the events it missed that
        the recent buffer still holds and may see (subscribed first, so nothing falls between), then
        `resync {communityId, lastSeq, seq, replayed, complete}`. `complete: false` means some missed
        events are no longer kept (or the numbering restarted): it must fetch the current state."""
        from cad.events import Lane, Missed, lane, missed_since

        try:
            missed = await sync_to_async(missed_since, thread_sensitive=False)(community_id, after)
        except Exception:
            logger.warning("realtime: no recent events for a resync of %s", community_id, exc_info=True)
            missed = Missed(seq=self.last_seq.get(community_id, 0), events=[], complete=False)
        held = self._holding.get(community_id, [])
        sent = {event.seq for event in held}  # those go out after the replay anyway
        replayed = 0
        for message in missed.events:
            if message["seq"] in sent:
                continue
            event = OutEvent.from_message(message, urgent=lane(message["names"]) == Lane.PRIORITY)
            if event.min_rank <= role.rank and event.reaches(self.principal):
                self.last_seq[community_id] = max(event.seq, self.last_seq.get(community_id, 0))
                self._write(event)
                replayed += 1
        self.reply("resync", {"communityId": community_id, "lastSeq": after,
                              "seq": max(missed.seq, self.last_seq.get(community_id, 0)),
                              "replayed": replayed, "complete": missed.complete}, community_id)

    async def on_leave(self, data: Any) -> None:
        community_id = community_id_of(data)
        if community_id in self.rooms:
            self.rooms.discard(community_id)
            await get_hub().leave(community_id, self)
        self.reply("left-community", {"communityId": community_id}, community_id)

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
        for hook in CLOSE_HOOKS:
            try:
                await hook(self)
            except Exception:
                logger.exception("realtime: a close hook failed")
        for _created, future in self._roles.values():
            future.cancel()


def _last_seq(data: Any) -> int | None:
    value = data.get("lastSeq") if isinstance(data, dict) else None
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**53:
        raise ClientError("lastSeq must be the seq of the last event received (a whole number).")
    return value


def _event_names(value: Any) -> frozenset[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or len(value) > MAX_EVENT_NAMES or not all(
            isinstance(n, str) and 0 < len(n) <= 80 for n in value):
        raise ClientError(f"events must be a list of at most {MAX_EVENT_NAMES} event names.")
    return frozenset(value)


# -- client events: the kernel's and the ones domain apps register --------------------------------------
Handler = Callable[["Session", Any], Awaitable[None]]


HANDLERS: dict[str, Handler] = {}
CLOSE_HOOKS: list[Callable[[Session], Awaitable[None]]] = []


def client_event(name: str) -> Callable[[Handler], Handler]:
    """Register `handler(session, data)` for the client event `name` (one handler per name). A handler
    checks the caller's role with `session.require(data, minimum_role)`, which answers `error`."""

    def register(handler: Handler) -> Handler:
        existing = HANDLERS.get(name)
        if existing is not None and existing is not handler:
            raise ValueError(f"client event {name!r} is already handled by {existing.__qualname__}")
        HANDLERS[name] = handler
        return handler

    return register


def on_session_close(hook: Callable[[Session], Awaitable[None]]) -> Callable[[Session], Awaitable[None]]:
    """Run `hook(session)` when a session closes (after it left its rooms); failures are logged."""
    if hook not in CLOSE_HOOKS:
        CLOSE_HOOKS.append(hook)
    return hook


client_event("auth")(Session.on_auth)
client_event("join-community")(Session.on_join)
client_event("leave-community")(Session.on_leave)


# -- validation of client payloads ------------------------------------------------------------------
def text_field(data: dict, key: str, *, required: bool = False, max_length: int = 80) -> str:
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


def number_field(data: dict, key: str, *, required: bool = True, low: float | None = None,
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
