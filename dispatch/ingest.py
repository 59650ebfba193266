"""The position-ingest fast path: a lean ASGI app in front of Django (see cad.realtime.asgi).

Routes (POST only, JSON):
- `/api/dispatch/location-update`        000: one position, token as `x-api-key` (or Bearer)
- `/api/dispatch/location-update/batch`  many positions: `{"positions": [...]}` or a bare array of the
                                         000 fields (an element may carry 004's `character_id` instead
                                         of `unitId`)
- `/fivem/livemap/position`              004: `{character_id, name, x, y, z, heading}`, Bearer token
- `/fivem/livemap/positions`             every unit of a game server at once: an array of 004's single
                                         bodies (or `{"positions": [...]}`), answered `{ok, accepted}`

Each request: the token from the cache (`atoken_authenticate`, memoised in-process for a few seconds),
validation, the nearest postal for positions without one (the community's in-process index,
`postals.selectors.apostal_index`), one Redis command that counts the request in the token's rate-limit
window and stores its positions (`positions.awrite_counted`: one round trip), the positions handed to the
live map's coalescing window (`services.position_events`: one event per community and second, never one
per position). No ORM, no middleware, no thread hop on the hot path. Errors are `{"error": ...}` with 400/401/403/405/413.
"""

from __future__ import annotations

import math
import re
import time
import uuid

from asgiref.sync import sync_to_async

from cad.core import ratelimit
from cad.core.api.authentication import API_TOKEN_HEADERS
from cad.core.services import atoken_authenticate
from postals.selectors import apostal_index

from . import positions, services

SINGLE = "/api/dispatch/location-update"
BATCH = "/api/dispatch/location-update/batch"
FIVEM = "/fivem/livemap/position"
FIVEM_BATCH = "/fivem/livemap/positions"
INGEST_PATHS = frozenset({SINGLE, BATCH, FIVEM, FIVEM_BATCH})
BATCH_PATHS = frozenset({BATCH, FIVEM_BATCH})

MAX_SINGLE_BYTES = 16 * 1024
MAX_BATCH_BYTES = 2 * 1024 * 1024
MAX_BATCH_POSITIONS = 5000
MAX_TEXT = 80
TOKEN_MEMO_SECONDS = 2.0  # a revoked token may post positions for at most this long in a running process

_token_memo: dict[str, tuple[float, str | None, str | None]] = {}


class IngestError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


async def _send_json(send, status: int, body: dict, headers: tuple = ()) -> None:
    payload = positions.dumps(body)
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(payload)),
                            *headers]})
    await send({"type": "http.response.body", "body": payload})


def _prepared(body: dict) -> tuple[list, bytes]:
    payload = positions.dumps(body)
    return [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(payload))], payload


# The answers of a stored single position, built once (servers only read the headers they are handed).
_OK = {FIVEM: _prepared({"ok": True}), SINGLE: _prepared({"success": True})}


_TOKEN_HEADERS = tuple(name.encode() for name in API_TOKEN_HEADERS)


def _raw_token(headers: dict[bytes, bytes]) -> str | None:
    for name in _TOKEN_HEADERS:
        key = headers.get(name, b"").strip()
        if key:
            return key.decode("latin-1")
    scheme, _, value = headers.get(b"authorization", b"").decode("latin-1").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


async def _token_of(raw: str | None) -> tuple[str, str]:
    """The community id and rate-limit key of a valid token, or 401."""
    if not raw:
        raise IngestError(401, "Missing API token (x-api-key or Authorization: Bearer).")
    now = time.monotonic()
    memo = _token_memo.get(raw)
    if memo is None or memo[0] < now:
        token = await atoken_authenticate(raw)
        if len(_token_memo) > 10_000:
            _token_memo.clear()
        memo = _token_memo[raw] = (now + TOKEN_MEMO_SECONDS, str(token.community_id) if token else None,
                                   ratelimit.token_key(token) if token else None)
    if memo[1] is None:
        raise IngestError(401, "Invalid or revoked API token.")
    return memo[1], memo[2]


async def _read_body(headers: dict[bytes, bytes], receive, limit: int) -> bytes:
    length = headers.get(b"content-length")
    if length is not None and length.isdigit() and int(length) > limit:
        raise IngestError(413, f"Request body too large (limit {limit} bytes).")
    message = await receive()
    if not message.get("more_body", False) and message["type"] == "http.request":  # the common case: one piece
        body = message.get("body", b"")
        if len(body) > limit:
            raise IngestError(413, f"Request body too large (limit {limit} bytes).")
        return body
    chunks, size, more = [], 0, True
    while more:
        if message["type"] == "http.disconnect":
            raise IngestError(400, "Client disconnected.")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise IngestError(413, f"Request body too large (limit {limit} bytes).")
        chunks.append(chunk)
        more = message.get("more_body", False)
        if more:
            message = await receive()
    return b"".join(chunks)


_NUMBER = (int, float)
_TEXT = (str, int, float)
_TEXT_FIELDS = ("unitName", "name", "job", "status", "postal")


