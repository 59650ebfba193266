"""Small clients for tests and `bench/bench_realtime.py`: a /ws JSON client and a minimal Socket.IO v4
client (WebSocket transport only, default namespace), both on the `websockets` package, plus an
in-process uvicorn server."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import websockets


class WsClient:
    """/ws: frames are JSON objects {event, data, seq, ts}."""

    def __init__(self, connection):
        self.connection = connection

    @classmethod
    async def connect(cls, base: str, query: str = "", headers: dict | None = None) -> WsClient:
        url = base.replace("http", "ws", 1) + "/ws" + query
        return cls(await websockets.connect(url, additional_headers=headers, max_queue=None))

    async def send(self, event: str, data: Any = None) -> None:
        await self.connection.send(json.dumps({"event": event, "data": data}))

    async def next(self, timeout: float = 10) -> dict:
        return json.loads(await asyncio.wait_for(self.connection.recv(), timeout))

    async def until(self, name: str, timeout: float = 10) -> dict:
        while True:
            frame = await self.next(timeout)
            if frame["event"] == name:
                return frame

    async def join(self, community_id) -> dict:
        await self.send("join-community", str(community_id))
        return await self.until("joined-community")

    async def close(self) -> None:
        await self.connection.close()


class SioConnectError(Exception):
    pass


class SioClient:
    """Socket.IO v4 over engine.io v4, WebSocket transport: enough for tests and the benchmark."""

    def __init__(self, connection):
        self.connection = connection
        self.sid: str | None = None

    @classmethod
    async def connect(cls, base: str, auth: dict | None = None, headers: dict | None = None,
                      max_queue: int | None = None) -> SioClient:
        """`max_queue`: frames the client buffers before it stops reading (None: unbounded)."""
        url = base.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket"
        client = cls(await websockets.connect(url, additional_headers=headers, max_queue=max_queue))
        opened = await client._recv_raw()
        if not opened.startswith("0"):
            raise SioConnectError(opened)
        await client.connection.send("40" + (json.dumps(auth) if auth else ""))
        answer = await client._recv_raw()
        if answer.startswith("44"):
            await client.connection.close()
            raise SioConnectError(json.loads(answer[2:]).get("message"))
        client.sid = json.loads(answer[2:])["sid"]
        return client

    async def _recv_raw(self, timeout: float = 10) -> str:
        while True:
            raw = await asyncio.wait_for(self.connection.recv(), timeout)
            if raw == "2":  # engine.io ping
                await self.connection.send("3")
                continue
            return raw

    async def emit(self, event: str, *args: Any) -> None:
        await self.connection.send("42" + json.dumps([event, *args]))

    async def next(self, timeout: float = 10) -> tuple[str, list]:
        """(event name, [args...]) of the next server event."""
        while True:
            raw = await self._recv_raw(timeout)
            if raw.startswith("42"):
                name, *args = json.loads(raw[2:])
                return name, args
            if raw.startswith("41"):
                raise SioConnectError("disconnected by the server")

    async def until(self, name: str, timeout: float = 10) -> list:
        while True:
            event, args = await self.next(timeout)
            if event == name:
                return args

    async def join(self, community_id) -> list:
        await self.emit("join-community", str(community_id))
        return await self.until("joined-community")

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.connection.send("41")
        await self.connection.close()


@contextlib.asynccontextmanager
async def serve(app, host: str = "127.0.0.1", **options) -> AsyncIterator[str]:
    """Run `app` on uvicorn in this event loop; yields its base URL (http://host:port). `options` are
    uvicorn.Config's (proxy_headers=False as production runs it, see cad.asgi)."""
    import uvicorn

    # The Procfile's WebSocket implementation, so tests exercise the direct-write path (cad.realtime.wire).
    options = {"ws": "websockets-sansio", "ws_per_message_deflate": False, **options}
    config = uvicorn.Config(app, host=host, port=0, lifespan="off", log_level="warning", **options)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        await task
