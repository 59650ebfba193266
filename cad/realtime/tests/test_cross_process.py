"""Two uvicorn processes on the Redis channel layer: an event raised through one reaches sockets held by
the other, on /ws, Socket.IO and SSE; so does one raised by a third, non-web process (a command, as a
Celery task would)."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from django.db import connection

from cad.realtime.testing import SioClient, WsClient

from .conftest import jwt_for

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

ROOT = Path(settings.BASE_DIR)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    """The URL of the test database (the subprocesses must read the rows this test commits)."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def server_env() -> dict:
    return {**os.environ, "DATABASE_URL": database_url(), "REDIS_URL": settings.REDIS_URL,
            "SECRET_KEY": settings.SECRET_KEY, "CAD_VAR_DIR": str(settings.VAR_DIR), "DEBUG": "true",
            "LOG_LEVEL": "WARNING"}


async def start_server(port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "uvicorn"), "cad.asgi:application", "--host", "127.0.0.1",
         "--port", str(port), "--lifespan", "off", "--log-level", "warning"],
        cwd=ROOT, env=server_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    async with httpx.AsyncClient() as client:
        for _ in range(300):  # wait for it to listen (Django setup), not a timing assertion
            if process.poll() is not None:
                raise RuntimeError(process.stderr.read().decode())
            try:
                await client.get(f"http://127.0.0.1:{port}/healthz")
                return process
            except httpx.TransportError:
                await asyncio.sleep(0.1)
    process.kill()
    raise RuntimeError("uvicorn did not start")


@pytest.fixture
async def two_servers():
    ports = free_port(), free_port()
    processes = [await start_server(port) for port in ports]
    yield [f"http://127.0.0.1:{port}" for port in ports]
    for process in processes:
        process.terminate()
        process.wait(10)


async def test_event_through_one_process_reaches_sockets_on_the_other(two_servers, community, other_community,
                                                                     dispatcher, outsider, api_token):
    here, there = two_servers
    ws = await WsClient.connect(here, f"?token={jwt_for(dispatcher)}")
    sio = await SioClient.connect(here, auth={"token": jwt_for(dispatcher)})
    stranger = await WsClient.connect(here, f"?token={jwt_for(outsider)}")
    await ws.join(community.pk)
    await sio.join(community.pk)
    await stranger.join(other_community.pk)

    async with httpx.AsyncClient(timeout=10) as http:
        sse = http.stream("GET", f"{here}/fivem/events", headers={"Authorization": f"Bearer {api_token}"})
        async with sse as stream:
            lines = stream.aiter_lines()
            assert await anext(lines) == "event: connected"

            # Process 2 serves the request that creates the call.
            created = await http.post(f"{there}/fivem/calls", json={"title": "10-50 MVA", "location": "Route 1"},
                                      headers={"Authorization": f"Bearer {api_token}"})
            assert created.status_code == 201, created.text

            assert (await ws.until("new-911-call"))["data"]["location"] == "Route 1"
            assert (await sio.until("new-911-call"))[0]["location"] == "Route 1"
            assert (await sio.until("newCall"))[0]["location"] == "Route 1"
            while not (line := await anext(lines)).startswith("event: "):
                pass
            assert line == "event: new_call"

    # A third process that is no web server (as a Celery worker is) publishes a panic.
    process = await asyncio.create_subprocess_exec(
        sys.executable, "manage.py", "realtime_publish", str(community.pk), "panic-button",
        '{"officerName": "Officer Martinez", "source": "dispatch"}', cwd=ROOT, env=server_env(),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    assert (await ws.until("panic-button"))["data"]["officerName"] == "Officer Martinez"
    assert (await sio.until("panic-button"))[0]["source"] == "dispatch"

    # Community B's socket, on the same process, saw none of it: its next frame is B's own event.
    process = await asyncio.create_subprocess_exec(
        sys.executable, "manage.py", "realtime_publish", str(other_community.pk), "new-bolo", '{"_id": "b"}',
        cwd=ROOT, env=server_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    await process.communicate()
    frame = await stranger.next()
    assert (frame["event"], frame["data"]) == ("new-bolo", {"_id": "b"})
    for client in (ws, sio, stranger):
        await client.close()
