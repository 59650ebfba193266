"""Real-time delivery benchmark: N dispatcher sockets on one community, calls created at a steady rate
while units move, p50/p99 latency from the create request to the sockets, on /ws and on Socket.IO.

    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/bench_realtime.py
    .venv/bin/python bench/bench_realtime.py --sockets 200 --rate 10 --seconds 20 --units 300

It creates a throw-away community (a dispatcher, a JWT, an API token) in the configured database,
starts `uvicorn cad.asgi:application` as the Procfile does (or uses --url), connects the sockets from
--client-processes processes, and per transport POSTs `/fivem/calls` at --rate per second while
`/api/dispatch/location-update/batch` moves --units units every 2 seconds. For each call it takes the
time from just before the request to the arrival of `new-911-call` on every socket:
"last socket" is the latency of the slowest socket for that call (what the target is about), "all"
is every single delivery. Lost = deliveries that never arrived (within --grace); late = deliveries
that arrived more than a second after the last request was answered (a backlog).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cad.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")


# -- client processes --------------------------------------------------------------------------------
def client_process(transport: str, base: str, token: str, community_id: str, count: int, positions: str,
                   pipe) -> None:
    import uvloop

    uvloop.install()
    asyncio.run(_clients(transport, base, token, community_id, count, positions, pipe))


async def _clients(transport: str, base: str, token: str, community_id: str, count: int, positions: str,
                   pipe) -> None:
    from cad.realtime.testing import SioClient, WsClient

    arrivals: dict[str, list[float]] = {}
    if transport == "ws":
        clients = [await WsClient.connect(base, f"?token={token}&positions={positions}") for _ in range(count)]
        prefix, marker_at = '{"event":"new-911-call","data":', lambda raw: json.loads(raw)["data"]["description"]
    else:
        clients = [await SioClient.connect(base, auth={"token": token, "positions": positions})
                   for _ in range(count)]
        prefix, marker_at = '42["new-911-call",', lambda raw: json.loads(raw[2:])[1]["description"]
    for client in clients:
        await client.join(community_id)

    async def read(client) -> None:
        connection = client.connection
        async for raw in connection:
            if raw == "2":  # engine.io ping
                await connection.send("3")
            elif raw.startswith(prefix):
                now = time.time()
                arrivals.setdefault(marker_at(raw), []).append(now)

    readers = [asyncio.create_task(read(c)) for c in clients]
    pipe.send("ready")
    await asyncio.get_running_loop().run_in_executor(None, pipe.recv)  # "stop"
    for task in readers:
        task.cancel()
    pipe.send(arrivals)
    for client in clients:
        await client.connection.close()


# -- load ----------------------------------------------------------------------------------------------
async def load(base: str, api_token: str, rate: float, seconds: float, units: int,
               answered: list[float]) -> dict[str, float]:
    import httpx

    sent: dict[str, float] = {}
    headers = {"Authorization": f"Bearer {api_token}"}
    stop = asyncio.Event()

    async def move(http) -> None:
        positions = [{"unitId": f"bench-{i}", "unitName": f"B-{i}", "x": float(i), "y": 0.0, "z": 0.0, "heading": 0}
                     for i in range(units)]
        while not stop.is_set():
            for p in positions:
                p["x"] += 1.5
            await http.post("/api/dispatch/location-update/batch", json=positions, headers={"x-api-key": api_token})
            try:
                await asyncio.wait_for(stop.wait(), 2)
            except TimeoutError:
                pass

    async with httpx.AsyncClient(base_url=base, timeout=30, limits=httpx.Limits(max_connections=50)) as http:
        mover = asyncio.create_task(move(http)) if units else None
        pending = []
        start = time.perf_counter()
        for n in range(int(rate * seconds)):
            delay = start + n / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            marker = f"bench-{uuid.uuid4().hex[:12]}"

            async def create(marker=marker) -> None:
                sent[marker] = time.time()
                response = await http.post("/fivem/calls", headers=headers, json={
                    "title": "Bench", "description": marker, "location": "Route 68", "priority": 2})
                response.raise_for_status()
                answered.append((time.time() - sent[marker]) * 1000)

            pending.append(asyncio.create_task(create()))
        await asyncio.gather(*pending)
        stop.set()
        if mover:
            await mover
    return sent


# -- orchestration -------------------------------------------------------------------------------------
def setup_fixtures() -> tuple[str, str, str, object]:
    import django

    django.setup()
    from rest_framework_simplejwt.tokens import AccessToken

    from cad.core import services
    from cad.core.choices import Role

    tag = uuid.uuid4().hex[:8]
    community = services.community_create(name=f"Bench {tag}")
    user = services.user_ensure(username=f"bench_dispatcher_{tag}")
    services.membership_set(community=community, user=user, role=Role.DISPATCHER)
    _, api_token = services.token_create(community=community, name="bench")
    return str(community.pk), str(AccessToken.for_user(user)), api_token, (community, user)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, ws: str, deflate: bool, workers: int = 1) -> subprocess.Popen:
    import httpx

    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "uvicorn"), "cad.asgi:application", "--host", "127.0.0.1", "--port",
         str(port), "--loop", "uvloop", "--http", "httptools", "--ws", ws, "--lifespan", "off",
         "--log-level", "warning", "--no-access-log", "--ws-per-message-deflate", str(deflate).lower(),
         "--workers", str(workers)],
        cwd=ROOT, env={**os.environ, "LOG_LEVEL": "WARNING"})
    for _ in range(300):
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz")
            return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("uvicorn did not start")


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def run_transport(transport: str, args, base: str, community_id: str, jwt: str, api_token: str) -> None:
    ctx = mp.get_context("spawn")
    shares = [args.sockets // args.client_processes + (1 if i < args.sockets % args.client_processes else 0)
              for i in range(args.client_processes)]
    pipes, processes = [], []
    for share in shares:
        parent, child = ctx.Pipe()
        process = ctx.Process(target=client_process, args=(transport, base, jwt, community_id, share,
                                                                  args.positions, child))
        process.start()
        pipes.append(parent)
        processes.append(process)
    for pipe in pipes:
        assert pipe.recv() == "ready"

    answered: list[float] = []
    sent = asyncio.run(load(base, api_token, args.rate, args.seconds, args.units, answered))
    at_stop = time.time()
    time.sleep(args.grace)
    arrivals: dict[str, list[float]] = {}
    for pipe in pipes:
        pipe.send("stop")
    for pipe in pipes:
        for marker, times in pipe.recv().items():
            arrivals.setdefault(marker, []).extend(times)
    for process in processes:
        process.join()

    last, every, lost, late = [], [], 0, 0
    for marker, t0 in sent.items():
        times = arrivals.get(marker, [])
        lost += args.sockets - len(times)
        late += sum(1 for t in times if t > at_stop + 1)  # still queued a second after the load ended
        every += [(t - t0) * 1000 for t in times]
        if len(times) == args.sockets:
            last.append((max(times) - t0) * 1000)
    print(f"{transport:>9}: {len(sent)} calls x {args.sockets} sockets | last socket p50 {percentile(last, 50):6.1f} ms"
          f"  p99 {percentile(last, 99):6.1f} ms  max {max(last, default=float('nan')):6.1f} ms"
          f" | all deliveries p50 {percentile(every, 50):6.1f} ms  p99 {percentile(every, 99):6.1f} ms"
          f" | lost {lost}  late {late}"
          f" | create request answered p50 {percentile(answered, 50):5.1f} ms  p99 {percentile(answered, 99):5.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sockets", type=int, default=200)
    parser.add_argument("--rate", type=float, default=10.0, help="calls created per second")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--units", type=int, default=100, help="units moving every 2 s (0: none)")
    parser.add_argument("--positions", choices=["each", "coalesced"], default="coalesced",
                        help="sockets take every position event (003) or the coalesced unitLocations (web map)")
    parser.add_argument("--transport", choices=["ws", "socketio", "both"], default="both")
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--grace", type=float, default=2.0, help="seconds to wait for stragglers")
    parser.add_argument("--url", help="use a running server instead of starting uvicorn")
    parser.add_argument("--workers", type=int, default=1,
                        help="uvicorn worker processes (production runs several on the Redis layer)")
    parser.add_argument("--ws", default="websockets", help="uvicorn --ws implementation (the Procfile's: websockets)")
    parser.add_argument("--no-deflate", action="store_true", help="start uvicorn with --ws-per-message-deflate false")
    args = parser.parse_args()

    community_id, jwt, api_token, rows = setup_fixtures()
    server = None
    if args.url:
        base = args.url.rstrip("/")
    else:
        port = free_port()
        server = start_server(port, args.ws, not args.no_deflate, args.workers)
        base = f"http://127.0.0.1:{port}"
    from django.conf import settings

    print(f"bench_realtime: {base}, {'Redis' if settings.REDIS_URL else 'in-memory'} channel layer, "
          f"{settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, {args.sockets} sockets, "
          f"{args.rate:g} calls/s for {args.seconds:g} s, {args.units} units moving every 2 s ({args.positions})"
          + ("" if args.url else f", uvicorn --ws {args.ws}{' without' if args.no_deflate else ' with'} per-message deflate, {args.workers} worker(s)"))
    try:
        for transport in (["ws", "socketio"] if args.transport == "both" else [args.transport]):
            run_transport(transport, args, base, community_id, jwt, api_token)
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
        community, user = rows
        community.delete()
        user.delete()


if __name__ == "__main__":
    main()