def _number(item: dict, name: str, where: str) -> float:
    value = item.get(name)
    if type(value) not in _NUMBER or not math.isfinite(value):  # bool is not a number here
        raise IngestError(400, f"{where}{name}: a finite number is required.")
    return float(value)


def _text(item: dict, name: str, where: str) -> str:
    value = item.get(name)
    if value is None:
        return ""
    if type(value) not in _TEXT:
        raise IngestError(400, f"{where}{name}: a string is required.")
    return str(value)[:MAX_TEXT]


def _entry(item, community_id: str, ts: float, where: str = "") -> dict:
    """One position, validated: the fast path builds the well-formed common case (000's fields, strings
    and finite numbers) directly; anything else takes `_checked_entry`, which names what is wrong."""
    if type(item) is dict:
        get = item.get
        unit_id, x, y, z, heading = get("unitId"), get("x"), get("y"), get("z"), get("heading")
        name, job, status, postal = get("unitName", ""), get("job", ""), get("status", ""), get("postal", "")
        if (type(unit_id) is str and unit_id and type(x) in _NUMBER and type(y) in _NUMBER and type(z) in _NUMBER
                and type(heading) in _NUMBER and math.isfinite(x + y + z + heading)  # a NaN or inf poisons the sum
                and type(name) is str and type(job) is str and type(status) is str and type(postal) is str
                and get("communityId", community_id) == community_id and _SLOW_KEYS.isdisjoint(item)):
            return {"unitId": unit_id[:MAX_TEXT], "unitName": name[:MAX_TEXT] or unit_id[:MAX_TEXT], "x": float(x),
                    "y": float(y), "z": float(z), "heading": float(heading) % 360, "job": job[:MAX_TEXT],
                    "status": status[:MAX_TEXT], "postal": postal[:MAX_TEXT], "communityId": community_id,
                    "characterId": None, "ts": ts}
    return _checked_entry(item, community_id, ts, where)


_SLOW_KEYS = frozenset({"character_id", "characterId", "community_id", "name"})
_FIVEM_SLOW_KEYS = frozenset({"unitId", "unitName", "characterId", "communityId", "community_id"})
_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}").fullmatch


def _fivem_entry(item, community_id: str, ts: float, where: str = "") -> dict:
    """One 004 position `{character_id, name, x, y, z, heading}` (our resource may add `postal`): the
    common case built directly, anything else checked field by field."""
    if type(item) is dict:
        get = item.get
        cid, x, y, z, heading = get("character_id"), get("x"), get("y"), get("z"), get("heading")
        name, postal = get("name", ""), get("postal", "")
        if (type(cid) is str and _CANONICAL_UUID(cid) and type(x) in _NUMBER and type(y) in _NUMBER
                and type(z) in _NUMBER and type(heading) in _NUMBER and math.isfinite(x + y + z + heading)
                and type(name) is str and type(postal) is str and _FIVEM_SLOW_KEYS.isdisjoint(item)):
            return {"unitId": cid, "unitName": name[:MAX_TEXT] or cid, "x": float(x), "y": float(y), "z": float(z),
                    "heading": float(heading) % 360, "job": "", "status": "", "postal": postal[:MAX_TEXT],
                    "communityId": community_id, "characterId": cid, "ts": ts}
        if not get("character_id"):
            raise IngestError(400, f"{where}character_id: this field is required.")
        item = {k: v for k, v in item.items() if k != "unitId"}
    return _checked_entry(item, community_id, ts, where)


def _checked_entry(item, community_id: str, ts: float, where: str) -> dict:
    if type(item) is not dict:
        raise IngestError(400, f"{where}A position is a JSON object.")
    wanted = item.get("communityId") or item.get("community_id")
    if wanted is not None and str(wanted) != community_id:
        raise IngestError(403, "This API token belongs to another community.")
    character_id = None
    if "character_id" in item or "characterId" in item:
        character_id = _text(item, "character_id", where) or _text(item, "characterId", where)
        try:
            character_id = str(uuid.UUID(character_id))
        except ValueError:
            raise IngestError(400, f"{where}character_id: not a valid ID.") from None
    unit_id = _text(item, "unitId", where) or character_id
    if not unit_id:
        raise IngestError(400, f"{where}unitId: this field is required.")
    x, y, z, heading = (_number(item, n, where) for n in ("x", "y", "z", "heading"))
    unit_name, name, job, status, postal = (_text(item, n, where) for n in _TEXT_FIELDS)
    return positions.make_entry(
        community_id=community_id, unit_id=unit_id, x=x, y=y, z=z, heading=heading % 360,
        unit_name=unit_name or name, job=job, status=status, postal=postal, character_id=character_id, ts=ts,
    )


# CDE CAD's tablet reports a unit going off duty as a location update `{unitId, status: "offline"}` with no
# coordinates: that takes the unit off the live map, as 000's DELETE /api/dispatch/location/:unitId does.
OFFLINE_STATUSES = frozenset({"offline", "off-duty", "off_duty", "offduty"})


