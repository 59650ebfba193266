"""Position-ingest benchmark: single updates per second and batched positions per second.

Starts uvicorn (`cad.asgi:application`) on a free port against the current DATABASE_URL / REDIS_URL,
creates a throw-away community and API token, then drives the ingest routes with concurrent async
aiohttp clients spread over several processes, and prints the figures. The community is deleted at the end.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cad REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/bench_ingest.py [--seconds 10] [--workers 2] [--clients 2] [--concurrency 32]
            [--batch 500] [--batch-concurrency 16] [--units 300]

`--units` distinct unit ids are updated over and over (a busy server's units), so the position events,
coalesced per unit per second, stay what such a server would cause.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cad.settings")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def position(i: int) -> dict:
    return {"unitId": f"bench-{i}", "unitName": f"{i % 9 + 1}-ADAM-{i}", "x": random.uniform(-3000, 3000),
            "y": random.uniform(-3000, 7000), "z": 30.0, "heading": random.uniform(0, 360), "job": "police",
            "status": "10-8", "postal": str(100 + i % 800)}


async def _drive(url: str, token: str, seconds: float, concurrency: int, batch: int, units: int) -> tuple[int, int]:
    import aiohttp

    path = "/api/dispatch/location-update/batch" if batch else "/api/dispatch/location-update"
    headers = {"x-api-key": token, "content-type": "application/json"}
    # Bodies are built before the clock starts: the figures are the server's, not the JSON encoder's.
    if batch:
        bodies = [json.dumps({"positions": [position((n + k) % units) for k in range(batch)]}).encode()
                  for n in range(0, units, max(1, units // 20))]
    else:
        bodies = [json.dumps(position(n)).encode() for n in range(units)]
    done = [0, 0]  # requests, failures
    deadline = time.perf_counter() + seconds
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(url, headers=headers, connector=connector) as client:
        async def worker(w: int) -> None:
            n = w
            while time.perf_counter() < deadline:
                n += 1
                async with client.post(path, data=bodies[n % len(bodies)]) as response:
                    await response.read()
                    done[0 if response.status == 200 else 1] += 1

        await asyncio.gather(*(worker(w) for w in range(concurrency)))
    return done[0], done[1]


def _client_process(args: tuple) -> tuple[int, int]:
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    return asyncio.run(_drive(*args))


def run_phase(pool, url, token, seconds, clients, concurrency, batch, units) -> tuple[int, int, float]:
    started = time.perf_counter()
    results = pool.map(_client_process, [(url, token, seconds, concurrency, batch, units)] * clients)
    elapsed = time.perf_counter() - started
    return sum(r[0] for r in results), sum(r[1] for r in results), elapsed


def setup_community() -> tuple[str, str]:
    import django

    django.setup()
    from django.core.management import call_command

    from cad.core import services

    call_command("migrate", verbosity=0, interactive=False)
    community = services.community_create(name=f"bench-{int(time.time())}")
    _, raw = services.token_create(community=community, name="bench")
    return str(community.pk), raw


def teardown_community(community_id: str) -> None:
    from cad.core.models import Community

    Community.objects.filter(pk=community_id).delete()


def wait_ready(url: str, server: subprocess.Popen) -> None:
    import urllib.error
    import urllib.request

    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit(f"uvicorn exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1):
                return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.1)
    raise SystemExit("uvicorn did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--clients", type=int, default=2, help="client processes")
    parser.add_argument("--concurrency", type=int, default=32, help="concurrent requests per client process")
    parser.add_argument("--batch", type=int, default=500, help="positions per batch request")
    parser.add_argument("--batch-concurrency", type=int, default=16,
                        help="concurrent batch requests per client process")
    parser.add_argument("--units", type=int, default=300, help="distinct unit ids (a busy server's units)")
    args = parser.parse_args()

    community_id, token = setup_community()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/uvicorn"), "cad.asgi:application", "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(args.workers), "--no-access-log", "--log-level", "warning", "--no-proxy-headers"],
        # One token sends far more than 004's 3000 requests a minute here; the limit is not what is measured.
        cwd=ROOT, env={**os.environ, "FIVEM_RATE_LIMIT": os.environ.get("BENCH_FIVEM_RATE_LIMIT", "100000000/m")},
    )
    try:
        wait_ready(url, server)
        backend = "PostgreSQL" if "postgres" in os.environ.get("DATABASE_URL", "") else "SQLite"
        print(f"uvicorn x{args.workers} on :{port}, {backend} + {'Redis' if os.environ.get('REDIS_URL') else 'locmem'};"
              f" {args.clients} client processes x {args.concurrency} concurrent aiohttp requests, {args.seconds:g} s each")
        with multiprocessing.get_context("spawn").Pool(args.clients) as pool:
            run_phase(pool, url, token, 1.0, args.clients, 4, 0, args.units)  # warm-up: token cache, pools
            ok, failed, elapsed = run_phase(pool, url, token, args.seconds, args.clients, args.concurrency, 0,
                                            args.units)
            print(f"single: {ok / elapsed:,.0f} updates/s ({ok:,} ok, {failed:,} failed in {elapsed:.1f} s)")
            ok, failed, elapsed = run_phase(pool, url, token, args.seconds, args.clients, args.batch_concurrency,
                                            args.batch, args.units)
            print(f"batch of {args.batch}: {ok * args.batch / elapsed:,.0f} positions/s "
                  f"({ok:,} requests ok, {failed:,} failed in {elapsed:.1f} s)")
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        teardown_community(community_id)


if __name__ == "__main__":
    main()
