"""What the HTTP benchmarks share (bench_ingest, bench_fivem, bench_map, bench_realtime): Django set up with
its tables, a throw-away community with an API token, uvicorn on a free port with the /fivem/* rate limit
lifted (the limit is not what these scripts measure; `BENCH_FIVEM_RATE_LIMIT` overrides it), and client
processes posting prepared bodies at a route as fast as it answers."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cad.settings")

# A busy game server sends far more than 004's 3,000 requests a minute with one token.
LIFTED_RATE = os.environ.get("BENCH_FIVEM_RATE_LIMIT", "100000000/m")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def setup_django() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def community_with_token(prefix: str = "bench") -> tuple[Any, str]:
    """A new community named `<prefix>-<time>` and a raw API token of it (`setup_django()` first)."""
    from cad.core import services

    community = services.community_create(name=f"{prefix}-{int(time.time())}")
    _, raw = services.token_create(community=community, name="bench")
    return community, raw


def teardown_community(community_id: Any) -> None:
    from cad.core.models import Community

    Community.objects.filter(pk=community_id).delete()


def server_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a benchmarked server: `env` (else this process's) with the /fivem/* limit lifted."""
    return {**(env if env is not None else os.environ), "FIVEM_RATE_LIMIT": LIFTED_RATE}


def wait_ready(url: str, server: subprocess.Popen) -> None:
    import urllib.error
    import urllib.request

    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit(f"the server exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1):
                return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not start")


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()


@contextmanager
def uvicorn(*, workers: int = 1, options: tuple[str, ...] = (), **popen: Any) -> Iterator[tuple[str, subprocess.Popen]]:
    """uvicorn serving `cad.asgi:application` on a free port, ready: yields (base URL, process); stops it after."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "cad.asgi:application", "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(workers), "--no-access-log", "--log-level", "warning", *options]
    server = subprocess.Popen(command, cwd=ROOT, env=server_env(popen.pop("env", None)), **popen)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_ready(url, server)
        yield url, server
    finally:
        stop(server)


def backend() -> str:
    database = "PostgreSQL" if "postgres" in os.environ.get("DATABASE_URL", "") else "SQLite"
    return f"{database} + {'Redis' if os.environ.get('REDIS_URL') else 'embedded'}"


async def hammer(url: str, path: str, headers: dict, bodies: list[bytes], seconds: float,
                 concurrency: int) -> tuple[int, int, float]:
    """`concurrency` requests in flight posting `bodies` in turn for `seconds`: (answered 200, answered
    otherwise, this client's CPU seconds). Bodies are built before the clock starts, so the figures are the
    server's, not the JSON encoder's."""
    import aiohttp

    done = [0, 0]
    deadline = time.perf_counter() + seconds
    cpu = time.process_time()
    async with aiohttp.ClientSession(url, headers=headers, connector=aiohttp.TCPConnector(limit=concurrency)) as s:
        async def worker(w: int) -> None:
            n = w
            while time.perf_counter() < deadline:
                n += 1
                async with s.post(path, data=bodies[n % len(bodies)]) as response:
                    await response.read()
                    done[0 if response.status == 200 else 1] += 1

        await asyncio.gather(*(worker(w) for w in range(concurrency)))
    return done[0], done[1], time.process_time() - cpu


def _run_client(hammer_coroutine: Any, args: tuple) -> tuple[int, int, float]:
    """`hammer_coroutine(*args)` in a client process of a pool (uvloop when installed)."""
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    return asyncio.run(hammer_coroutine(*args))


def hammer_process(args: tuple) -> tuple[int, int, float]:
    return _run_client(hammer, args)


def hammer_pool(pool: Any, args: tuple, processes: int, *, warm_up: float = 1.0) -> tuple[int, int, float, float]:
    """A short uncounted round (token cache, connection pools, every worker's caches), then `args`' round from
    `processes` client processes at once: (ok, failed, elapsed seconds, the clients' CPU seconds)."""
    url, path, headers, bodies, seconds, _concurrency = args
    if warm_up:
        pool.map(hammer_process, [(url, path, headers, bodies, warm_up, 4)] * processes)
    started = time.perf_counter()
    results = pool.map(hammer_process, [args] * processes)
    elapsed = time.perf_counter() - started
    return sum(r[0] for r in results), sum(r[1] for r in results), elapsed, sum(r[2] for r in results)


class _LeanConnection(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection posting prepared requests one after another (`hammer_lean`)."""

    def __init__(self, requests: list[bytes], deadline: float, done: list[int], offset: int):
        self.requests, self.deadline, self.done, self.n = requests, deadline, done, offset
        self.buffer = b""
        self.finished: asyncio.Future = asyncio.get_running_loop().create_future()

    def connection_made(self, transport) -> None:
        self.transport = transport
        self._next()

    def _next(self) -> None:
        self.n += 1
        self.transport.write(self.requests[self.n % len(self.requests)])

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            head = self.buffer[:end].lower()
            at = head.find(b"\r\ncontent-length:")
            if at >= 0:
                stop = head.find(b"\r\n", at + 2)
                after = end + 4 + int(head[at + 17:stop if stop > 0 else len(head)])
                if len(self.buffer) < after:
                    return
            else:  # chunked (Django's ASGI handler sets no length): the bodies here hold no CRLF
                last = self.buffer.find(b"\r\n0\r\n\r\n", end + 2)
                if last < 0:
                    return
                after = last + 7
            self.done[0 if head[9:12] == b"200" else 1] += 1
            self.buffer = self.buffer[after:]
            if time.perf_counter() < self.deadline:
                self._next()
            else:
                self.transport.close()

    def connection_lost(self, exc) -> None:
        if not self.finished.done():
            self.finished.set_result(None)


async def hammer_lean(url: str, path: str, headers: dict, bodies: list[bytes], seconds: float,
                      concurrency: int) -> tuple[int, int, float]:
    """`hammer` with prepared request bytes on raw keep-alive connections: a tenth of aiohttp's CPU per
    request, so that a server answering in a tenth of a millisecond is measured, not its client."""
    host, _, port = url.removeprefix("http://").partition(":")
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    requests = [f"POST {path} HTTP/1.1\r\nhost: {host}:{port}\r\n{head}content-length: {len(b)}\r\n\r\n".encode() + b
                for b in bodies]
    done = [0, 0]
    deadline = time.perf_counter() + seconds
    cpu = time.process_time()
    loop = asyncio.get_running_loop()
    connections = [(await loop.create_connection(lambda w=w: _LeanConnection(requests, deadline, done, w), host,
                                                 int(port)))[1] for w in range(concurrency)]
    await asyncio.gather(*(c.finished for c in connections))
    return done[0], done[1], time.process_time() - cpu


def hammer_lean_process(args: tuple) -> tuple[int, int, float]:
    return _run_client(hammer_lean, args)
