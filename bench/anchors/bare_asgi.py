"""Anchor for bench_realtime.py --anchors: a bare ASGI app writing to its sockets (no framework).

`/ws`: a socket answers `join-community` with `joined-community` and joins the one room. `POST /api/calls`:
one `new-call` frame written to every socket in the room (one frame per socket, encoded once), then 201.
Run: uvicorn bench.anchors.bare_asgi:app (the same flags as the project's server).
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

_room: set = set()


def _call(body: dict) -> dict:
    """A new call's payload of about the project's size."""
    now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    return {"_id": str(uuid.uuid4()), "callNumber": 1, "callType": body.get("callType", ""),
            "origin": body.get("origin", "CALLER"), "description": body.get("description", ""),
            "location": body.get("location", ""), "postal": "", "priority": body.get("priority", "normal"),
            "status": "pending", "units": [], "notes": [], "createdAt": now, "updatedAt": now}


async def _http(scope, receive, send) -> None:
    body, more = b"", True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    if scope["method"] == "POST" and scope["path"] == "/api/calls":
        call = _call(json.loads(body or b"{}"))
        frame = json.dumps({"event": "new-call", "data": call}, separators=(",", ":"))
        for socket_send in tuple(_room):
            try:
                await socket_send({"type": "websocket.send", "text": frame})
            except Exception:  # noqa: BLE001 - a socket that went away leaves the room
                _room.discard(socket_send)
        status, answer = 201, json.dumps({"success": True, "call": call}).encode()
    else:
        status, answer = 200, b'{"ok":true}'
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(answer)).encode())]})
    await send({"type": "http.response.body", "body": answer})


async def _websocket(scope, receive, send) -> None:
    try:
        while True:
            message = await receive()
            if message["type"] == "websocket.connect":
                await send({"type": "websocket.accept"})
            elif message["type"] == "websocket.receive":
                event = json.loads(message.get("text") or "{}")
                if event.get("event") == "join-community":
                    _room.add(send)
                    data = event.get("data")
                    community = data.get("communityId") if isinstance(data, dict) else data
                    await send({"type": "websocket.send", "text": json.dumps(
                        {"event": "joined-community", "data": {"communityId": community}})})
            elif message["type"] == "websocket.disconnect":
                return
    finally:
        _room.discard(send)


async def app(scope, receive, send) -> None:
    if scope["type"] == "http":
        await _http(scope, receive, send)
    elif scope["type"] == "websocket":
        await _websocket(scope, receive, send)
