"""Live unit positions: the latest one per tracked unit, in Redis (or the embedded cache), never in a table.

A position is keyed by the id its sender tracks the unit by (000's `unitId`, 004's `character_id`, or
our `Unit.id`). Per community, Redis holds:

- `<prefix>:dispatch:pos:<community>`   hash  id → JSON entry (the 003 `unitLocationUpdate` shape plus
                                        `ts`, epoch seconds); one command per request, whatever its size
- `<prefix>:dispatch:seen:<community>`  hash  id → `ts` of a position the prune removed, so the 4 h idle
                                        sweep still knows when a unit last moved
- `<prefix>:dispatch:communities`       set   communities that have positions (what the sweeps visit)

Readers hide entries older than `UNIT_POSITION_TTL_SECONDS` even before the beat prunes them. Prune and
removal run as Lua scripts, so each removed entry is reported to exactly one caller (one event, however
many workers race). A community has at most a few hundred tracked units, so the prune's scan of the
hash is small. Without REDIS_URL the same layout lives in this process's memory under a lock, for as long
as its (local-memory) cache keeps its content (`cad.core.procmem`).
"""

from __future__ import annotations

import asyncio
import functools
import threading
import weakref
from collections.abc import Iterable

import orjson
from django.conf import settings
from django.core.signals import setting_changed

from cad.core import geo as transform
from cad.core import isotime, ratelimit
from cad.core.procmem import CacheBound

# The batch route serialises every position it stores: orjson is several times faster than json.
dumps, loads = orjson.dumps, orjson.loads

# GTA V world → the API's lat/lng: one transform for the whole product, in cad.core.geo (the live map
# page builds its Leaflet CRS from the same module).
to_lat_lng = transform.to_lat_lng


def ttl_seconds() -> int:
    return settings.UNIT_POSITION_TTL_SECONDS


def iso(ts: float) -> str:
    return isotime.iso(ts)  # type: ignore[return-value]


def make_entry(*, community_id: str, unit_id: str, x: float, y: float, z: float, heading: float, ts: float,
               unit_name: str = "", job: str = "", status: str = "", postal: str = "",
               character_id: str | None = None) -> dict:
    """The stored entry: what was reported plus `ts` (epoch seconds). `public()` derives the rest."""
    return {
        "unitId": unit_id, "unitName": unit_name or unit_id, "x": x, "y": y, "z": z, "heading": heading,
        "job": job, "status": status, "postal": postal, "communityId": community_id, "characterId": character_id,
        "ts": ts,
    }


def public(entry: dict) -> dict:
    """003's `unitLocationUpdate` payload of a stored entry: adds `lat`/`lng`, `timestamp`, `lastUpdate`."""
    lat, lng = to_lat_lng(entry["x"], entry["y"])
    stamp = iso(entry["ts"])
    out = {k: v for k, v in entry.items() if k != "ts"}
    out.update(lat=lat, lng=lng, timestamp=stamp, lastUpdate=stamp)
    return out


# --- Redis ----------------------------------------------------------------------------------------
def _prefix() -> str:
    return f"{settings.CACHES['default'].get('KEY_PREFIX') or 'cad'}:dispatch"


# What the ingest reads on every request, worked out once per configuration (emptied when a setting changes):
# settings are a lazy proxy whose every attribute read is a Python call.
_memo: dict = {}


def _forget(**_kwargs) -> None:
    _memo.clear()


setting_changed.connect(_forget)


def _keys(community_id: str) -> tuple[str, str]:
    p = _prefix()
    return f"{p}:pos:{community_id}", f"{p}:seen:{community_id}"


def _communities_key() -> str:
    return f"{_prefix()}:communities"


