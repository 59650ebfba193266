"""Embedded mode: events raised in another process (a Celery worker, a command) reach the web process."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
import subprocess
import sys

import pytest
from django.conf import settings

from cad.realtime import bridge

from .conftest import jwt_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(bool(settings.REDIS_URL), reason="embedded mode only (with Redis every process shares the layer)"),
]


@pytest.fixture
async def listening(tmp_path, monkeypatch):
    path = tmp_path / "rt.sock"
    monkeypatch.setattr(bridge, "socket_path", lambda: path)
    server = await bridge.listen(path)
    yield path
    server.close()
    await server.wait_closed()


async def test_command_in_another_process_reaches_a_socket_here(ws, listening, community, dispatcher):
    client = await ws(f"?token={jwt_for(dispatcher)}")
    await client.join(community.pk)
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'cad.settings'; django.setup();"
        "from cad.realtime import bridge; from pathlib import Path;"
        f"bridge.socket_path = lambda: Path({str(listening)!r});"
        "from django.core.management import call_command;"
        f"call_command('realtime_publish', {str(community.pk)!r}, 'new-announcement', '{{\"title\": \"Hi\"}}',"
        " '--no-check', '--sse', 'announcement', '{}')"
    )
    env = {**os.environ, "SECRET_KEY": settings.SECRET_KEY, "CAD_VAR_DIR": str(settings.VAR_DIR)}
    env.pop("REDIS_URL", None)
    process = await asyncio.create_subprocess_exec(sys.executable, "-c", code, env=env,
                                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    frame = await client.until("new-announcement")
    from cad.events import current_seq

    assert frame["data"] == {"title": "Hi"}
    assert frame["seq"] == current_seq(community.pk)  # numbered by this (the web) process


async def test_forged_messages_are_refused(ws, listening, community, dispatcher):
    client = await ws(f"?token={jwt_for(dispatcher)}")
    await client.join(community.pk)
    body = b'{"community_id": "%s", "names": ["panic-button"], "data": {}, "ts": "t"}' % str(community.pk).encode()
    other_key = hmac.new(b"not our secret", body, hashlib.sha256).hexdigest().encode()
    for signature in (b"0" * 64, other_key, b""):
        reader, writer = await asyncio.open_unix_connection(str(listening))
        writer.write(signature + b"\t" + body + b"\n")
        await writer.drain()
        assert await reader.readline() == b"denied\n"
        writer.close()
    # The genuine article goes through, and is the first thing the socket sees.
    reader, writer = await asyncio.open_unix_connection(str(listening))
    writer.write(bridge.sign(body).encode() + b"\t" + body + b"\n")
    await writer.drain()
    assert await reader.readline() == b"ok\n"
    assert (await client.next())["event"] == "panic-button"


async def test_socket_file_is_private(listening):
    assert oct(listening.stat().st_mode & 0o777) == "0o600"


def test_forwarding_only_in_worker_processes(monkeypatch):
    from types import SimpleNamespace

    from celery.signals import task_prerun

    monkeypatch.setattr(bridge, "_in_worker", False)
    assert not bridge.should_forward()
    eager = SimpleNamespace(request=SimpleNamespace(is_eager=True))  # CELERY_TASK_ALWAYS_EAGER: in-process
    task_prerun.send(sender=None, task_id="1", task=eager)
    assert not bridge.should_forward()
    in_worker = SimpleNamespace(request=SimpleNamespace(is_eager=False))
    task_prerun.send(sender=None, task_id="2", task=in_worker)
    assert bridge.should_forward()
