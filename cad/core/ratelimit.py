"""The one rate-limit mechanism: fixed-window counters in the default cache.

Every limited route (sign-in on the API and the web page, lookups, `/fivem/*`, the position ingest)
counts through `hit()`, or `ahit()` on the async ingest routes. Both count the same key the same way:
a counter created with its expiry if absent, then incremented, so concurrent requests can never read
the same count and all slip past (DRF's throttle stores a list of timestamps with get-then-set, which
they can).

- `hit()` uses the cache's own `add` + `incr` (Redis SET NX EX then INCR; the local-memory cache's
  increment under its lock).
- `ahit()` on Redis sends that SET NX EX and INCR in one MULTI/EXEC pipeline through redis.asyncio, so
  the event loop never blocks on the cache; on the local-memory cache it calls the same in-process,
  lock-protected operations directly (no I/O to wait for); any other cache goes through a thread.
- A hot path that runs a Redis script of its own per request (the position ingest) counts in it instead:
  `COUNT_LUA` is the same SET NX EX + INCR on the same key (`redis_key(window)`), and `check(window,
  count)` the same verdict, so the request makes one round trip and the bucket stays one counter.

Windows are fixed and per key, their edges jittered by a hash of the key (as django-ratelimit does) so
that not every bucket starts again at the same second; `Retry-After` is exactly the time until the
counter starts again. The time comes from `clock()`, which tests pin (conftest's `limiter_clock`) so
that no window edge can fall inside a test that sends limit + 1 requests on a slow machine.

A limited request raises `RateLimited`; the API's exception handler, the web sign-in page and the
ingest app render it with `body()`: `{"error": ..., "retry_after": seconds}` and a `Retry-After` header
(004's game scripts see a failing response's body but not its headers).

When the cache cannot be reached the limit fails open: a Redis restart must not lock every user out.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import ipaddress
import logging
import pickle
import re
import time
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.core.signals import setting_changed

logger = logging.getLogger(__name__)

FIVEM = "fivem"  # one bucket per API token for every /fivem/* route and every position-ingest route
SIGN_IN_ADDRESS = "sign-in:address"
SIGN_IN_USERNAME = "sign-in:username"
LOOKUP = "lookup"

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
EXPIRY_SLACK = 5  # a counter outlives its window a little, so a late INCR never recreates it


class RateLimited(Exception):
    def __init__(self, retry_after: int, message: str = "Too many requests; slow down and try again shortly."):
        super().__init__(message)
        self.retry_after = max(1, int(retry_after))
        self.message = message


def clock() -> float:
    """The limiter's time (seconds since the epoch); one place so tests can pin it."""
    return time.time()


@dataclass(frozen=True, slots=True)
class Window:
    key: str  # the cache key, before the cache's own prefix and version
    limit: int
    ends: int  # epoch second at which this window's counter starts again
    ttl: int

    def time_left(self) -> int:
        return self.ends - int(clock())


@functools.lru_cache(maxsize=256)
def split_rate(rate: str) -> tuple[int, int]:
    """"10/m" → (10, 60); "5/10s" → (5, 10)."""
    match = _RATE.match(rate)
    if not match:
        raise ValueError(f"Rate {rate!r} is not N/[k](s|m|h|d).")
    return int(match[1]), int(match[2] or 1) * _PERIODS[match[3]]


def window(*, group: str, key: str, rate: str) -> Window:
    limit, period = split_rate(rate)
    now = int(clock())
    jitter, digest = _key_parts(key)
    ends = now - now % period + jitter % period
    if ends <= now:
        ends += period
    return Window(key=f"rl:{group}:{limit}/{period}s:{digest}:{ends}", limit=limit, ends=ends,
                  ttl=period + EXPIRY_SLACK)


@functools.lru_cache(maxsize=4096)
def _key_parts(key: str) -> tuple[int, str]:
    """The key's edge jitter and its digest (any caller text becomes a valid cache key); memoised, as the
    ingest routes ask for the same few tokens' windows thousands of times a second."""
    return zlib.crc32(key.encode()), hashlib.sha256(key.encode()).hexdigest()[:32]


