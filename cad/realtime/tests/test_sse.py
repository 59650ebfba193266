"""GET /fivem/events: auth, connected, the sse twins only, Last-Event-ID replay, heartbeat, cleanup."""

from __future__ import annotations

import asyncio

import pytest
from channels.db import database_sync_to_async

from cad.events import current_seq
from cad.realtime import sse
from cad.realtime.hub import get_hub

from .conftest import publish_now

pytestmark = pytest.mark.django_db(transaction=True)


class SseConnection:
    """Drives the ASGI application directly: the request, the streamed body, the disconnect."""

    def __init__(self, application, headers: list[tuple[bytes, bytes]]):
        self.sent: asyncio.Queue = asyncio.Queue()
        self.incoming: asyncio.Queue = asyncio.Queue()
        self.incoming.put_nowait({"type": "http.request", "body": b"", "more_body": False})
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
            "path": "/fivem/events", "raw_path": b"/fivem/events", "query_string": b"", "root_path": "",
            "headers": [(b"host", b"localhost"), *headers], "client": ("127.0.0.1", 1), "server": ("localhost", 80),
        }
        self.task = asyncio.create_task(application(scope, self.incoming.get, self.sent.put))
        self.buffer = ""

    async def start(self) -> dict:
        return await asyncio.wait_for(self.sent.get(), 5)

    async def read_until(self, fragment: str) -> str:
        while fragment not in self.buffer:
            message = await asyncio.wait_for(self.sent.get(), 5)
            self.buffer += message.get("body", b"").decode()
        head, _, self.buffer = self.buffer.partition(fragment)
        return head + fragment

    async def close(self) -> None:
        self.incoming.put_nowait({"type": "http.disconnect"})
        await asyncio.wait_for(self.task, 5)


def bearer(raw: str) -> list[tuple[bytes, bytes]]:
    return [(b"authorization", f"Bearer {raw}".encode())]


async def test_requires_the_community_token(application):
    for headers in ([], bearer("cad_nope"), bearer("a.jwt.token")):
        connection = SseConnection(application, headers)
        start = await connection.start()
        assert start["status"] == 401
        await asyncio.wait_for(connection.task, 5)


async def test_connected_then_sse_twins_of_its_own_community_only(application, community, other_community,
                                                                  api_token):
    connection = SseConnection(application, bearer(api_token))
    start = await connection.start()
    assert start["status"] == 200
    assert (b"content-type", b"text/event-stream") in [(k.lower(), v) for k, v in start["headers"]]
    assert "event: connected" in await connection.read_until("\n\n")

    await publish_now(other_community.pk, "new-911-call", {"_id": "b"}, sse=[("new_call", {"id": "b"})])
    await publish_now(community.pk, "new-bolo", {"_id": "no-twin"})
    bolo = await database_sync_to_async(current_seq)(community.pk)
    await publish_now(community.pk, "new-911-call", {"_id": "a"}, sse=[("new_call", {"id": "a", "call_number": 1})])
    await publish_now(community.pk, "panic-button", {"officerName": "x"}, sse=[("panic", {"call_id": "p"})])
    first = await connection.read_until("\n\n")
    assert first.startswith(f"id: {bolo + 1}\nevent: new_call\n")  # the BOLO has no SSE twin
    assert 'data: {"id":"a","call_number":1}' in first
    assert "event: panic" in await connection.read_until("\n\n")
    assert '"b"' not in connection.buffer
    await connection.close()
    assert get_hub().members(str(community.pk)) == frozenset()  # closing freed the subscription


async def test_last_event_id_replays_then_goes_live(application, community, api_token):
    for n in (1, 2, 3):
        await publish_now(community.pk, "callUpdated", {"n": n}, sse=[("call_updated", {"n": n})])
    one = await database_sync_to_async(current_seq)(community.pk) - 2
    connection = SseConnection(application, bearer(api_token) + [(b"last-event-id", str(one).encode())])
    await connection.start()
    await connection.read_until("event: connected")
    await connection.read_until("\n\n")
    assert (await connection.read_until("\n\n")).startswith(f"id: {one + 1}\nevent: call_updated")
    assert (await connection.read_until("\n\n")).startswith(f"id: {one + 2}\nevent: call_updated")
    await publish_now(community.pk, "911CallClosed", {"n": 4}, sse=[("call_closed", {"n": 4})])
    assert (await connection.read_until("\n\n")).startswith(f"id: {one + 3}\nevent: call_closed")
    await connection.close()


async def test_heartbeat_comment(application, api_token, monkeypatch):
    monkeypatch.setattr(sse, "HEARTBEAT_SECONDS", 0.01)
    connection = SseConnection(application, bearer(api_token))
    await connection.start()
    await connection.read_until(": heartbeat\n\n")
    await connection.close()
