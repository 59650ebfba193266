"""The one publishing path for real-time events.

`publish(community_id, name, payload)` is called by services (and tasks) inside their transaction; the
event leaves only after the commit (`transaction.on_commit`), so nobody sees a change that was rolled
back. Each event gets the community's next sequence number and a timestamp so a client can tell that
it missed something. Who receives it is decided here and only here: the community's group (its
priority group for panic), nothing else. `cad.realtime` delivers the group's messages to WebSocket,
Socket.IO and SSE clients (see docs/realtime.md).

Aliases (003's `new-911-call` / `new-call` / `newCall`) travel as one message carrying every name:
the transports fan them out locally, so three names cost one trip through the channel layer.

Sequence numbers and the bounded recent-events buffer (SSE `Last-Event-ID` replay) live in Redis when
REDIS_URL is set (one atomic script: INCR + RPUSH + LTRIM, shared by every process), else in the
process's cache under a lock. In that embedded mode the channel layer is in memory, so an event raised
in a Celery worker is forwarded to the web process (`cad.realtime.bridge`), which numbers and sends it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from cad.core.choices import Role
from cad.core.isotime import now_iso

logger = logging.getLogger(__name__)

RECENT_EVENTS = 200  # bounded replay buffer per community (SSE Last-Event-ID)
RECENT_TTL = 3600


def community_group(community_id: Any) -> str:
    """The channel-layer group of a community (also 003's Socket.IO room name)."""
    return f"community-{community_id}"


def priority_group(community_id: Any) -> str:
    """Panic and other life-safety events travel on their own group so a flood of positions
    on the main group can never push them out of a full channel."""
    return f"community-{community_id}.priority"


PRIORITY_EVENTS = frozenset({"panic-button", "panic", "signal100", "signal-100"})

# -- audiences: the minimum role that receives an event ------------------------------------------------
# Choosing who receives an event is a security decision, made here and only here. Every transport
# delivers an event to a socket only when the socket's role in the community is at least `audience()`
# (an API token acts as a supervisor: it gets everything of its own community). Unlisted events go to
# officers and above, like the REST reads they mirror (calls, 911 data, BOLOs, records, units,
# positions, panic, characters/vehicles/licenses of anyone). Only what every member may see is listed.
DEFAULT_AUDIENCE = Role.OFFICER
EVENT_AUDIENCE: dict[str, Role] = {
    "new-announcement": Role.CIVILIAN,
    "announcement-removed": Role.CIVILIAN,
    "areaOfPlayUpdated": Role.CIVILIAN,
    "aop-updated": Role.CIVILIAN,
    "signal100": Role.CIVILIAN,  # civilians must know the radio is restricted
    "signal-100": Role.CIVILIAN,
}


def audience(names: Sequence[str]) -> Role:
    """The minimum role that may receive an event carrying `names`: the strictest of its names'."""
    return max((EVENT_AUDIENCE.get(n, DEFAULT_AUDIENCE) for n in names), key=lambda r: r.rank,
               default=DEFAULT_AUDIENCE)


REVALIDATE_MESSAGE = "cad.revalidate"


@dataclass(frozen=True)
class Event:
    community_id: str
    names: tuple[str, ...]
    data: Any
    seq: int
    ts: str
    sse: tuple[tuple[str, Any], ...] = field(default=())

    def as_message(self) -> dict:
        return {
            "type": "cad.event",
            "community": self.community_id,
            "names": list(self.names),
            "data": self.data,
            "seq": self.seq,
            "ts": self.ts,
            "sse": [list(pair) for pair in self.sse],
        }

    @property
    def group(self) -> str:
        if PRIORITY_EVENTS.intersection(self.names):
            return priority_group(self.community_id)
        return community_group(self.community_id)


def _jsonable(payload: Any) -> Any:
    return json.loads(json.dumps(payload, cls=DjangoJSONEncoder))


def _now() -> str:
    return now_iso()


# -- sequence numbers and the recent-events buffer ------------------------------------------------------
_RECORD_SCRIPT = """
local seq = redis.call('INCR', KEYS[1])
redis.call('RPUSH', KEYS[2], ARGV[1] .. seq .. ARGV[2])
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[3]), -1)
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[4]))
return seq
"""


class _RedisStore:
    """Shared by every process: one round trip numbers the event and appends it to the buffer."""

    def __init__(self, url: str, prefix: str):
        import redis

        self.url = url
        self.prefix = prefix
        self.client = redis.Redis.from_url(url)
        self.script = self.client.register_script(_RECORD_SCRIPT)
        self._async: dict[asyncio.AbstractEventLoop, Any] = {}

    def _keys(self, community_id: str) -> list[str]:
        return [f"{self.prefix}:events:seq:{community_id}", f"{self.prefix}:events:recent:{community_id}"]

    @staticmethod
    def _args(event: Event) -> list:
        rest = json.dumps({k: v for k, v in event.as_message().items() if k != "seq"}, separators=(",", ":"))
        return ['{"seq":', "," + rest[1:], RECENT_EVENTS, RECENT_TTL]

    def record(self, event: Event) -> int:
        return int(self.script(keys=self._keys(event.community_id), args=self._args(event)))

    async def arecord(self, event: Event) -> int:
        import redis.asyncio

        loop = asyncio.get_running_loop()
        client = self._async.get(loop)
        if client is None:
            for old in [old for old in self._async if old.is_closed()]:
                del self._async[old]
            client = self._async[loop] = redis.asyncio.Redis.from_url(self.url)
        return int(await client.eval(_RECORD_SCRIPT, 2, *self._keys(event.community_id), *self._args(event)))

    def recent(self, community_id: str) -> list[dict]:
        return [json.loads(raw) for raw in self.client.lrange(self._keys(community_id)[1], 0, -1)]


class _CacheStore:
    """Embedded mode: the process's own cache (the web process numbers every event, see the bridge)."""

    _lock = threading.Lock()

    def record(self, event: Event) -> int:
        seq_key, recent_key = f"events:seq:{event.community_id}", f"events:recent:{event.community_id}"
        with self._lock:
            seq = (cache.get(seq_key) or 0) + 1
            cache.set(seq_key, seq, None)
            recent = cache.get(recent_key) or []
            recent.append(event.as_message() | {"seq": seq})
            cache.set(recent_key, recent[-RECENT_EVENTS:], RECENT_TTL)
        return seq

    async def arecord(self, event: Event) -> int:
        return self.record(event)  # in-process memory: no I/O to wait for

    def recent(self, community_id: str) -> list[dict]:
        return list(cache.get(f"events:recent:{community_id}") or [])


_stores: dict[str, _RedisStore | _CacheStore] = {}


def _store() -> _RedisStore | _CacheStore:
    url = settings.REDIS_URL
    store = _stores.get(url)
    if store is None:
        prefix = settings.CACHES["default"].get("KEY_PREFIX") or "cad"
        store = _stores[url] = _RedisStore(url, prefix) if url else _CacheStore()
    return store


def recent_events(community_id: Any, after_seq: int) -> list[dict]:
    """Layer messages of the community's recent events with a sequence number above `after_seq`."""
    return [m for m in _store().recent(str(community_id)) if m["seq"] > after_seq]


# -- publishing ---------------------------------------------------------------------------------------
def publish(
    community_id: Any,
    name: str,
    payload: Any,
    *,
    aliases: Sequence[str] = (),
    sse: Sequence[tuple[str, Any]] = (),
) -> None:
    """Publish `name` (and its `aliases`) with `payload` to the community, after the commit.

    `sse` carries the 004 snake_case twins for `/fivem/events` as (event name, payload) pairs; the
    SSE transport sends those, the socket transports send `name` and `aliases`.
    """
    community_id = str(community_id)
    names = (name, *aliases)
    data = _jsonable(payload)
    sse_pairs = tuple((n, _jsonable(p)) for n, p in sse)
    transaction.on_commit(lambda: _send(community_id, names, data, sse_pairs), robust=True)


@dataclass(frozen=True)
class _Control:
    """An internal layer message (not an event: no seq, never delivered to a client)."""

    community_id: str
    type: str
    extra: tuple[tuple[str, Any], ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.type,)

    @property
    def group(self) -> str:
        return community_group(self.community_id)

    def as_message(self) -> dict:
        return {"type": self.type, "community": self.community_id, **dict(self.extra)}


def publish_revalidate(community_id: Any) -> None:
    """After the commit, ask every process's hub to re-check the sockets in the community now (an API
    token was revoked, a membership changed) instead of at its next periodic check."""
    control = _Control(str(community_id), REVALIDATE_MESSAGE)
    transaction.on_commit(lambda: _sender.submit(control), robust=True)


def _unnumbered(community_id: str, names: tuple[str, ...], data: Any, sse: tuple) -> Event:
    return Event(community_id=community_id, names=tuple(names), data=data, seq=0, ts=_now(),
                 sse=tuple((n, p) for n, p in sse))


def _send(community_id: str, names: tuple[str, ...], data: Any, sse: tuple) -> Event | None:
    """Number the event and send it to its group (sync; after the commit). Returns the event, or None
    when it was handed to the web process (embedded mode, from a Celery worker)."""
    event = _unnumbered(community_id, names, data, sse)
    if _forwarding():
        from cad.realtime.bridge import forward

        forward(event)
        return None
    try:
        event = _numbered(event, _store().record(event))
    except Exception:  # a dead broker must not fail the request that already committed: the sender
        logger.warning("could not number %s now; it is sent once the broker is back", names, exc_info=True)
    _sender.submit(event)  # numbers it later if it could not be numbered now (seq 0)
    return event


_SEND = _send


async def apublish(community_id: Any, name: str, payload: Any, *, aliases: Sequence[str] = (),
                   sse: Sequence[tuple[str, Any]] = ()) -> None:
    """Async twin for async code that writes no database rows (nothing to wait a commit for).
    Native: no thread hop on the position-ingest path."""
    args = (str(community_id), (name, *aliases), _jsonable(payload), tuple((n, _jsonable(p)) for n, p in sse))
    if _send is not _SEND or _forwarding():  # a wrapped `_send` (test fixtures) sees every event
        await sync_to_async(_send, thread_sensitive=False)(*args)
        return
    await asend(_unnumbered(*args))


async def asend(event: Event) -> Event:
    """Number `event` and queue it for its group from async code (the bridge's receiving end too)."""
    try:
        event = _numbered(event, await _store().arecord(event))
    except Exception:
        logger.exception("could not number %s", event.names)
        return event
    _sender.submit(event)
    return event


class _Sender:
    """Sends layer messages in the order they were numbered, one at a time per event loop.

    In the web process a request thread must not wait for the channel layer (four Redis round trips
    for a group_send, on an event loop that is busy writing to sockets): the message is queued on
    the server's loop and the request goes on. Elsewhere (Celery, commands, sync tests) a private
    loop thread sends it and the caller waits, so a process that exits right after publishing loses
    nothing; the loop and its Redis connections are reused rather than made per event.
    """

    MAX_BACKLOG = 10_000

    def __init__(self) -> None:
        self._queues: dict[asyncio.AbstractEventLoop, tuple[asyncio.Queue, asyncio.Task]] = {}
        self._own_loop: asyncio.AbstractEventLoop | None = None
        self._own_pid = 0
        self._lock = threading.Lock()

    RETRY_MAX_SECONDS = 2.0

    def submit(self, event: Event) -> None:
        loop = _server_loop()
        if loop is not None:
            loop.call_soon_threadsafe(self._enqueue, event)
            return
        own = self._private_loop()
        future = asyncio.run_coroutine_threadsafe(self._send_now(event), own)
        try:
            future.result(timeout=10)
        except Exception:
            # The broker is down (a Redis restart): keep it, in order, and retry from this process's own
            # loop; a long-lived worker delivers it once the broker is back.
            logger.warning("could not publish %s to %s now; retrying", event.names, event.group, exc_info=True)
            own.call_soon_threadsafe(self._enqueue, event)

    def _enqueue(self, event: Event) -> None:
        loop = asyncio.get_running_loop()
        entry = self._queues.get(loop)
        if entry is None:
            for old in [old for old in self._queues if old.is_closed()]:
                del self._queues[old]
            queue: asyncio.Queue = asyncio.Queue()
            entry = self._queues[loop] = (queue, loop.create_task(self._drain(queue)))
        queue = entry[0]
        if queue.qsize() >= self.MAX_BACKLOG:
            logger.error("channel layer backlog full: dropping %s", event.names)
            return
        queue.put_nowait(event)

    async def _drain(self, queue: asyncio.Queue) -> None:
        while True:
            event = await queue.get()
            delay = 0.1
            while True:  # in order: what was raised during a broker outage (a panic) goes out once it is back
                try:
                    await self._send_now(event)
                    break
                except Exception:
                    if delay == 0.1:
                        logger.warning("could not publish %s to %s; retrying until the broker is back",
                                       event.names, event.group, exc_info=True)
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, self.RETRY_MAX_SECONDS)

    @staticmethod
    async def _send_now(event: Event) -> None:
        if getattr(event, "seq", None) == 0:  # could not be numbered when it was raised (broker down): number it now
            event = _numbered(event, await _store().arecord(event))
        layer = get_channel_layer()
        if layer is not None:
            await layer.group_send(event.group, event.as_message())

    def _private_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            # A forked child (Celery prefork) inherits the loop object but not the thread running it.
            if self._own_loop is None or self._own_loop.is_closed() or self._own_pid != os.getpid():
                loop = asyncio.new_event_loop()
                threading.Thread(target=loop.run_forever, name="cad-events-sender", daemon=True).start()
                self._own_loop, self._own_pid = loop, os.getpid()
            return self._own_loop


_sender = _Sender()


def _server_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop of the ASGI server this code runs under (in its loop, or in a thread that
    asgiref's sync_to_async started from it), or None in a process without one."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        pass
    from asgiref.sync import SyncToAsync

    local = SyncToAsync.threadlocal
    if getattr(local, "main_event_loop_pid", None) == os.getpid():
        loop = getattr(local, "main_event_loop", None)
        if loop is not None and loop.is_running():
            return loop
    return None


def _numbered(event: Event, seq: int) -> Event:
    return Event(community_id=event.community_id, names=event.names, data=event.data, seq=seq, ts=event.ts,
                 sse=event.sse)


def _forwarding() -> bool:
    """Embedded mode (in-memory layer) outside the web process: hand events to the web process."""
    if settings.REDIS_URL:
        return False
    from cad.realtime.bridge import should_forward

    return should_forward()
