"""The per-process hub: one channel-layer subscription per community, fanned out to local sockets.

`cad.events` sends ONE channel-layer message per event to the community's group (or to its priority
group for panic). Sockets do not join channel-layer groups themselves: the hub of each process joins
a community's two groups once, as soon as one local socket is in that community's room, and leaves
them when the last one goes. Each message is read once per process and handed to every local
subscriber (a /ws consumer, a Socket.IO socket, an SSE stream) through its `Outbox`; the frames are
encoded once per event and transport (`OutEvent.encoded`), not once per socket. The delivery path
touches no database.

Panic travels on a second channel read by its own task (and, on Redis, through a second layer
instance, i.e. its own Redis list with its own capacity), and jumps the queue of every outbox, so a
flood of positions can neither crowd it out of the channel layer nor delay it behind a slow socket.

The live map's stream (`MapRole.COALESCED`, dispatch's `unitLocations`) arrives already coalesced: the
publisher folds a second's positions of a community into one event whose `parts` are the single
position events (`MapRole.POSITION`: `unitLocationUpdate`, `unit-location-updated`), so the hub adds no
window of its own. A position or removal (`MapRole.REMOVAL`) published on its own (a sync service, a
script) is folded into a `unitLocations` of one unit at once, so a map socket can rely on that stream
alone.

Audiences: each subscriber joins a community with its role there, and `dispatch` hands an event only
to subscribers whose role reaches `cad.events.audience(names)` (the one table of who receives what);
a personal event (`cad.events.recipient`) only to the sockets of the one user it names.
Revocation: every `revalidate_seconds()` (and at once on a `cad.revalidate` layer message, sent by
`token_revoke`) the hub re-checks the principal and role of every local subscriber in one batch
(`cad.realtime.auth.roles_now`): a subscriber whose role changed is re-ranked, one that lost its
membership is dropped from that community, one whose principal is no longer valid (revoked token,
inactive user, expired JWT) is dropped everywhere and told to close.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Protocol

from asgiref.sync import sync_to_async
from channels import DEFAULT_CHANNEL_LAYER
from channels.layers import InMemoryChannelLayer, channel_layers, get_channel_layer
from django.conf import settings

from cad.core.choices import Role
from cad.core.isotime import now_iso  # noqa: F401  (the transports stamp frames with it)
from cad.events import (
    REVALIDATE_MESSAGE,
    MapRole,
    audience,
    catalogue,
    community_group,
    current_seq,
    priority_group,
    recipient,
)

logger = logging.getLogger(__name__)

GROUP_REFRESH_SECONDS = 60.0  # re-add group membership: layers expire it after a day (restarts: _watch_broker)
BROKER_CHECK_SECONDS = 1.0  # how soon a Redis that lost its data (restart without persistence) is noticed
OUTBOX_LIMIT = 2000  # frames a socket may fall behind before it is disconnected (it resyncs on reconnect)
REVALIDATE_SECONDS = 60.0  # default bound on how long a revoked principal or membership keeps receiving


_map_names: dict[MapRole, tuple[int, frozenset[str]]] = {}


def map_names(role: MapRole) -> frozenset[str]:
    """The declared event names with a live-map role (memoised; re-read when the catalogue grows)."""
    size = len(catalogue.types)
    entry = _map_names.get(role)
    if entry is None or entry[0] != size:
        entry = _map_names[role] = (size, catalogue.names_with(role))
    return entry[1]


def revalidate_seconds() -> float:
    return float(getattr(settings, "REALTIME_REVALIDATE_SECONDS", REVALIDATE_SECONDS))


@dataclass(eq=False)
class OutEvent:
    """One event as received from the layer, with its per-transport encodings cached."""

    community_id: str
    names: tuple[str, ...]
    data: Any
    seq: int
    ts: str
    sse: tuple[tuple[str, Any], ...] = ()
    parts: tuple[tuple[str, Any], ...] = ()  # single events folded into this one (cad.events)
    urgent: bool = False
    min_rank: int = 0  # the rank of `cad.events.audience(names)`
    only_user: str | None = None  # a personal event: the one user it reaches (`cad.events.recipient`)
    _encoded: dict[Hashable, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.min_rank = audience((*self.names, *(name for name, _data in self.parts))).rank
        self.only_user = recipient(self.names, self.data)

    def reaches(self, principal: Any) -> bool:
        """Whether a socket of `principal` may get this event beyond its role: a personal event only
        reaches its user's sockets (an API token is nobody's, a revoked socket no one's)."""
        if self.only_user is None:
            return True
        user_id = getattr(principal, "user_id", None)
        return user_id is not None and getattr(principal, "kind", "") != "token" and str(user_id) == self.only_user

    @classmethod
    def from_message(cls, message: dict, *, urgent: bool = False) -> OutEvent:
        return cls(
            community_id=message["community"], names=tuple(message["names"]), data=message["data"],
            seq=message["seq"], ts=message["ts"], sse=tuple((n, p) for n, p in message.get("sse") or ()),
            parts=tuple((n, p) for n, p in message.get("parts") or ()), urgent=urgent,
        )

    def encoded(self, key: Hashable, encode: Callable[[OutEvent], Any]) -> Any:
        """`encode(self)`, computed once per event whatever the number of sockets (`key` names the encoding:
        a transport, or a transport and the selection of names a socket takes)."""
        try:
            return self._encoded[key]
        except KeyError:
            value = self._encoded[key] = encode(self)
            return value