_PRUNE_LUA = """
local all = redis.call('HGETALL', KEYS[1])
local cutoff = tonumber(ARGV[1])
local out = {}
for i = 1, #all, 2 do
  local ts = cjson.decode(all[i + 1])['ts']
  if ts < cutoff then
    redis.call('HDEL', KEYS[1], all[i])
    redis.call('HSET', KEYS[2], all[i], ts)
    out[#out + 1] = all[i + 1]
  end
end
if redis.call('HLEN', KEYS[1]) == 0 then
  redis.call('SREM', KEYS[3], ARGV[2])  -- an idle community costs the sweep nothing until it reports again
end
return out
"""
# The ingest's write: every position of a request and the community's membership of the sweeps' set in one
# command. HSET takes the pairs in slices (Lua's unpack has a stack limit of a few thousand values).
_WRITE_LUA = b"""
for i = 2, #ARGV, 1000 do
  redis.call('HSET', KEYS[1], unpack(ARGV, i, math.min(i + 999, #ARGV)))
end
redis.call('SADD', KEYS[2], ARGV[1])
return 1
"""
# The same write with the request's rate-limit count in front (cad.core.ratelimit.COUNT_LUA): the ingest's
# one round trip. KEYS: positions, communities, counter; ARGV: ttl, limit, community, then the pairs.
_COUNTED_WRITE_LUA = ratelimit.COUNT_LUA + b"""
for i = 4, #ARGV, 1000 do
  redis.call('HSET', KEYS[1], unpack(ARGV, i, math.min(i + 999, #ARGV)))
end
redis.call('SADD', KEYS[2], ARGV[3])
return count
"""
_MISSING_LUA = """
local out = {}
for _, id in ipairs(ARGV) do
  if redis.call('HEXISTS', KEYS[1], id) == 0 then out[#out + 1] = id end
end
return out
"""
_REMOVE_LUA = """
local out = {}
for _, id in ipairs(ARGV) do
  local v = redis.call('HGET', KEYS[1], id)
  redis.call('HDEL', KEYS[1], id)
  redis.call('HDEL', KEYS[2], id)
  if v then out[#out + 1] = v end
end
return out
"""

_sync_client = None
_async_clients: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # one pool per event loop


def _redis():
    global _sync_client
    if _sync_client is None:
        import redis

        _sync_client = redis.Redis.from_url(settings.REDIS_URL)
    return _sync_client


# (loop, client, its _Line) of the latest call: the ingest's one loop without two weak-key lookups (each makes a
# weak reference) and an import statement per request.
_current: tuple = (None, None, None)


def _aredis():
    loop = asyncio.get_running_loop()
    if _current[0] is loop:
        return _current[1]
    client = _async_clients.get(loop)
    if client is None:
        import redis.asyncio as aioredis

        client = _async_clients[loop] = aioredis.Redis.from_url(settings.REDIS_URL)
    return client


def _use_redis() -> bool:
    use = _memo.get("redis")
    if use is None:
        use = _memo["redis"] = bool(settings.REDIS_URL)
    return use


uses_redis = _use_redis


def setting(name: str, default=None):
    """`getattr(settings, name, default)`, read once per configuration (for the ingest's hot path)."""
    key = ("setting", name)
    try:
        return _memo[key]
    except KeyError:
        value = _memo[key] = getattr(settings, name, default)
        return value


def _fresh(entries: Iterable[dict], now_ts: float) -> list[dict]:
    cutoff = now_ts - ttl_seconds()
    return [e for e in entries if e["ts"] >= cutoff]


def _group(entries: list[dict]) -> dict[str, list[dict]]:
    by_community: dict[str, list[dict]] = {}
    for e in entries:
        by_community.setdefault(e["communityId"], []).append(e)
    return by_community


async def awrite(entries: list[dict]) -> None:
    """Store entries: one command per community (a request's positions are all of one community)."""
    if not entries:
        return
    if not _use_redis():
        write(entries)  # process memory under a lock (no I/O): no thread hop
        return
    client = _aredis()
    for cid, group in _group(entries).items():
        pos, _seen = _keys(cid)
        args = [b"EVAL", _WRITE_LUA, b"2", pos.encode(), _communities_key().encode(), cid.encode()]
        for e in group:
            args += (e["unitId"].encode(), dumps(e))
        await _asend_packed(client, _resp(args))


def counts_in_write(w: ratelimit.Window) -> str | None:
    """The Redis key of the rate-limit window `w` if `awrite_counted` can count it in the same command as
    the write (positions and the cache on Redis), else None."""
    return ratelimit.redis_key(w) if _use_redis() else None


async def awrite_counted(entries: list[dict], w: ratelimit.Window, counter: str) -> int:
    """Count the request in `w` (`counter` = `counts_in_write(w)`) and, unless that count is over the limit,
    store its entries (all of one community): one command, one round trip. Returns the count, which the
    caller hands to `ratelimit.check`."""
    cid = entries[0]["communityId"]
    heads = _memo.setdefault("heads", {})
    head = heads.get((cid, counter))
    if head is None:  # the arguments before the pairs are the same for a community's every request in `w`
        if len(heads) > 1000:
            heads.clear()
        pos, _seen = _keys(cid)
        head = heads[cid, counter] = _resp_args([
            b"EVAL", _COUNTED_WRITE_LUA, b"3", pos.encode(), _communities_key().encode(), counter.encode(),
            str(w.ttl).encode(), str(w.limit).encode(), cid.encode()])
    out = [b"*%d\r\n" % (9 + 2 * len(entries)), head]
    for e in entries:
        unit_id, entry = e["unitId"].encode(), dumps(e)
        out += (b"$%d\r\n" % len(unit_id), unit_id, b"\r\n$%d\r\n" % len(entry), entry, b"\r\n")
    return int(await _asend_packed(_aredis(), b"".join(out)))


