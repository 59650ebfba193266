"""Socket.IO v4 at /socket.io/ (python-socketio's AsyncServer), for 003's socket.io-client integrations.

Same auth as /ws (`auth: {token}` in the handshake — a JWT or a `cad_...` API token — or the session
cookie from an allowed Origin), same client events, same server events and payloads: each socket is
a `Session` registered with the process's hub, exactly like a /ws socket. So there is one delivery
path (channel layer → hub → sockets) and no Socket.IO client manager on Redis: the hub of every
process already receives every event of the communities its sockets joined.

Every alias is its own Socket.IO event. Server events carry 003's payload as their first argument and
`{seq, ts}` as a second one (003's handlers take one argument and ignore it).
`auth: {positions: "coalesced"}` asks for `unitLocations` instead of each position event.
"""

from __future__ import annotations

import asyncio
import json

import socketio

from .auth import AuthError, authenticate_token, origin_allowed, session_principal
from .hub import OutEvent
from .session import Codec, Session


def _packet(name: str, data_json: str, seq: int, ts: str) -> str:
    # A Socket.IO EVENT packet ("2") on the default namespace: [name, data, {seq, ts}].
    return f'2[{json.dumps(name)},{data_json},{{"seq":{seq},"ts":{json.dumps(ts)}}}]'


def _dumps(value) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _event_packets(event: OutEvent) -> tuple[tuple[str, str], ...]:
    data_json = _dumps(event.data)
    return tuple((name, _packet(name, data_json, event.seq, event.ts)) for name in event.names)


SIO_CODEC = Codec(
    key="sio", event=_event_packets, reply=lambda name, data, seq, ts: _packet(name, _dumps(data), seq, ts),
)

# Origins are checked by `connect` for cookie-authenticated sockets only (token sockets need none).
server = socketio.AsyncServer(async_mode="asgi", cors_allowed_origins="*", cors_credentials=False)
asgi_app = socketio.ASGIApp(server, socketio_path="socket.io")

_sessions: dict[str, tuple[Session, asyncio.Task]] = {}


@server.event
async def connect(sid, environ, auth=None):
    auth = auth if isinstance(auth, dict) else {}
    token = auth.get("token")
    try:
        if token:
            principal = await authenticate_token(str(token))
        else:
            principal = await session_principal(environ.get("HTTP_COOKIE", ""))
            if principal is not None and not origin_allowed(environ.get("HTTP_ORIGIN")):
                raise socketio.exceptions.ConnectionRefusedError("Origin not allowed.")
    except AuthError as exc:
        raise socketio.exceptions.ConnectionRefusedError(str(exc)) from exc
    session = Session(SIO_CODEC, principal, coalesced_only=auth.get("positions") == "coalesced")
    eio_sid = server.manager.eio_sid_from_sid(sid, "/")

    async def write(packet: str) -> None:
        await server.eio.send(eio_sid, packet)

    async def pump() -> None:
        await session.outbox.pump(write)
        if session.outbox.overflowed:
            await server.disconnect(sid)

    _sessions[sid] = (session, asyncio.create_task(pump()))


@server.on("*")
async def any_event(event, sid, *args):
    entry = _sessions.get(sid)
    if entry is not None:
        await entry[0].handle(event, args[0] if args else None)


@server.event
async def disconnect(sid, reason=None):
    entry = _sessions.pop(sid, None)
    if entry is not None:
        session, writer = entry
        await session.close()
        writer.cancel()
