"""The one publishing path for real-time events.

`publish(community_id, name, payload)` is called by services (and tasks) inside their transaction; the
event leaves only after the commit (`transaction.on_commit`), so nobody sees a change that was rolled
back. Each event gets the community's next sequence number and a timestamp so a client can tell that
it missed something. Who receives it is decided here and only here: the community's group (its
priority group for panic), nothing else. `cad.realtime` delivers the group's messages to WebSocket,
Socket.IO and SSE clients (see docs/realtime.md).

Aliases (003's `new-911-call` / `new-call` / `newCall`) travel as one message carrying every name:
the transports fan them out locally, so three names cost one trip through the channel layer. In the
same way an event may carry `parts`, single events folded into it (the live map's `unitLocations` carries
the 003 `unitLocationUpdate` of each unit it moves): one message, one `seq`, and each socket that takes
single events gets every part as a frame of its own.

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
import time
import types
from collections import abc
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal, NotRequired, Union, get_args, get_origin, get_type_hints, is_typeddict

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
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


# -- the catalogue: every event an app publishes, declared in `<app>/events.py` ---------------------------
# Choosing who receives an event is a security decision: each app declares, next to the event, the
# minimum role that receives it (`audience`). Every transport delivers an event to a socket only when
# the socket's role in the community is at least `audience()` (an API token acts as a supervisor: it
# gets everything of its own community). The default is officers and above, like the REST reads the
# events mirror (calls, 911 data, BOLOs, records, units, positions, panic, characters of anyone); a
# name no catalogue declares gets that default too (fail-closed).
#
# A personal event (`recipient`) narrows that further to one user: the catalogue's `recipient(payload)`
# names the user ID that alone receives it (a civilian's own 911 call), on any socket of theirs, and no
# one else whatever their role, API tokens included; a payload that names nobody reaches nobody.
DEFAULT_AUDIENCE = Role.OFFICER


class Lane(StrEnum):
    NORMAL = "normal"
    PRIORITY = "priority"  # life-safety (panic, Signal 100): its own group, ahead of every queue


class MapRole(StrEnum):
    """An event's part in the live map's stream (see cad.realtime.hub)."""

    POSITION = "position"  # a unit's new position: a part of the coalesced message (map sockets skip it)
    REMOVAL = "removal"  # a unit left the map
    COALESCED = "coalesced"  # the coalesced message itself (one a second per community and process)


@dataclass(frozen=True)
class EventType:
    """One event: its name and aliases, who receives it, its lane, and its typed payload builder (whose
    return annotation, a TypedDict, is the payload's declaration, unless `payload` names it), plus its
    004 SSE twin if it has one. Declarations describe the payload as JSON (a datetime is a string).

    `aliases` lists every alias the event may carry; a publisher may send a subset (003 sends
    `new911Call` only for 911 calls)."""

    name: str
    build: Callable[..., Any]
    aliases: tuple[str, ...] = ()
    audience: Role = DEFAULT_AUDIENCE
    lane: Lane = Lane.NORMAL
    sse: str | None = None
    sse_build: Callable[..., Any] | None = None
    sse_aliases: tuple[str, ...] = ()  # other names the SSE twin may take (same payload)
    map_role: MapRole | None = None
    recipient: Callable[[Any], Any] | None = None  # personal: payload → the one user ID that receives it
    doc: str = ""
    payload: Any = None  # the TypedDict, when `build` is not annotated with it
    sse_payload: Any = None

    def __post_init__(self) -> None:
        # /fivem/events streams to a game server's token, which is nobody's: a personal event must not
        # have a twin there (its replay checks roles, not recipients).
        if self.recipient is not None and (self.sse is not None or self.sse_build is not None):
            raise ValueError(f"{self.name}: a personal event (recipient=) cannot have an SSE twin")

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    @property
    def schema(self) -> Any:
        return self.payload if self.payload is not None else get_type_hints(self.build)["return"]

    @property
    def sse_schema(self) -> Any:
        if self.sse_payload is not None:
            return self.sse_payload
        return get_type_hints(self.sse_build)["return"] if self.sse_build is not None else None

    def publish(self, community_id: Any, payload: Any, *, aliases: Sequence[str] | None = None,
                sse: Any = None) -> None:
        """Publish this event after the commit; `aliases` (a subset of the declared ones) defaults to
        all of them, `sse` is the SSE twin's payload."""
        chosen = self.aliases if aliases is None else tuple(aliases)
        unknown = set(chosen) - set(self.aliases)
        if unknown:
            raise ValueError(f"{self.name}: undeclared aliases {sorted(unknown)}")
        if (sse is not None) != (self.sse is not None):
            raise ValueError(f"{self.name}: the SSE twin {self.sse!r} needs its payload (and only it)")
        publish(community_id, self.name, payload, aliases=chosen,
                sse=[(self.sse, sse)] if self.sse is not None else ())


class Catalogue:
    """Every declared event, by name and by alias (apps register theirs from `<app>/events.py`)."""

    def __init__(self) -> None:
        self.types: dict[str, EventType] = {}
        self._by_name: dict[str, EventType] = {}

    def register(self, *types: EventType) -> None:
        for event_type in types:
            for name in event_type.names:
                existing = self._by_name.get(name)
                if existing is not None and existing is not event_type:
                    raise ValueError(f"event name {name!r} is declared twice ({existing.name}, {event_type.name})")
            self.types[event_type.name] = event_type
            for name in event_type.names:
                self._by_name[name] = event_type

    def get(self, name: str) -> EventType | None:
        return self._by_name.get(name)

    def with_role(self, role: MapRole) -> EventType | None:
        return next((t for t in self.types.values() if t.map_role == role), None)

    def names_with(self, role: MapRole) -> frozenset[str]:
        return frozenset(n for t in self.types.values() if t.map_role == role for n in t.names)

    def __iter__(self):
        return iter(tuple(self.types.values()))


catalogue = Catalogue()


def declare(*types: EventType) -> tuple[EventType, ...]:
    """Register an app's events (called at the import of `<app>/events.py`)."""
    catalogue.register(*types)
    return types


def audience(names: Sequence[str]) -> Role:
    """The minimum role that may receive an event carrying `names`: the strictest of its names'."""
    roles = [t.audience if (t := catalogue.get(n)) is not None else DEFAULT_AUDIENCE for n in names]
    return max(roles, key=lambda r: r.rank, default=DEFAULT_AUDIENCE)


class _AudienceTable(Mapping):
    """`EVENT_AUDIENCE[name]`: the audience of every declared name that is not the default."""

    def _table(self) -> dict[str, Role]:
        return {n: t.audience for t in catalogue for n in t.names if t.audience != DEFAULT_AUDIENCE}

    def __getitem__(self, name: str) -> Role:
        return self._table()[name]

    def __iter__(self):
        return iter(self._table())

    def __len__(self) -> int:
        return len(self._table())


EVENT_AUDIENCE = _AudienceTable()

NOBODY = ""  # the recipient of a personal event whose payload names no user: no socket matches it


def recipient(names: Sequence[str], data: Any) -> str | None:
    """The one user ID a personal event goes to (`NOBODY` when its payload names none), or None for an
    event that goes to its audience (see `audience`). Transports compare it with a socket's user."""
    for name in names:
        event_type = catalogue.get(name)
        if event_type is not None and event_type.recipient is not None:
            try:
                user_id = event_type.recipient(data)
            except (KeyError, TypeError, AttributeError):
                return NOBODY
            return str(user_id) if user_id not in (None, "") else NOBODY
    return None


def lane(names: Sequence[str]) -> Lane:
    return Lane.PRIORITY if any((t := catalogue.get(n)) is not None and t.lane == Lane.PRIORITY for n in names) \
        else Lane.NORMAL


# -- payload declarations are checked in tests (`STRICT`): a payload that does not match raises -----------
STRICT = False


class PayloadMismatch(TypeError):
    pass


def check_payload(schema: Any, value: Any, where: str = "payload") -> list[str]:
    """Differences between a JSON value and a TypedDict-style declaration (empty when it matches)."""
    if schema is Any or schema is object:
        return []
    origin = get_origin(schema)
    if is_typeddict(schema):
        if not isinstance(value, dict):
            return [f"{where}: expected an object, got {type(value).__name__}"]
        # Read NotRequired from the resolved hints: modules with postponed annotations hide it from
        # `__required_keys__` on Python 3.11.
        hints = get_type_hints(schema, include_extras=True)
        optional = {k for k, h in hints.items() if get_origin(h) is NotRequired}
        hints = {k: (get_args(h)[0] if k in optional else h) for k, h in hints.items()}
        required = set(hints) - optional if schema.__total__ else set(schema.__required_keys__)
        problems = [f"{where}.{key}: missing" for key in hints if key in required and key not in value]
        problems += [f"{where}.{key}: not declared" for key in value if key not in hints]
        for key, item in value.items():
            if key in hints:
                problems += check_payload(hints[key], item, f"{where}.{key}")
        return problems
    if origin in (Union, types.UnionType):
        options = [check_payload(arg, value, where) for arg in get_args(schema)]
        return [] if any(not o for o in options) else min(options, key=len)
    if origin is Literal:
        return [] if value in get_args(schema) else [f"{where}: {value!r} not one of {get_args(schema)}"]
    if origin in (list, tuple, Sequence, abc.Sequence):
        if not isinstance(value, list):
            return [f"{where}: expected a list, got {type(value).__name__}"]
        (item_type, *_rest) = get_args(schema) or (Any,)
        return [p for i, item in enumerate(value) for p in check_payload(item_type, item, f"{where}[{i}]")]
    if origin in (dict, Mapping, abc.Mapping):
        if not isinstance(value, dict):
            return [f"{where}: expected an object, got {type(value).__name__}"]
        value_type = (get_args(schema) or (str, Any))[1]
        return [p for k, item in value.items() for p in check_payload(value_type, item, f"{where}[{k!r}]")]
    if schema is None or schema is type(None):
        return [] if value is None else [f"{where}: expected null, got {value!r}"]
    if schema is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    elif schema is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif isinstance(schema, type):
        ok = isinstance(value, schema)
    else:
        return [f"{where}: cannot check against {schema!r}"]
    return [] if ok else [f"{where}: expected {getattr(schema, '__name__', schema)}, got {value!r}"]


def _checked(names: tuple[str, ...], data: Any, sse: tuple, parts: tuple = ()) -> None:
    for part_name, part_data in parts:
        _checked((part_name,), part_data, ())
    event_type = catalogue.get(names[0])
    if event_type is None:
        raise PayloadMismatch(f"{names[0]!r} is declared in no app's events.py")
    problems = check_payload(event_type.schema, data)
    for sse_name, sse_payload in sse:
        if sse_name != event_type.sse and sse_name not in event_type.sse_aliases:
            problems.append(f"SSE twin {sse_name!r} is not {event_type.name}'s ({event_type.sse!r})")
        else:
            problems += check_payload(event_type.sse_schema, sse_payload, "sse")
    if problems:
        raise PayloadMismatch(f"{names[0]}: " + "; ".join(problems[:10]))


REVALIDATE_MESSAGE = "cad.revalidate"


@dataclass(frozen=True)
class Event:
    community_id: str
    names: tuple[str, ...]
    data: Any
    seq: int
    ts: str
    sse: tuple[tuple[str, Any], ...] = field(default=())
    parts: tuple[tuple[str, Any], ...] = field(default=())  # (name, payload): single events folded into this one

    def as_message(self) -> dict:
        message = {
            "type": "cad.event",
            "community": self.community_id,
            "names": list(self.names),
            "data": self.data,
            "seq": self.seq,
            "ts": self.ts,
            "sse": [list(pair) for pair in self.sse],
        }
        if self.parts:
            message["parts"] = [list(pair) for pair in self.parts]
        return message

    def replay_message(self) -> dict:
        """What the recent-events buffer keeps: the message without its parts (the buffer serves SSE
        replay, which sends only the `sse` twins; a part repeats what `data` already holds)."""
        return {k: v for k, v in self.as_message().items() if k != "parts"}

    @property
    def group(self) -> str:
        if lane(self.names) == Lane.PRIORITY:
            return priority_group(self.community_id)
        return community_group(self.community_id)


def _jsonable(payload: Any) -> Any:
    return json.loads(json.dumps(payload, cls=DjangoJSONEncoder))


def _now() -> str:
    return now_iso()


# -- sequence numbers and the recent-events buffer ------------------------------------------------------
def seq_floor() -> int:
    """Where a community's counter starts when it has none: the current time in milliseconds. A Redis
    without persistence forgets its counters when it restarts (and the embedded store when the web
    process restarts); starting again from the clock keeps numbers above every number given before
    (unless the community averaged more than 1,000 events a second since its counter last started), so a
    client sees a jump — a gap, which it resyncs on — and never a number going backwards."""
    return time.time_ns() // 1_000_000


_RECORD_SCRIPT = """
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('SET', KEYS[1], ARGV[5]) end
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
        rest = json.dumps({k: v for k, v in event.replay_message().items() if k != "seq"}, separators=(",", ":"))
        return ['{"seq":', "," + rest[1:], RECENT_EVENTS, RECENT_TTL, seq_floor()]

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

    def current(self, community_id: str) -> int:
        return int(self.client.get(self._keys(community_id)[0]) or 0)


class _CacheStore:
    """Embedded mode: this process's memory (the web process numbers every event, see the bridge), for
    as long as the process's cache keeps its content (`cad.core.procmem`)."""

    _lock = threading.Lock()

    def __init__(self) -> None:
        from collections import deque

        from cad.core.procmem import CacheBound

        # community → [sequence number, recent layer messages]
        self._state: CacheBound[dict[str, list]] = CacheBound("events", dict)
        self._deque = deque

    def _community(self, community_id: str) -> list:
        state = self._state.get()
        entry = state.get(community_id)
        if entry is None:
            entry = state[community_id] = [seq_floor(), self._deque(maxlen=RECENT_EVENTS)]
        return entry

    def record(self, event: Event) -> int:
        with self._lock:
            entry = self._community(event.community_id)
            entry[0] += 1
            entry[1].append(event.replay_message() | {"seq": entry[0]})
            return entry[0]

    async def arecord(self, event: Event) -> int:
        return self.record(event)  # in-process memory: no I/O to wait for

    def recent(self, community_id: str) -> list[dict]:
        with self._lock:
            return list(self._community(community_id)[1])

    def current(self, community_id: str) -> int:
        with self._lock:
            entry = self._state.get().get(community_id)
            return entry[0] if entry is not None else 0


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


def current_seq(community_id: Any) -> int:
    """The community's last sequence number (0 when it has none)."""
    return _store().current(str(community_id))


@dataclass(frozen=True)
class Missed:
    """What a client that last saw `after_seq` missed: the community's current number, the kept events
    after `after_seq`, and whether those are all of them (else it must fetch the current state)."""

    seq: int
    events: list[dict]
    complete: bool


def missed_since(community_id: Any, after_seq: int) -> Missed:
    store = _store()
    community_id = str(community_id)
    kept = store.recent(community_id)
    current = max(store.current(community_id), kept[-1]["seq"] if kept else 0)
    events = [m for m in kept if m["seq"] > after_seq]
    # Complete when nothing was missed, or the buffer still holds the event right after `after_seq`. A
    # client ahead of the counter has numbers from before a reset it cannot be told about: refetch.
    complete = after_seq == current or (after_seq < current and bool(kept) and kept[0]["seq"] <= after_seq + 1)
    return Missed(seq=current, events=events, complete=complete)


# -- publishing ---------------------------------------------------------------------------------------
def publish(
    community_id: Any,
    name: str,
    payload: Any,
    *,
    aliases: Sequence[str] = (),
    sse: Sequence[tuple[str, Any]] = (),
    parts: Sequence[tuple[str, Any]] = (),
) -> None:
    """Publish `name` (and its `aliases`) with `payload` to the community, after the commit.

    `sse` carries the 004 snake_case twins for `/fivem/events` as (event name, payload) pairs; the
    SSE transport sends those, the socket transports send `name` and `aliases`. `parts` are declared
    single events folded into this one, as (name, payload) pairs (see the module's doc).
    """
    community_id = str(community_id)
    names = (name, *aliases)
    data = _jsonable(payload)
    sse_pairs = tuple((n, _jsonable(p)) for n, p in sse)
    part_pairs = tuple((n, _jsonable(p)) for n, p in parts)
    if STRICT:
        _checked(names, data, sse_pairs, part_pairs)
    transaction.on_commit(lambda: _send(community_id, names, data, sse_pairs, part_pairs), robust=True)


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


def _unnumbered(community_id: str, names: tuple[str, ...], data: Any, sse: tuple, parts: tuple = ()) -> Event:
    return Event(community_id=community_id, names=tuple(names), data=data, seq=0, ts=_now(),
                 sse=tuple((n, p) for n, p in sse), parts=tuple((n, p) for n, p in parts))


_recorders: list[Callable[[Event], None]] = []


@contextmanager
def recorder(on_event: Callable[[Event], None]) -> Iterator[None]:
    """Call `on_event` with every event sent while the block runs (after its commit, before numbering):
    the public way for tests and tools to see what was published.

        with recorder(lambda e: seen.append((e.names, e.data, e.sse))): ...
    """
    _recorders.append(on_event)
    try:
        yield
    finally:
        _recorders.remove(on_event)


def _send(community_id: str, names: tuple[str, ...], data: Any, sse: tuple, parts: tuple = ()) -> Event | None:
    """Number the event and send it to its group (sync; after the commit). Returns the event, or None
    when it was handed to the web process (embedded mode, from a Celery worker)."""
    event = _unnumbered(community_id, names, data, sse, parts)
    for record in list(_recorders):
        record(event)
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
                   sse: Sequence[tuple[str, Any]] = (), parts: Sequence[tuple[str, Any]] = (),
                   json_native: bool = False) -> None:
    """Async twin for async code that writes no database rows (nothing to wait a commit for).
    Native: no thread hop on the position-ingest path. `json_native=True` says the payloads hold only
    JSON types already (str, int, float, bool, None, list, dict), so they skip the encoder's round trip."""
    jsonable = (lambda value: value) if json_native else _jsonable
    args = (str(community_id), (name, *aliases), jsonable(payload), tuple((n, jsonable(p)) for n, p in sse),
            tuple((n, jsonable(p)) for n, p in parts))
    if STRICT:
        _checked(*args[1:])
    if _send is not _SEND or _recorders or _forwarding():  # a recorder (tests) sees every event
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
                 sse=event.sse, parts=event.parts)


def _forwarding() -> bool:
    """Embedded mode (in-memory layer) outside the web process: hand events to the web process."""
    if settings.REDIS_URL:
        return False
    from cad.realtime.bridge import should_forward

    return should_forward()