def _offline_unit(item, community_id: str, where: str) -> str | None:
    """The unit id of an "I am off duty" report, or None for a position."""
    if type(item) is not dict:
        return None
    status = item.get("status")
    if type(status) is not str or status.strip().lower() not in OFFLINE_STATUSES:
        return None
    wanted = item.get("communityId") or item.get("community_id")
    if wanted is not None and str(wanted) != community_id:
        raise IngestError(403, "This API token belongs to another community.")
    unit_id = _text(item, "unitId", where)
    if not unit_id:
        raise IngestError(400, f"{where}unitId: this field is required.")
    return unit_id


def _parse(path: str, body: bytes, community_id: str) -> tuple[list[dict], list[str]]:
    """The positions to store and the unit ids reported offline (to drop from the map)."""
    try:
        data = positions.loads(body or b"null")
    except ValueError:
        raise IngestError(400, "The body is not valid JSON.") from None
    ts = time.time()
    if path == FIVEM:
        if not isinstance(data, dict):
            raise IngestError(400, "character_id: this field is required.")
        return [_fivem_entry(data, community_id, ts)], []
    if path == SINGLE:
        offline = _offline_unit(data, community_id, "")
        return ([], [offline]) if offline else ([_entry(data, community_id, ts)], [])
    items = data.get("positions") if isinstance(data, dict) else data
    if not isinstance(items, list) or not items:
        raise IngestError(400, "positions: a non-empty list of positions is required.")
    if len(items) > MAX_BATCH_POSITIONS:
        raise IngestError(413, f"At most {MAX_BATCH_POSITIONS} positions per request.")
    if path == FIVEM_BATCH:  # 004's bodies: no off-duty reports among them
        return [_fivem_entry(item, community_id, ts, f"positions[{i}].") for i, item in enumerate(items)], []
    entries, offline = [], []
    for i, item in enumerate(items):
        where = f"positions[{i}]."
        unit_id = _offline_unit(item, community_id, where)
        if unit_id:
            offline.append(unit_id)
        else:
            entries.append(_entry(item, community_id, ts, where))
    return entries, offline


async def ingest_app(scope, receive, send) -> None:
    path = scope["path"]
    try:
        if scope["method"] != "POST":
            await _send_json(send, 405, {"error": "Method not allowed; use POST."}, ((b"allow", b"POST"),))
            return
        headers = dict(scope.get("headers", ()))
        community_id, limit_key = await _token_of(_raw_token(headers))
        # The bucket of every /fivem/* route: a token at its limit there is at its limit here; a batch counts
        # as one request. On Redis the count rides in the positions' write script (one round trip per
        # request); a request that stores nothing is counted on its own, before its error is answered,
        # so a token over its limit gets 429 whatever it sent.
        w, counter = ratelimit.fivem_window_memo(limit_key)
        if counter is None or not positions.uses_redis():  # as `positions.counts_in_write(w)`, memoised
            counter = None
            await ratelimit.ahit_window(w, group=ratelimit.FIVEM)
        try:
            body = await _read_body(headers, receive, MAX_BATCH_BYTES if path in BATCH_PATHS else MAX_SINGLE_BYTES)
            entries, offline = _parse(path, body, community_id)
        except IngestError:
            if counter is not None:
                await ratelimit.ahit_window(w, group=ratelimit.FIVEM)
            raise
        if entries:
            services.fill_postals(entries, await apostal_index(community_id))
            if counter is None:
                await positions.awrite(entries)
            else:
                ratelimit.check(w, await positions.awrite_counted(entries, w, counter))
            await services.position_events.add(
                services.POSITION_EVENTS["fivem" if path in (FIVEM, FIVEM_BATCH) else "rest"], entries,
                community_id=community_id)
            services._ensure_embedded_pruner()
        elif counter is not None:
            await ratelimit.ahit_window(w, group=ratelimit.FIVEM)
        removed = await sync_to_async(services.positions_remove)(community_id=community_id, unit_ids=offline) \
            if offline else 0
    except IngestError as exc:
        await _send_json(send, exc.status, {"error": exc.message})
        return
    except ratelimit.RateLimited as exc:
        await _send_json(send, 429, ratelimit.body(exc), ((b"retry-after", str(exc.retry_after).encode()),))
        return
    if (path == SINGLE and not offline) or path == FIVEM:
        headers_out, payload = _OK[path]
        await send({"type": "http.response.start", "status": 200, "headers": headers_out})
        await send({"type": "http.response.body", "body": payload})
    elif path == FIVEM_BATCH:
        await _send_json(send, 200, {"ok": True, "accepted": len(entries)})
    elif path == BATCH:
        await _send_json(send, 200, {"success": True, "accepted": len(entries), **({"removed": removed} if offline else {})})
    elif offline:
        await _send_json(send, 200, {"success": True, "unitId": offline[0], "removed": bool(removed)})
    else:
        await _send_json(send, 200, {"success": True})