def _resp(args: list[bytes]) -> bytes:
    """A command in Redis's wire format. redis-py's general packer costs about three times as much for
    a batch's 200 arguments, a third of the write's CPU on the ingest path."""
    return b"*%d\r\n" % len(args) + _resp_args(args)


def _resp_args(args: list[bytes]) -> bytes:
    out = []
    for arg in args:
        out += (b"$%d\r\n" % len(arg), arg, b"\r\n")
    return b"".join(out)


class _Line:
    """One connection of a client carrying every ingest request's command, pipelined: commands queued
    while a batch is out leave together in one write when its replies are in (Redis answers a connection's
    commands in order), so concurrent requests share one system call each way instead of one each (the
    write's system call was the largest single cost of an ingest request on Redis)."""

    def __init__(self, client):
        self.client = client
        self.conn = None
        self.queue: list[tuple[bytes, asyncio.Future]] = []
        self.pump: asyncio.Task | None = None

    async def call(self, packed: bytes):
        future = asyncio.get_running_loop().create_future()
        self.queue.append((packed, future))
        if self.pump is None:
            self.pump = asyncio.get_running_loop().create_task(self._pump())
        return await future

    async def _pump(self) -> None:
        from redis.exceptions import ResponseError

        batch: list[tuple[bytes, asyncio.Future]] = []
        try:
            while self.queue:
                batch, self.queue = self.queue, []
                if self.conn is None:
                    self.conn = self.client.connection_pool.make_connection()
                await self.conn.send_packed_command([packed for packed, _future in batch], check_health=False)
                for _packed, future in batch:
                    try:
                        reply = await self.conn.read_response()
                    except ResponseError as exc:  # an error reply: the connection is still in step
                        reply = exc
                    if not future.done():
                        (future.set_exception if isinstance(reply, ResponseError) else future.set_result)(reply)
                batch = []
        except BaseException as exc:  # the connection broke (or the loop is closing): fail what is out
            conn, self.conn = self.conn, None
            if conn is not None:
                await conn.disconnect(nowait=True)
            for _packed, future in (*batch, *self.queue):
                if not future.done():
                    future.set_exception(exc if isinstance(exc, Exception) else ConnectionError("closed"))
            self.queue = []
            if not isinstance(exc, Exception):
                raise
        finally:
            self.pump = None


_lines: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # client → its _Line


@functools.cache
def _broken_connection() -> tuple[type[BaseException], ...]:
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    return RedisConnectionError, RedisTimeoutError, OSError


async def _asend_packed(client, packed: bytes):
    """Send a packed command on the client's pipelined line and read its answer; a broken connection is
    dropped and the command tried once more on a fresh one (as redis-py's retry does). A reply lost after
    the script ran means it runs twice: the position write is idempotent, and the rate-limit count errs by
    one request towards limiting, which only a broken connection can cause."""
    global _current
    loop, current, line = _current
    if current is not client or loop is not asyncio.get_running_loop():
        line = _lines.get(client)
        if line is None:
            line = _lines[client] = _Line(client)
        loop = asyncio.get_running_loop()
        _current = (loop, client, line) if _async_clients.get(loop) is client else (None, None, None)
    for attempt in (1, 2):
        try:
            return await line.call(packed)
        except _broken_connection():
            if attempt == 2:
                raise
    return None


async def amissing(community_id: str, unit_ids: list[str]) -> set[str]:
    """The ids among `unit_ids` that have no stored position (taken off the map since they reported)."""
    if not unit_ids:
        return set()
    if not _use_redis():
        with _lock:
            pos = _memory.get().get(community_id, ({}, {}))[0]
            return {i for i in unit_ids if i not in pos}
    raw = await _aredis().eval(_MISSING_LUA, 1, _keys(community_id)[0], *unit_ids)
    return {v.decode() if isinstance(v, bytes) else v for v in raw}


def write(entries: list[dict]) -> None:
    if not entries:
        return
    if _use_redis():
        pipe = _redis().pipeline(transaction=False)
        _queue_write(pipe, entries)
        pipe.execute()
        return
    with _lock:
        for cid, group in _group(entries).items():
            pos, seen = _local(cid)
            for e in group:
                pos[e["unitId"]] = e
                seen[e["unitId"]] = e["ts"]
            _local_save(cid, pos, seen)