def _count(w: Window) -> int | None:
    for _ in range(2):  # a second try if the counter expired between add and incr
        if cache.add(w.key, 1, w.ttl):
            return 1
        try:
            return cache.incr(w.key)
        except ValueError:
            continue
    return None


# window key → the local-memory cache's key for it (emptied with the windows when a setting changes)
_locmem_keys: dict[str, str] = {}


def _count_locmem(backend: LocMemCache, w: Window) -> int:
    """`_count` on this process's local-memory cache: the very entry `cache.add` + `cache.incr` keep (the
    cache's key, a pickled int, the same expiry), in one step under the cache's lock, without the `cache`
    proxy's per-context lookup and the key's validation on every call (a sixth of an embedded ingest
    request's CPU). Uses LocMemCache's private parts, hence the exact type test in `_acount`."""
    key = _locmem_keys.get(w.key)
    if key is None:
        if len(_locmem_keys) > 10_000:
            _locmem_keys.clear()
        key = _locmem_keys[w.key] = backend.make_and_validate_key(w.key)
    with backend._lock:
        if backend._has_expired(key):
            backend._set(key, pickle.dumps(1, backend.pickle_protocol), w.ttl)
            return 1
        count = pickle.loads(backend._cache[key]) + 1
        backend._cache[key] = pickle.dumps(count, backend.pickle_protocol)
        backend._cache.move_to_end(key, last=False)
        return count


_async_redis: dict[asyncio.AbstractEventLoop, Any] = {}


def _redis_for_loop():
    import redis.asyncio

    loop = asyncio.get_running_loop()
    client = _async_redis.get(loop)
    if client is None:
        for old in [old for old in _async_redis if old.is_closed()]:
            del _async_redis[old]
        location = settings.CACHES["default"]["LOCATION"]
        client = _async_redis[loop] = redis.asyncio.Redis.from_url(
            location[0] if isinstance(location, list | tuple) else location.split(",")[0])
    return client


_backend_memo: tuple[dict, Any] | None = None


def _backend():
    """The default cache's backend object, made once per configuration. `cache` is a proxy (never an
    instance of a backend class), and `caches["default"]` builds a new backend in every new async context,
    i.e. on every ingest request (a tenth of its CPU, for a type test and a key prefix)."""
    global _backend_memo
    conf = settings.CACHES["default"]
    memo = _backend_memo
    if memo is None or memo[0] is not conf:
        memo = _backend_memo = (conf, caches.create_connection("default"))
    return memo[1]


def redis_key(w: Window) -> str | None:
    """The Redis key of a window's counter when the default cache is Redis, else None. A hot path that
    runs a Lua script of its own per request counts there (`COUNT_LUA`): one round trip, not two."""
    backend = _backend()
    return backend.make_key(w.key) if isinstance(backend, RedisCache) else None


# The counter exactly as `_acount` keeps it, as the head of a caller's Lua script (bytes: callers pack their
# command themselves). KEYS[#KEYS] is `redis_key(w)`, ARGV[1] `w.ttl`, ARGV[2] `w.limit`; over the limit the
# script stops here, before the caller's own work, and returns the count, which the caller passes to
# `check`. The caller's part reads its arguments from ARGV[3] on and ends with `return count`.
COUNT_LUA = b"""
redis.call('SET', KEYS[#KEYS], 0, 'EX', ARGV[1], 'NX')
local count = redis.call('INCR', KEYS[#KEYS])
if count > tonumber(ARGV[2]) then return count end
"""


async def _acount(w: Window) -> int | None:
    backend = _backend()
    if isinstance(backend, RedisCache):
        # Django's RedisCache stores an int as a plain Redis integer, so this counter is the very one
        # `_count` increments; MULTI/EXEC makes create-with-expiry and increment one atomic step.
        key = backend.make_key(w.key)
        async with _redis_for_loop().pipeline(transaction=True) as pipe:
            pipe.set(key, 0, ex=w.ttl, nx=True)
            pipe.incr(key)
            _, count = await pipe.execute()
        return int(count)
    if type(backend) is LocMemCache:
        return _count_locmem(backend, w)  # in-process dict under the cache's lock: atomic, nothing to wait for
    if isinstance(backend, LocMemCache):
        return _count(w)
    return await sync_to_async(_count)(w)


