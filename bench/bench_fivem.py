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
import json
import multiprocessing
import os
import random
import subprocess
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _server import (  # noqa: E402
    backend,
    community_with_token,
    hammer_pool,
    setup_django,
    teardown_community,
    uvicorn,
)


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

    setup_django()
    from postals import services as postal_services

    community, token = community_with_token("bench-fivem")
    table = postal_table()
    postal_services.postal_table_replace(community=community, entries=table, name="synthetic 1,700")
    community_id = str(community.pk)
    try:
        bench_lookups(community_id, table, args.lookups)
        bench_request_cpu(table, args.batch, args.units)
        with uvicorn(workers=args.workers, options=("--loop", "uvloop", "--http", "httptools")) as (url, server):
            print(f"uvicorn x{args.workers} at {url}, {backend()}; {args.clients} client processes x "
                  f"{args.concurrency} concurrent requests, {args.seconds:g} s")
            route = (url, "/fivem/livemap/positions",
                     {"Authorization": f"Bearer {token}", "content-type": "application/json"},
                     bodies(args.batch, args.units))
            with multiprocessing.get_context("spawn").Pool(args.clients) as pool:
                # token and postal caches in every worker
                hammer_pool(pool, (*route, 1.0, 2), args.clients, warm_up=0)
                profiler = None
                if args.profile:
                    profiler = subprocess.Popen(
                        [str(Path(sys.executable).parent / "py-spy"), "record", "--pid", str(server.pid), "--subprocesses",
                         "--rate", "250", "--format", "raw", "--output", args.profile, "--nonblocking", "--gil"],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                    time.sleep(1)
                cpu_before = server_cpu_seconds(server.pid)
                ok, failed, elapsed, client_cpu = hammer_pool(pool, (*route, args.seconds, args.concurrency),
                                                              args.clients, warm_up=0)
                cpu = server_cpu_seconds(server.pid) - cpu_before
                if profiler is not None:
                    profiler.send_signal(2)  # py-spy writes its file on SIGINT
                    profiler.wait(30)
            print(f"POST /fivem/livemap/positions, batches of {args.batch}, postal fill on: "
                  f"{ok * args.batch / elapsed:,.0f} positions/s ({ok:,} requests ok, {failed:,} failed in "
                  f"{elapsed:.1f} s)")
            print(f"server CPU per request (user + system, every worker, HTTP included): "
                  f"{cpu / max(ok + failed, 1) * 1e6:,.0f} us = {ok * args.batch / max(cpu, 1e-9):,.0f} positions "
                  f"per server CPU-second; the clients' CPU per request: "
                  f"{client_cpu / max(ok + failed, 1) * 1e6:,.0f} us "
                  f"| load {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
            if os.environ.get("REDIS_URL"):  # the workers' stored positions are readable here: check the fill
                from dispatch import selectors as dispatch_selectors

                stored = dispatch_selectors.current_locations(community_id)
                filled = sum(1 for e in stored.values() if e["postal"])
                print(f"stored positions: {len(stored)}, with a filled postal: {filled}")
    finally:
        teardown_community(community_id)

if __name__ == "__main__":
    main()
