"""Server-Sent Events for game servers and bots: `GET /fivem/events` with the community's Bearer token (004).

`connected` at once, then the `sse` twins that services publish next to their 003 events (`new_call`,
`call_updated`, `call_closed`, `panic`), each as `id: <seq>` / `event: <name>` / `data: <json>`, and a
`: heartbeat` comment every `HEARTBEAT_SECONDS`. A client that reconnects with `Last-Event-ID` first
gets what it missed from the recent-events buffer (`cad.events.recent_events`), then the live stream,
without duplicates. The stream is a hub subscriber like any socket; when the client goes away Django
cancels the generator and its `finally` leaves the hub, so nothing outlives the connection.
"""

from __future__ import annotations

import asyncio
import json

from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse

from cad.core import ratelimit
from cad.core.api.authentication import raw_api_token
from cad.core.services import atoken_authenticate
from cad.events import audience, recent_events

from .auth import TOKEN_ROLE, Principal
from .hub import Outbox, OutEvent, get_hub

HEARTBEAT_SECONDS = 25.0


def _frames(seq: int, pairs) -> str:
    return "".join(
        f"id: {seq}\nevent: {name}\ndata: {json.dumps(payload, separators=(',', ':'))}\n\n" for name, payload in pairs
    )


def _encode(event: OutEvent) -> tuple[int, str]:
    return event.seq, _frames(event.seq, event.sse)


class SseSubscriber:
    def __init__(self, principal: Principal | None = None) -> None:
        self.principal = principal
        self.outbox = Outbox()

    def dropped(self, community_id: str, *, principal_valid: bool) -> None:
        """Revoked (the hub re-checks the token): end the stream."""
        self.outbox.close()

    def deliver(self, event: OutEvent) -> None:
        if event.sse:
            self.outbox.put(event.encoded("sse", _encode), urgent=event.urgent)


def _last_event_id(request: HttpRequest) -> int | None:
    raw = request.headers.get("Last-Event-ID", "").strip()
    return int(raw) if raw.isdigit() else None


async def events(request: HttpRequest) -> HttpResponse:
    if request.method != "GET":
        return JsonResponse({"error": f"Method {request.method} not allowed."}, status=405)
    raw = raw_api_token(request)
    token = await atoken_authenticate(raw) if raw else None
    if token is None:
        response = JsonResponse({"error": "Missing or invalid API token."}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response
    try:
        ratelimit.fivem_hit(ratelimit.token_key(token))  # each (re)connection counts, like any /fivem/* call
    except ratelimit.RateLimited as exc:
        response = JsonResponse(ratelimit.body(exc), status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response
    community_id = str(token.community_id)
    principal = Principal(kind="token", name=f"api-token:{token.name}", token_community_id=community_id,
                          token_id=str(token.pk))
    response = StreamingHttpResponse(_stream(community_id, _last_event_id(request), principal),
                                     content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # no proxy buffering (nginx)
    return response


async def _stream(community_id: str, last_event_id: int | None, principal: Principal | None = None):
    hub = get_hub()
    subscriber = SseSubscriber(principal)
    await hub.join(community_id, subscriber, TOKEN_ROLE)  # subscribe before reading the buffer: nothing falls in between
    try:
        yield f"event: connected\ndata: {json.dumps({'community_id': community_id})}\n\n"
        replayed = 0
        if last_event_id is not None:
            for message in await sync_to_async(recent_events)(community_id, last_event_id):
                if message.get("sse") and TOKEN_ROLE.rank >= audience(message["names"]).rank:
                    yield _frames(message["seq"], message["sse"])
                replayed = max(replayed, message["seq"])
        while True:
            try:
                item = await asyncio.wait_for(subscriber.outbox.get(), HEARTBEAT_SECONDS)
            except TimeoutError:
                yield ": heartbeat\n\n"
                continue
            if item is None:  # fell too far behind: end the stream, the client reconnects with Last-Event-ID
                return
            seq, frames = item
            if seq > replayed:
                yield frames
    finally:
        subscriber.outbox.close()
        await hub.leave(community_id, subscriber)
