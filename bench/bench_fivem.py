"""Game-server benchmark: nearest-postal lookups per second, and the cad_mdt batch route's positions per
second with the postal fill on.

1. Postals: builds the index of a 1,700-entry table (the base map's size; a synthetic table with a dense
   city and a sparse countryside, since the real file is uploaded by admins) and times lookups at random
   points over the map, through the index and through the selector the ingest path uses.
2. `POST /fivem/livemap/positions`: starts uvicorn (`cad.asgi:application`) on a free port against the
   current DATABASE_URL / REDIS_URL, creates a throw-away community with that postal table and an API
   token, and drives the route with batches of 004 bodies **without** `postal`, so every position gets the
   nearest one filled. The community is deleted at the end.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cad REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/bench_fivem.py [--seconds 10] [--workers 2] [--clients 2] [--batch 100]
            [--concurrency 16] [--units 300] [--lookups 200000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cad.settings")

from bench_ingest import free_port, teardown_community, wait_ready  # noqa: E402


def postal_table(n: int = 1700, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    table = []
    for i in range(n):
        if rng.random() < 0.6:
            x, y = rng.gauss(0, 900), rng.gauss(-800, 900)
        else:
            x, y = rng.uniform(-3500, 4000), rng.uniform(-3000, 7500)
        table.append({"code": str(1000 + i), "x": round(x, 2), "y": round(y, 2)})
    return table


def bench_lookups(community_id: str, table: list[dict], count: int) -> None:
    from postals import selectors
    from postals.index import PostalIndex

    started = time.perf_counter()
    index = PostalIndex((p["x"], p["y"], p["code"]) for p in table)
    build_ms = (time.perf_counter() - started) * 1000
    rng = random.Random(1)
    points = [(rng.uniform(-4000, 4500), rng.uniform(-4000, 8500)) for _ in range(count)]
    nearest = index.nearest
    started = time.perf_counter()
    for x, y in points:
        nearest(x, y)
    index_rate = count / (time.perf_counter() - started)
    selectors.postal_index(community_id)  # warm the per-process cache, as the ingest path finds it
    started = time.perf_counter()
    for x, y in points:
        selectors.nearest_postal(community_id, x, y)
    selector_rate = count / (time.perf_counter() - started)
    print(f"postals: {len(table):,}-entry table, index built in {build_ms:.0f} ms; "
          f"{index_rate:,.0f} lookups/s through the index, {selector_rate:,.0f} lookups/s through "
          f"postals.selectors.nearest_postal (one core)")


def bench_request_cpu(table: list[dict], batch: int, units: int, rounds: int = 500) -> None:
    """CPU time of what the route does per request (parse, validate, fill postals, serialise for Redis),
    measured with process_time: a figure that a machine shared with other jobs does not distort."""
    from dispatch import ingest, services
    from postals.index import PostalIndex

    index = PostalIndex((p["x"], p["y"], p["code"]) for p in table)
    body, community_id = bodies(batch, units)[0], str(uuid.uuid4())
    started = time.process_time()
    for _ in range(rounds):
        entries, _ = ingest._parse(ingest.FIVEM_BATCH, body, community_id)
        services.fill_postals(entries, index)
        {e["unitId"]: ingest.positions.dumps(e) for e in entries}
    cpu = (time.process_time() - started) / rounds
    print(f"route work per request of {batch} (parse, validate, postal fill, serialise): {cpu * 1e6:,.0f} us CPU "
          f"= {batch / cpu:,.0f} positions per CPU-second, before HTTP and Redis")


def bodies(batch: int, units: int) -> list[bytes]:
    ids = [str(uuid.UUID(int=i + 1)) for i in range(units)]
    rng = random.Random(2)
    out = []
    for start in range(0, units, max(1, units // 20)):
        out.append(json.dumps([
            {"character_id": ids[(start + k) % units], "name": f"[{k % 9 + 1}-ADAM-{k}] Officer {k}",
             "x": rng.uniform(-3000, 3000), "y": rng.uniform(-3000, 7000), "z": 30.0, "heading": rng.uniform(0, 360)}
            for k in range(batch)
        ]).encode())
    return out


async def _drive(url: str, token: str, seconds: float, concurrency: int, batch: int, units: int) -> tuple[int, int, float]:
    import aiohttp

    payloads = bodies(batch, units)
    headers = {"Authorization": f"Bearer {token}", "content-type": "application/json"}
    done = [0, 0]
    deadline = time.perf_counter() + seconds
    cpu = time.process_time()
    async with aiohttp.ClientSession(url, headers=headers, connector=aiohttp.TCPConnector(limit=concurrency)) as client:
        async def worker(w: int) -> None:
            n = w
            while time.perf_counter() < deadline:
                n += 1
                async with client.post("/fivem/livemap/positions", data=payloads[n % len(payloads)]) as response:
                    await response.read()
                    done[0 if response.status == 200 else 1] += 1

        await asyncio.gather(*(worker(w) for w in range(concurrency)))
    return done[0], done[1], time.process_time() - cpu


def _tree(pid: int) -> list[int]:
    """A process and its descendants (uvicorn's master and its workers)."""
    out = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in task.read_text().split():
            out += _tree(int(child))
    return out


def server_cpu_seconds(pid: int) -> float:
    """User + system CPU time of the server's processes (Linux): what the requests cost the server,
    a figure a machine shared with other jobs does not distort the way it distorts a rate."""
    total = 0.0
    for p in _tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rpartition(")")[2].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            pass
    return total


def _client_process(args: tuple) -> tuple[int, int, float]:
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    return asyncio.run(_drive(*args))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--clients", type=int, default=2, help="client processes")
    parser.add_argument("--concurrency", type=int, default=16, help="concurrent requests per client process")
    parser.add_argument("--batch", type=int, default=100, help="positions per request")
    parser.add_argument("--units", type=int, default=300, help="distinct characters (a busy server's units)")
    parser.add_argument("--lookups", type=int, default=200_000, help="postal lookups to time")
    parser.add_argument("--profile", help="file: record the server during the timed run with py-spy (raw collapsed "
                                          "stacks, every worker; bench/profile_top.py summarises it)")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    from cad.core import services
    from postals import services as postal_services

    call_command("migrate", verbosity=0, interactive=False)
    community = services.community_create(name=f"bench-fivem-{int(time.time())}")
    _, token = services.token_create(community=community, name="bench")
    table = postal_table()
    postal_services.postal_table_replace(community=community, entries=table, name="synthetic 1,700")
    community_id = str(community.pk)
    try:
        bench_lookups(community_id, table, args.lookups)
        bench_request_cpu(table, args.batch, args.units)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [str(ROOT / ".venv/bin/uvicorn"), "cad.asgi:application", "--host", "127.0.0.1", "--port", str(port),
             "--workers", str(args.workers), "--no-access-log", "--log-level", "warning", "--loop", "uvloop",
             "--http", "httptools"],
            # Every batch counts in the token's /fivem/* bucket (3,000 a minute by default): lift it for the run.
            cwd=ROOT, env={**os.environ, "FIVEM_RATE_LIMIT": os.environ.get("BENCH_FIVEM_RATE_LIMIT", "100000000/m")},
        )
        try:
            wait_ready(url, server)
            backend = "PostgreSQL" if "postgres" in os.environ.get("DATABASE_URL", "") else "SQLite"
            print(f"uvicorn x{args.workers} on :{port}, {backend} + {'Redis' if os.environ.get('REDIS_URL') else 'locmem'};"
                  f" {args.clients} client processes x {args.concurrency} concurrent requests, {args.seconds:g} s")
            with multiprocessing.get_context("spawn").Pool(args.clients) as pool:
                warm = (url, token, 1.0, 2, args.batch, args.units)
                pool.map(_client_process, [warm] * args.clients)  # token and postal caches in every worker
                profiler = None
                if args.profile:
                    profiler = subprocess.Popen(
                        [str(Path(sys.executable).parent / "py-spy"), "record", "--pid", str(server.pid), "--subprocesses",
                         "--rate", "250", "--format", "raw", "--output", args.profile, "--nonblocking", "--gil"],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                    time.sleep(1)
                cpu_before, started = server_cpu_seconds(server.pid), time.perf_counter()
                results = pool.map(_client_process, [(url, token, args.seconds, args.concurrency, args.batch,
                                                      args.units)] * args.clients)
                elapsed = time.perf_counter() - started
                cpu = server_cpu_seconds(server.pid) - cpu_before
                if profiler is not None:
                    profiler.send_signal(2)  # py-spy writes its file on SIGINT
                    profiler.wait(30)
            ok, failed = sum(r[0] for r in results), sum(r[1] for r in results)
            print(f"POST /fivem/livemap/positions, batches of {args.batch}, postal fill on: "
                  f"{ok * args.batch / elapsed:,.0f} positions/s ({ok:,} requests ok, {failed:,} failed in "
                  f"{elapsed:.1f} s)")
            print(f"server CPU per request (user + system, every worker, HTTP included): "
                  f"{cpu / max(ok + failed, 1) * 1e6:,.0f} us = {ok * args.batch / max(cpu, 1e-9):,.0f} positions "
                  f"per server CPU-second; the clients' CPU per request: "
                  f"{sum(r[2] for r in results) / max(ok + failed, 1) * 1e6:,.0f} us "
                  f"| load {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
            if os.environ.get("REDIS_URL"):  # the workers' stored positions are readable here: check the fill
                from dispatch import selectors as dispatch_selectors

                stored = dispatch_selectors.current_locations(community_id)
                filled = sum(1 for e in stored.values() if e["postal"])
                print(f"stored positions: {len(stored)}, with a filled postal: {filled}")
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
    finally:
        teardown_community(community_id)


if __name__ == "__main__":
    main()
