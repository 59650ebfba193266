"""The one rate-limit mechanism: django-ratelimit's counters in the default cache.

Every limited route (sign-in, lookups, `/fivem/*`, the position ingest) counts through `hit()`. The
counter is `cache.add` then `cache.incr`: Redis's INCR, or the local-memory cache's increment under its
lock, so concurrent requests cannot read the same count and all slip past (DRF's throttle stores a list
of timestamps with get-then-set, which they can). Windows are fixed and per key, so `Retry-After` is
exactly the time until the counter starts again.

A limited request raises `RateLimited`; the API's exception handler and the ingest app both render it
with `body()`: `{"error": ..., "retry_after": seconds}` and a `Retry-After` header (004's game scripts
see a failing response's body but not its headers).

When the cache cannot be reached the limit fails open: a Redis restart must not lock every user out.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Mapping

from django.conf import settings
from django_ratelimit.core import get_usage

logger = logging.getLogger(__name__)

FIVEM = "fivem"  # one bucket per API token for every /fivem/* route and every position-ingest route
SIGN_IN_ADDRESS = "sign-in:address"
SIGN_IN_USERNAME = "sign-in:username"
LOOKUP = "lookup"


class RateLimited(Exception):
    def __init__(self, retry_after: int, message: str = "Too many requests; slow down and try again shortly."):
        super().__init__(message)
        self.retry_after = max(1, int(retry_after))
        self.message = message


def hit(*, group: str, key: str, rate: str, message: str | None = None) -> None:
    """Count one request of `key` in `group`; raise RateLimited once it is over `rate` ("10/m")."""
    try:
        usage = get_usage(None, group=group, key=lambda _group, _request: key, rate=rate, increment=True)
    except Exception:  # the cache is down: serve the request rather than refuse everyone
        logger.warning("Rate-limit counter unavailable for %s; allowing the request", group, exc_info=True)
        return
    if usage is None or not usage["should_limit"] or usage["time_left"] < 0:
        return  # None: limits disabled; time_left < 0: django-ratelimit could not count (fail open)
    raise RateLimited(usage["time_left"], *([message] if message else []))


def body(exc: RateLimited) -> dict:
    return {"error": exc.message, "retry_after": exc.retry_after}


def token_key(token) -> str:
    return f"token:{token.pk}"


def fivem_hit(token_key_value: str) -> None:
    hit(group=FIVEM, key=token_key_value, rate=settings.FIVEM_RATE_LIMIT)


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
