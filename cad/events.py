"""The one publishing path for real-time events.

`publish(community_id, name, payload)` is called by services (and tasks) inside their transaction; the
event leaves only after the commit (`transaction.on_commit`), so nobody sees a change that was rolled
back. Each event gets the community's next sequence number and a timestamp so a client can tell that
it missed something. Who receives it is decided here and only here: the community's group, nothing
else. `cad.realtime` delivers the group's messages to WebSocket, Socket.IO and SSE clients.

Aliases (003's `new-911-call` / `new-call` / `newCall`) travel as one message carrying every name:
the transports fan them out locally, so three names cost one trip through the channel layer.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

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


def _jsonable(payload: Any) -> Any:
    return json.loads(json.dumps(payload, cls=DjangoJSONEncoder))


def next_seq(community_id: str) -> int:
    key = f"events:seq:{community_id}"
    try:
        return cache.incr(key)
    except ValueError:
        cache.add(key, 0, None)
        return cache.incr(key)


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


def _send(community_id: str, names: tuple[str, ...], data: Any, sse: tuple) -> Event:
    event = Event(
        community_id=community_id, names=names, data=data, seq=next_seq(community_id),
        ts=datetime.now(UTC).isoformat().replace("+00:00", "Z"), sse=sse,
    )
    _remember(event)
    layer = get_channel_layer()
    if layer is None:
        return event
    group = priority_group(community_id) if PRIORITY_EVENTS.intersection(names) else community_group(community_id)
    try:
        async_to_sync(layer.group_send)(group, event.as_message())
    except Exception:  # a dead broker must not fail the request that already committed
        logger.exception("could not publish %s to %s", names, group)
    return event


async def apublish(community_id: Any, name: str, payload: Any, *, aliases: Sequence[str] = (),
                   sse: Sequence[tuple[str, Any]] = ()) -> None:
    """Async twin for async views that write no database rows (nothing to wait a commit for)."""
    from asgiref.sync import sync_to_async

    await sync_to_async(_send, thread_sensitive=False)(
        str(community_id), (name, *aliases), _jsonable(payload), tuple((n, _jsonable(p)) for n, p in sse)
    )


def _remember(event: Event) -> None:
    key = f"events:recent:{event.community_id}"
    recent = cache.get(key) or []
    recent.append(event.as_message())
    cache.set(key, recent[-RECENT_EVENTS:], RECENT_TTL)


def recent_events(community_id: Any, after_seq: int) -> list[dict]:
    return [m for m in (cache.get(f"events:recent:{community_id}") or []) if m["seq"] > after_seq]