def _queue_write(pipe, entries: list[dict]) -> None:
    for cid, group in _group(entries).items():
        pipe.hset(_keys(cid)[0], mapping={e["unitId"]: dumps(e) for e in group})
        pipe.sadd(_communities_key(), cid)


def read(community_id: str, *, now_ts: float) -> list[dict]:
    """Fresh entries of a community, oldest first."""
    if _use_redis():
        raw = _redis().hvals(_keys(community_id)[0])
        entries = [loads(v) for v in raw]
    else:
        with _lock:
            entries = list(_local(community_id)[0].values())
    return sorted(_fresh(entries, now_ts), key=lambda e: e["ts"])


def remove(community_id: str, unit_ids: Iterable[str]) -> list[dict]:
    """Drop positions (and their last-seen time) now; returns the entries that existed."""
    ids = [str(i) for i in unit_ids if i]
    if not ids:
        return []
    if _use_redis():
        raw = _redis().eval(_REMOVE_LUA, 2, *_keys(community_id), *ids)
        return [loads(v) for v in raw]
    with _lock:
        pos, seen = _local(community_id)
        gone = [pos.pop(i) for i in ids if i in pos]
        for i in ids:
            seen.pop(i, None)
        _local_save(community_id, pos, seen)
    return gone


def prune(*, now_ts: float) -> list[dict]:
    """Remove every position older than the TTL, in every community; returns what this caller removed."""
    cutoff = now_ts - ttl_seconds()
    removed: list[dict] = []
    if _use_redis():
        client = _redis()
        for cid in client.smembers(_communities_key()):
            cid = cid.decode()
            removed += [loads(v) for v in client.eval(_PRUNE_LUA, 3, *_keys(cid), _communities_key(), cutoff, cid)]
        return removed
    with _lock:
        for cid in list(_memory.get()):
            pos, seen = _local(cid)
            stale = [k for k, e in pos.items() if e["ts"] < cutoff]
            removed += [pos.pop(k) for k in stale]
            if stale:
                _local_save(cid, pos, seen)
    return removed


def last_seen(community_id: str, unit_ids: Iterable[str]) -> dict[str, float]:
    """When each of these ids last sent a position (epoch seconds), for those that ever did."""
    ids = [str(i) for i in unit_ids if i]
    if not ids:
        return {}
    if _use_redis():
        pos, seen = _keys(community_id)
        pipe = _redis().pipeline(transaction=False)
        pipe.hmget(pos, ids)
        pipe.hmget(seen, ids)
        live, pruned = pipe.execute()
        out = {}
        for i, a, b in zip(ids, live, pruned, strict=True):
            times = [loads(a)["ts"]] if a is not None else []
            times += [float(b)] if b is not None else []
            if times:
                out[i] = max(times)
        return out
    with _lock:
        seen = _local(community_id)[1]
        return {i: seen[i] for i in ids if i in seen}


def forget_seen_before(community_id: str, cutoff_ts: float) -> None:
    """Drop last-seen times older than the idle limit (keeps the hash bounded)."""
    if _use_redis():
        key = _keys(community_id)[1]
        client = _redis()
        old = [k for k, v in client.hgetall(key).items() if float(v) < cutoff_ts]
        if old:
            client.hdel(key, *old)
        return
    with _lock:
        pos, seen = _local(community_id)
        for k in [k for k, v in seen.items() if v < cutoff_ts]:
            del seen[k]
        _local_save(community_id, pos, seen)


def communities() -> list[str]:
    if _use_redis():
        return [c.decode() for c in _redis().smembers(_communities_key())]
    with _lock:
        return [cid for cid, (pos, _seen) in _memory.get().items() if pos]


# --- Embedded (this process's memory, for as long as its cache keeps its content) -----------------
_lock = threading.RLock()
# community → (positions by unit, last-seen by unit): a plain structure, not pickled on every request
_memory: CacheBound[dict[str, tuple[dict, dict]]] = CacheBound("dispatch.positions", dict)


def _local(community_id: str) -> tuple[dict, dict]:
    """The live dicts of a community (hold `_lock` to change them or to copy them)."""
    state = _memory.get()
    entry = state.get(community_id)
    if entry is None:
        entry = state[community_id] = ({}, {})
    return entry


def _local_save(community_id: str, pos: dict, seen: dict) -> None:
    """Changes are made in place; a community with nothing left is forgotten."""
    if not pos and not seen:
        _memory.get().pop(community_id, None)
