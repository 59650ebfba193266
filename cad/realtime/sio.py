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
from engineio import packet as eio_packet

from . import hub
from .auth import AuthError, authenticate_token, origin_allowed, session_principal
from .hub import OutEvent
from .session import Codec, Session
from .wire import DirectSocket


def _packet(name: str, data_json: str, seq: int, ts: str) -> eio_packet.Packet:
    # An engine.io MESSAGE carrying a Socket.IO EVENT ("2") on the default namespace: [name, data, {seq, ts}].
    # One Packet object per event and name, shared by every socket's queue.
    text = f'2[{json.dumps(name)},{data_json},{{"seq":{seq},"ts":{json.dumps(ts)}}}]'
    return eio_packet.Packet(eio_packet.MESSAGE, data=text)


def _dumps(value) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _event_packets(event: OutEvent) -> tuple[tuple[str, eio_packet.Packet], ...]:
    """One packet per name, then one per part (a single event folded into this one, same `seq`)."""
    data_json = _dumps(event.data)
    return (*((name, _packet(name, data_json, event.seq, event.ts)) for name in event.names),
            *((name, _packet(name, _dumps(data), event.seq, event.ts)) for name, data in event.parts))


SIO_CODEC = Codec(
    key="sio", event=_event_packets, reply=lambda name, data, seq, ts: _packet(name, _dumps(data), seq, ts),
    text=lambda packet: packet.encode(),
)

# Origins are checked by `connect` for cookie-authenticated sockets only (token sockets need none).
server = socketio.AsyncServer(async_mode="asgi", cors_allowed_origins="*", cors_credentials=False)
asgi_app = socketio.ASGIApp(server, socketio_path="socket.io")

class EngineIOQueue:
    """A Socket.IO socket's outbox: frames go straight into its engine.io socket's own send queue,
    which engine.io's writer task empties (no second queue and task per socket). A socket that falls
    `OUTBOX_LIMIT` frames behind is disconnected. Engine.io's queue is FIFO: panic's precedence here
    covers the channel layer and the hub, not frames already queued for this socket."""

    def __init__(self, sid: str, eio_sid: str):
        self.sid = sid
        self.eio_sid = eio_sid
        self.closed = False
        self.overflowed = False

    def put(self, item: eio_packet.Packet, *, urgent: bool = False) -> None:
        if self.closed:
            return
        sock = server.eio.sockets.get(self.eio_sid)
        if sock is None or sock.closed:
            self.closed = True
            return
        if sock.queue.qsize() >= hub.OUTBOX_LIMIT:
            self.overflowed = True
            self.close()
            asyncio.ensure_future(server.disconnect(self.sid))
            return
        sock.queue.put_nowait(item)

    def close(self) -> None:
        self.closed = True


_sessions: dict[str, Session] = {}


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
    outbox = EngineIOQueue(sid, server.manager.eio_sid_from_sid(sid, "/"))
    # A WebSocket-transport socket on uvicorn's sans-I/O implementation: frames go straight to the
    # connection (cad.realtime.wire) instead of through engine.io's queue and writer task.
    scope = environ.get("asgi.scope") or {}
    direct = DirectSocket.of(environ.get("asgi.send")) if scope.get("type") == "websocket" else None
    session = _sessions[sid] = Session(SIO_CODEC, principal, coalesced_only=auth.get("positions") == "coalesced",
                                       outbox=outbox, direct=direct)

    async def revoked() -> None:  # the hub found the credentials revoked or expired
        await session.close()
        await server.disconnect(sid)

    session.on_revoked = revoked
    session.on_overflow = revoked


@server.on("*")
async def any_event(event, sid, *args):
    session = _sessions.get(sid)
    if session is not None:
        await session.handle(event, args[0] if args else None)


@server.event
async def disconnect(sid, reason=None):
    session = _sessions.pop(sid, None)
    if session is not None:
        await session.close()