class Outbox:
    """A socket's send queue: urgent frames first, a bounded backlog for the rest."""

    def __init__(self, limit: int | None = None):
        self.limit = limit or OUTBOX_LIMIT
        self._urgent: deque = deque()
        self._normal: deque = deque()
        self._ready = asyncio.Event()
        self.closed = False
        self.overflowed = False

    def put(self, item: Any, *, urgent: bool = False) -> None:
        if self.closed:
            return
        if urgent:
            self._urgent.append(item)
        elif len(self._normal) >= self.limit:
            self.overflowed = True
            self.close()
            return
        else:
            self._normal.append(item)
        self._ready.set()

    def close(self) -> None:
        self.closed = True
        self._ready.set()

    async def get(self) -> Any | None:
        """The next frame, or None once closed."""
        while True:
            if self.closed:
                return None
            if self._urgent:
                return self._urgent.popleft()
            if self._normal:
                return self._normal.popleft()
            self._ready.clear()
            await self._ready.wait()

    async def pump(self, write: Callable[[Any], Awaitable[None]]) -> None:
        """Write frames until closed (run as the socket's writer task)."""
        while (item := await self.get()) is not None:
            await write(item)


class Subscriber(Protocol):
    principal: Any  # cad.realtime.auth.Principal | None

    def deliver(self, event: OutEvent) -> None:
        """Queue `event` for this socket; must not block or touch the database."""

    def dropped(self, community_id: str, *, principal_valid: bool) -> None:
        """The hub removed this subscriber from the community (revalidation); if `principal_valid` is
        False its credentials are gone and it must close."""


def _unit_id(data: Any) -> str | None:
    if isinstance(data, dict):
        value = data.get("unitId") or data.get("unit_id")
        return str(value) if value not in (None, "") else None
    return None


