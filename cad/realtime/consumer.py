"""The web UI's own WebSocket at /ws: JSON `{"event", "data"}` both ways (server frames add `seq`, `ts`).

Auth: `?token=` (JWT or `cad_...` API token), a first `{"event": "auth", "data": {"token"}}` message, or
the session cookie (only from an allowed Origin). `?positions=coalesced` asks for the live map's
`unitLocations` instead of every single position event.

The consumer has no channel of its own (`channel_layer_alias` names no layer): the process's hub reads
the community's group once and writes to this socket through its `Session.outbox`, so an event costs
no channel-layer message per socket and no database work (Channels' per-message
`aclose_old_connections` is skipped too; handlers that touch the database use
`database_sync_to_async`, which does it).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncWebsocketConsumer

from .auth import AuthError, authenticate_token, origin_allowed, user_principal
from .hub import Outbox
from .session import WS_CODEC, Session
from .wire import DirectSocket

CLOSE_UNAUTHORIZED = 4401
CLOSE_FORBIDDEN_ORIGIN = 4403
CLOSE_TOO_SLOW = 4408
MAX_MESSAGE_BYTES = 64 * 1024


class RealtimeConsumer(AsyncWebsocketConsumer):
    channel_layer_alias = "realtime.none"  # no per-socket channel: the hub delivers (see module doc)

    session: Session | None = None
    _writer: asyncio.Task | None = None

    async def dispatch(self, message):
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self):
        params = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        token = (params.get("token") or [""])[0]
        try:
            if token:
                principal = await authenticate_token(token)
            else:
                principal = user_principal(self.scope.get("user"))
                if principal is not None and not origin_allowed(self._header(b"origin")):
                    await self.close(code=CLOSE_FORBIDDEN_ORIGIN)
                    return
        except AuthError:
            await self.close(code=CLOSE_UNAUTHORIZED)
            return
        coalesced = (params.get("positions") or [""])[0] == "coalesced"
        outbox = Outbox()
        self.session = Session(WS_CODEC, principal, coalesced_only=coalesced, outbox=outbox)
        self.session.on_revoked = self._revoked
        await self.accept()
        direct = DirectSocket.of(self.scope.get("realtime.send"))
        if direct is not None:  # pushed frames go straight to the connection (cad.realtime.wire)
            self.session.direct = direct
            self.session.on_overflow = self._too_slow
        else:
            self._writer = asyncio.create_task(self._write_loop(outbox))

    async def _revoked(self) -> None:
        """The hub found the socket's credentials revoked or expired: close with 4401."""
        session = self.session
        if session is not None:
            await session.close()
        with contextlib.suppress(Exception):
            send = self.scope.get("realtime.send") or self.base_send
            await send({"type": "websocket.close", "code": CLOSE_UNAUTHORIZED})

    async def _too_slow(self) -> None:
        with contextlib.suppress(Exception):
            await self.close(code=CLOSE_TOO_SLOW)

    def _header(self, name: bytes) -> str | None:
        for key, value in self.scope.get("headers", ()):
            if key == name:
                return value.decode("latin-1")
        return None

    async def _write_loop(self, outbox: Outbox) -> None:
        send = self.scope.get("realtime.send") or self.base_send  # see cad.realtime.asgi.RAW_SEND

        async def write(frame: str) -> None:
            await send({"type": "websocket.send", "text": frame})

        try:
            await outbox.pump(write)
        except Exception:  # the client went away mid-write; disconnect() cleans up
            outbox.close()
            return
        if outbox.overflowed:
            with contextlib.suppress(Exception):
                await self.close(code=CLOSE_TOO_SLOW)

    async def receive(self, text_data=None, bytes_data=None):
        if self.session is None:
            return
        raw = text_data if text_data is not None else (bytes_data or b"").decode("utf-8", "replace")
        if len(raw) > MAX_MESSAGE_BYTES:
            self.session.error("", "Message too large.")
            return
        try:
            message = json.loads(raw)
        except ValueError:
            self.session.error("", "Messages are JSON objects {event, data}.")
            return
        if not isinstance(message, dict) or not isinstance(message.get("event"), str):
            self.session.error("", "Messages are JSON objects {event, data}.")
            return
        await self.session.handle(message["event"], message.get("data"))

    async def disconnect(self, code):
        if self.session is not None:
            await self.session.close()
        if self._writer is not None:
            self._writer.cancel()