def check(w: Window, count: int | None, message: str | None = None) -> None:
    """Raise RateLimited if `count` (this request's number in the window) is over the window's limit."""
    if count is None or count <= w.limit:
        return
    raise RateLimited(w.time_left(), *([message] if message else []))


def hit(*, group: str, key: str, rate: str, message: str | None = None) -> None:
    """Count one request of `key` in `group`; raise RateLimited once it is over `rate` ("10/m")."""
    w = window(group=group, key=key, rate=rate)
    try:
        count = _count(w)
    except Exception:  # the cache is down: serve the request rather than refuse everyone
        logger.warning("Rate-limit counter unavailable for %s; allowing the request", group, exc_info=True)
        return
    check(w, count, message)


async def ahit(*, group: str, key: str, rate: str, message: str | None = None) -> None:
    """`hit()` for the event loop: the same key, window and count, without blocking the loop."""
    await ahit_window(window(group=group, key=key, rate=rate), group=group, message=message)


async def ahit_window(w: Window, *, group: str, message: str | None = None) -> None:
    try:
        count = await _acount(w)
    except Exception:
        logger.warning("Rate-limit counter unavailable for %s; allowing the request", group, exc_info=True)
        return
    check(w, count, message)


def body(exc: RateLimited) -> dict:
    return {"error": exc.message, "retry_after": exc.retry_after}


def token_key(token) -> str:
    return f"token:{token.pk}"


def fivem_hit(token_key_value: str) -> None:
    hit(group=FIVEM, key=token_key_value, rate=settings.FIVEM_RATE_LIMIT)


async def afivem_hit(token_key_value: str) -> None:
    await ahit(group=FIVEM, key=token_key_value, rate=settings.FIVEM_RATE_LIMIT)


def fivem_window(token_key_value: str) -> Window:
    """The window `afivem_hit` counts in, for a path that counts it in its own script (`COUNT_LUA`)."""
    return window(group=FIVEM, key=token_key_value, rate=settings.FIVEM_RATE_LIMIT)


# key → (the clock's first second in the window, the window, its Redis key or None): the ingest routes ask
# for the same few tokens' windows thousands of times a second, and a window is the same for every second
# in [ends - period, ends). Emptied when a setting changes (the rate, the cache's backend or prefix).
_fivem_windows: dict[str, tuple[int, Window, str | None]] = {}


def fivem_window_memo(token_key_value: str) -> tuple[Window, str | None]:
    """`fivem_window` and its `redis_key`, memoised for as long as the window lasts."""
    now = int(clock())
    memo = _fivem_windows.get(token_key_value)
    if memo is None or not memo[0] <= now < memo[1].ends:
        w = fivem_window(token_key_value)
        if len(_fivem_windows) > 10_000:
            _fivem_windows.clear()
        memo = _fivem_windows[token_key_value] = (w.ends - split_rate(settings.FIVEM_RATE_LIMIT)[1], w, redis_key(w))
    return memo[1], memo[2]


def _forget_windows(**_kwargs) -> None:
    _fivem_windows.clear()
    _locmem_keys.clear()


setting_changed.connect(_forget_windows)


def client_address(request) -> str:
    """The caller's address as the ASGI server saw it (after trusted-proxy rewriting, see
    cad.realtime.asgi); IPv6 callers are grouped by /64, as one host usually owns a whole /64."""
    address = request.META.get("REMOTE_ADDR") or "unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address) if ip.version == 6 else str(ip)


def sign_in_hit(request, data) -> None:
    """Two buckets: the caller's address, and the username whatever the body's format (JSON, form)."""
    rate = settings.LOGIN_RATE_LIMIT
    message = "Too many sign-in attempts; try again shortly."
    hit(group=SIGN_IN_ADDRESS, key=client_address(request), rate=rate, message=message)
    username = data.get("username") if isinstance(data, Mapping) else None
    if isinstance(username, str) and username.strip():
        hit(group=SIGN_IN_USERNAME, key=username.strip().casefold(), rate=rate, message=message)
