"""Writing pushed frames straight to a WebSocket connection, encoded once per event.

On uvicorn's sans-I/O WebSocket implementation (the Procfile's `--ws websockets-sansio`, without
per-message deflate) a server text frame is a fixed header plus the UTF-8 text: the same bytes for
every socket. So the hub's fan-out encodes an event's frame once (`text_frame`, cached per event) and
each socket costs one `transport.write` in the hub's own loop iteration: no queue, no writer task, no
`await` per socket per frame. A connection where that does not hold (another server, a negotiated
extension, Channels' test communicator, Socket.IO's polling transport) has no `DirectSocket` and keeps
the queued path (`hub.Outbox` or engine.io's queue).

Frames are whole and written in order, so they interleave safely with what the server itself writes on
the same connection (pings, close frames, engine.io's own packets). Flow control: a socket whose
kernel buffer plus transport buffer holds more than `MAX_BUFFERED` bytes is too slow; the caller closes it
(it resyncs on reconnect), as the queued path does after `OUTBOX_LIMIT` frames.
"""

from __future__ import annotations

from typing import Any

from websockets.frames import Frame, Opcode
from websockets.protocol import State

MAX_BUFFERED = 4 * 1024 * 1024


def text_frame(text: str) -> bytes:
    """A server-to-client text frame (unmasked, no extension)."""
    return Frame(Opcode.TEXT, text.encode()).serialize(mask=False, extensions=[])


class DirectSocket:
    def __init__(self, protocol: Any):
        self.protocol = protocol
        self.conn = protocol.conn
        self.transport = protocol.transport
        self.overflowed = False

    @classmethod
    def of(cls, send: Any) -> DirectSocket | None:
        """The direct writer of the connection behind an ASGI `send`, or None (see module doc)."""
        protocol = getattr(send, "__self__", None)
        if type(protocol).__name__ != "WebSocketsSansIOProtocol" or not type(protocol).__module__.startswith("uvicorn."):
            return None
        conn, transport = getattr(protocol, "conn", None), getattr(protocol, "transport", None)
        if conn is None or transport is None or conn.extensions:
            return None
        return cls(protocol)

    @property
    def open(self) -> bool:
        return (not self.overflowed and not self.protocol.close_sent and self.conn.state is State.OPEN
                and not self.transport.is_closing())

    def write(self, frame: bytes) -> bool:
        """Write encoded frames (one, or several whole ones joined); False when the connection is closed
        or too far behind."""
        if not self.open:
            return False
        if self.transport.get_write_buffer_size() > MAX_BUFFERED:
            self.overflowed = True
            return False
        self.transport.write(frame)
        return True