class Hub:
    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.layer = get_channel_layer()
        # On Redis a second layer instance has its own receive list (and capacity): panic's own lane.
        # The in-memory layer gives each channel its own queue already, and must stay one instance.
        self.urgent_layer = (
            self.layer if isinstance(self.layer, InMemoryChannelLayer)
            else channel_layers.make_backend(DEFAULT_CHANNEL_LAYER)
        )
        self._members: dict[str, dict[Subscriber, int]] = {}  # community → subscriber → role rank
        self._subscribed: set[str] = set()
        self._locks: dict[str, asyncio.Lock] = {}
        self._start_lock = asyncio.Lock()
        self._channel: str | None = None
        self._urgent_channel: str | None = None
        self._tasks: list[asyncio.Task] = []
        self._revalidations: set[asyncio.Task] = set()
        self._closed = False
        self._watching = not isinstance(self.layer, InMemoryChannelLayer) and bool(settings.REDIS_URL)
        self._seen: dict[str, int] = {}  # community → highest seq dispatched (for the replay after a loss)
        self._replayed: dict[str, set[int]] = {}  # seqs replayed from the buffer: their layer copy is skipped

    # -- membership ---------------------------------------------------------------------------------
    def members(self, community_id: str) -> frozenset[Subscriber]:
        return frozenset(self._members.get(community_id, ()))

    async def join(self, community_id: str, subscriber: Subscriber, role: Role) -> None:
        """Deliver the community's events that `role` may receive to `subscriber`; returns once the
        process is subscribed. Callers have got `role` from `cad.realtime.auth.community_role`."""
        self._members.setdefault(community_id, {})[subscriber] = Role(role).rank
        await self._sync(community_id)

    async def leave(self, community_id: str, subscriber: Subscriber) -> None:
        members = self._members.get(community_id)
        if members is not None:
            members.pop(subscriber, None)
            if not members:
                del self._members[community_id]
        await self._sync(community_id)

    async def _sync(self, community_id: str) -> None:
        """Make the process's group membership match whether any local subscriber wants it."""
        if self._closed:
            return
        await self._start()
        lock = self._locks.setdefault(community_id, asyncio.Lock())
        async with lock:
            wanted = bool(self._members.get(community_id))
            if wanted == (community_id in self._subscribed):
                return
            if wanted:
                await self.layer.group_add(community_group(community_id), self._channel)
                await self.urgent_layer.group_add(priority_group(community_id), self._urgent_channel)
                self._subscribed.add(community_id)
                if self._watching:  # where a replay after a Redis loss starts
                    try:
                        self._seen[community_id] = max(self._seen.get(community_id, 0), await sync_to_async(
                            current_seq, thread_sensitive=False)(community_id))
                    except Exception:
                        logger.warning("realtime hub: no current seq for %s", community_id, exc_info=True)
            else:
                self._subscribed.discard(community_id)
                self._seen.pop(community_id, None)
                self._replayed.pop(community_id, None)
                await self.layer.group_discard(community_group(community_id), self._channel)
                await self.urgent_layer.group_discard(priority_group(community_id), self._urgent_channel)

    # -- reading the layer --------------------------------------------------------------------------
    async def _start(self) -> None:
        if self._tasks:
            return
        async with self._start_lock:
            if self._tasks:
                return
            self._channel = await self.layer.new_channel("hub.")
            self._urgent_channel = await self.urgent_layer.new_channel("hub-urgent.")
            self._tasks = [
                asyncio.create_task(self._read(self.layer, self._channel, urgent=False)),
                asyncio.create_task(self._read(self.urgent_layer, self._urgent_channel, urgent=True)),
                asyncio.create_task(self._refresh_groups()),
                asyncio.create_task(self._revalidate_loop()),
            ]
            if self._watching:
                self._tasks.append(asyncio.create_task(self._watch_broker()))

    async def _read(self, layer, channel: str, *, urgent: bool) -> None:
        while True:
            try:
                message = await layer.receive(channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("realtime hub: receive failed on %s; retrying", channel)
                await asyncio.sleep(1)
                continue
            try:
                self.dispatch(message, urgent=urgent)
            except Exception:
                logger.exception("realtime hub: could not deliver %s", message.get("names"))

    async def _refresh_groups(self) -> None:
        while True:
            await asyncio.sleep(GROUP_REFRESH_SECONDS)
            for community_id in tuple(self._subscribed):
                try:
                    await self.layer.group_add(community_group(community_id), self._channel)
                    await self.urgent_layer.group_add(priority_group(community_id), self._urgent_channel)
                except Exception:
                    logger.exception("realtime hub: could not refresh groups of %s", community_id)

    async def _watch_broker(self) -> None:
        """Notice at once when Redis comes back from an outage or has lost its data. A restart without
        persistence forgets every group membership (the layer would deliver this process nothing until
        the next refresh); each check swaps a marker key of this hub (SET ... GET), so a missing marker or
        a failed check followed by a good one means: re-add the groups now, and replay from the recent
        buffer what was published between Redis coming back and the groups being re-added."""
        import redis.asyncio

        client = redis.asyncio.Redis.from_url(settings.REDIS_URL, socket_timeout=5, socket_connect_timeout=2)
        marker = f"cad-hub-alive:{self._channel}"
        broken = False
        try:
            while True:
                await asyncio.sleep(BROKER_CHECK_SECONDS)
                try:
                    previous = await client.set(marker, 1, ex=max(60, int(GROUP_REFRESH_SECONDS * 2)), get=True)
                except asyncio.CancelledError:
                    raise
                except Exception:
                    if not broken:
                        logger.warning("realtime hub: Redis unreachable; re-joining groups once it is back")
                    broken = True
                    continue
                if previous is None or broken:  # also the first check: the groups may have gone already
                    broken = not await self.rejoin(data_lost=previous is None)
        finally:
            await client.aclose()

    async def rejoin(self, *, data_lost: bool) -> bool:
        """Re-add this process's groups and hand local subscribers what the recent buffer holds beyond
        what the hub has seen (events sent while the groups were missing). False if Redis refused."""
        from cad.events import Lane, lane, recent_events

        for community_id in tuple(self._subscribed):
            try:
                await self.layer.group_add(community_group(community_id), self._channel)
                await self.urgent_layer.group_add(priority_group(community_id), self._urgent_channel)
                seen = self._seen.get(community_id)
                if seen is None and not data_lost:
                    continue  # nothing known to compare with, and the groups were kept: nothing was missed
                missed = await sync_to_async(recent_events, thread_sensitive=False)(community_id, seen or 0)
            except Exception:
                logger.warning("realtime hub: could not re-join the groups of %s", community_id, exc_info=True)
                return False
            if missed:
                logger.warning("realtime hub: replaying %d events of %s after a Redis loss", len(missed), community_id)
            replayed = self._replayed.setdefault(community_id, set())
            for message in missed:
                replayed.add(message["seq"])
                self.dispatch(message, urgent=lane(message["names"]) == Lane.PRIORITY, replay=True)
        return True

    # -- revocation -----------------------------------------------------------------------------------
    async def _revalidate_loop(self) -> None:
        while True:
            await asyncio.sleep(revalidate_seconds())
            try:
                await self.revalidate()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("realtime hub: revalidation failed; retrying next round")

    async def revalidate(self, communities: set[str] | None = None) -> None:
        """Re-check the principal and role of every local subscriber (of `communities`, default all)."""
        from channels.db import database_sync_to_async

        from .auth import roles_now

        checked = [(community_id, sub, sub.principal)
                   for community_id, members in self._members.items() if communities is None or community_id in communities
                   for sub in members if getattr(sub, "principal", None) is not None]
        if not checked:
            return
        valid, roles = await database_sync_to_async(roles_now)({(p, c) for c, _sub, p in checked})
        changed: set[str] = set()
        for community_id, sub, principal in checked:
            members = self._members.get(community_id)
            if not members or sub not in members:
                continue  # left meanwhile
            role = roles.get((principal, community_id))
            if role is not None:
                members[sub] = role.rank
                continue
            members.pop(sub, None)
            if not members:
                del self._members[community_id]
            changed.add(community_id)
            try:
                sub.dropped(community_id, principal_valid=principal in valid)
            except Exception:
                logger.exception("realtime hub: could not drop a subscriber")
        for community_id in changed:
            await self._sync(community_id)

    def dispatch(self, message: dict, *, urgent: bool = False, replay: bool = False) -> None:
        """Hand one layer message to the local subscribers of its community that may receive it."""
        kind = message.get("type")
        if kind == REVALIDATE_MESSAGE:
            if message.get("community") in self._members:
                task = self.loop.create_task(self.revalidate({message["community"]}))
                self._revalidations.add(task)  # keep a reference until it is done
                task.add_done_callback(self._revalidations.discard)
            return
        if kind != "cad.event":
            return
        community_id = message.get("community")
        members = self._members.get(community_id)
        if not members:
            return
        seq = message["seq"]
        if not replay:
            replayed = self._replayed.get(community_id)
            if replayed and seq in replayed:
                replayed.discard(seq)  # its layer copy, after it was replayed from the buffer
                return
        if seq > self._seen.get(community_id, 0):
            self._seen[community_id] = seq
        event = OutEvent.from_message(message, urgent=urgent)
        min_rank = event.min_rank
        personal = event.only_user is not None
        for subscriber, rank in tuple(members.items()):
            if rank >= min_rank and (not personal or event.reaches(getattr(subscriber, "principal", None))):
                subscriber.deliver(event)
        if not map_names(MapRole.POSITION).isdisjoint(event.names):
            self._fold(event, removal=False)
        elif not map_names(MapRole.REMOVAL).isdisjoint(event.names):
            self._fold(event, removal=True)

    # -- the live map's stream ----------------------------------------------------------------------
    def _fold(self, event: OutEvent, *, removal: bool) -> None:
        """A position or removal published on its own: the map stream's message of one unit, now."""
        unit_id = _unit_id(event.data)
        kind = catalogue.with_role(MapRole.COALESCED)
        if unit_id is None or kind is None:  # no app declared a coalesced map stream
            return
        data = kind.build(community_id=event.community_id, units={} if removal else {unit_id: event.data},
                          removed=[unit_id] if removal else [])
        folded = OutEvent(community_id=event.community_id, names=kind.names, data=data, seq=event.seq, ts=event.ts)
        for subscriber, rank in tuple(self._members.get(event.community_id, {}).items()):
            if rank >= folded.min_rank:
                subscriber.deliver(folded)

    async def close(self) -> None:
        """Stop reading and leave every group (tests; a process that ends needs none of it)."""
        self._closed = True
        for community_id in tuple(self._subscribed):
            try:
                await self.layer.group_discard(community_group(community_id), self._channel)
                await self.urgent_layer.group_discard(priority_group(community_id), self._urgent_channel)
            except Exception:
                logger.exception("realtime hub: could not leave the groups of %s", community_id)
        self._subscribed.clear()
        self._members.clear()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []


_hubs: dict[asyncio.AbstractEventLoop, Hub] = {}


def get_hub() -> Hub:
    """The hub of the running event loop (one per process in production; one per test loop)."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        for old in [old for old in _hubs if old.is_closed()]:
            del _hubs[old]
        hub = _hubs[loop] = Hub()
    return hub
