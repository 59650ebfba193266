"""Embedded mode (no REDIS_URL): events raised outside the web process reach its sockets.

`make run` starts uvicorn, a Celery worker and beat as separate processes, and without Redis the
channel layer lives in the web process's memory. So when an event is published inside a Celery task
(call expiry, announcement expiry, stale positions...) — or by `manage.py realtime_publish` — the
publishing process does not send it to its own (empty) layer: it hands it to the web process over a
Unix socket in VAR_DIR (mode 0600, each message signed with an HMAC of SECRET_KEY), and the web
process numbers it and sends it through its layer like any event of its own. One line per event:

    <hex HMAC-SHA256>\\t<json {community_id, names, data, ts, sse}>\\n   →   "ok\\n" | "denied\\n"

With REDIS_URL set none of this runs: every process shares the Redis channel layer.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import os
import socket
import tempfile
from pathlib import Path

from django.conf import settings

from cad import events

logger = logging.getLogger(__name__)

FORWARD_TIMEOUT = 2.0
MAX_LINE = 1024 * 1024
force_forwarding = False  # set by `manage.py realtime_publish` in embedded mode


def socket_path() -> Path:
    path = Path(settings.VAR_DIR) / "realtime.sock"
    if len(str(path)) < 100:  # AF_UNIX paths are limited to ~107 bytes
        return path
    digest = hashlib.sha1(str(settings.VAR_DIR).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"cad-realtime-{digest}.sock"


def _key() -> bytes:
    return hashlib.sha256(b"cad.realtime.bridge:" + settings.SECRET_KEY.encode()).digest()


def sign(body: bytes) -> str:
    return hmac.new(_key(), body, hashlib.sha256).hexdigest()


def should_forward() -> bool:
    """In a Celery worker process (a task ran there, not eagerly), or when forced by a command."""
    return force_forwarding or _in_worker


_in_worker = False


def on_task_prerun(sender=None, task=None, **kwargs) -> None:
    """`celery.signals.task_prerun`: sent when a worker executes a task (eager runs are in-process)."""
    global _in_worker
    if task is not None and not task.request.is_eager:
        _in_worker = True


def forward(event: events.Event) -> bool:
    """Hand one event to the web process; False (logged) when it is not running."""
    body = json.dumps({"community_id": event.community_id, "names": list(event.names), "data": event.data,
                       "ts": event.ts, "sse": [list(p) for p in event.sse], "parts": [list(p) for p in event.parts]},
                      separators=(",", ":")).encode()
    line = sign(body).encode() + b"\t" + body + b"\n"
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.settimeout(FORWARD_TIMEOUT)
            client.connect(str(socket_path()))
            client.sendall(line)
            answer = client.makefile("rb").readline().strip()
    except OSError as exc:
        logger.warning("realtime bridge: web process not reachable (%s); %s not delivered", exc, event.names)
        return False
    if answer != b"ok":
        logger.warning("realtime bridge: web process refused %s (%s)", event.names, answer.decode(errors="replace"))
        return False
    return True


# -- the web process's end --------------------------------------------------------------------------
_servers: dict[asyncio.AbstractEventLoop, asyncio.AbstractServer | None] = {}


async def ensure_listening() -> None:
    """Start the bridge once per event loop in the web process (embedded mode only). Cheap when done."""
    loop = asyncio.get_running_loop()
    if loop in _servers:
        return
    _servers[loop] = None
    if settings.REDIS_URL:
        return
    try:
        _servers[loop] = await listen()
    except OSError:  # never fail the request that happened to come first
        logger.exception("realtime bridge: cannot listen on %s; worker events will not reach sockets",
                         socket_path())


async def stop_listening() -> None:
    """Close this loop's bridge (tests: each test runs its own event loop)."""
    server = _servers.pop(asyncio.get_running_loop(), None)
    if server is not None:
        server.close()
        await server.wait_closed()
        socket_path().unlink(missing_ok=True)


async def listen(path: Path | None = None) -> asyncio.AbstractServer | None:
    path = path or socket_path()
    if path.exists():
        try:
            _reader, writer = await asyncio.open_unix_connection(str(path))
        except OSError:
            path.unlink(missing_ok=True)  # left over by a process that is gone
        else:
            writer.close()
            logger.warning("realtime bridge: %s is served by another web process; not listening", path)
            return None
    old_umask = os.umask(0o177)
    try:
        server = await asyncio.start_unix_server(_serve, path=str(path), limit=MAX_LINE)
    finally:
        os.umask(old_umask)
    return server


async def _serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        line = await reader.readline()
        signature, _, body = line.rstrip(b"\n").partition(b"\t")
        if not hmac.compare_digest(signature, sign(body).encode()):
            writer.write(b"denied\n")
            return
        message = json.loads(body)
        event = events.Event(community_id=str(message["community_id"]), names=tuple(message["names"]),
                             data=message["data"], seq=0, ts=message["ts"],
                             sse=tuple(tuple(p) for p in message.get("sse") or ()),
                             parts=tuple(tuple(p) for p in message.get("parts") or ()))
        await events.asend(event)
        writer.write(b"ok\n")
    except (ValueError, KeyError, TypeError):
        writer.write(b"denied\n")
    finally:
        with contextlib.suppress(Exception):
            await writer.drain()
            writer.close()
