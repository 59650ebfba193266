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
import json
import multiprocessing
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _server import backend, community_with_token, hammer_pool, setup_django, teardown_community, uvicorn  # noqa: E402


def position(i: int) -> dict:
    return {"unitId": f"bench-{i}", "unitName": f"{i % 9 + 1}-ADAM-{i}", "x": random.uniform(-3000, 3000),
            "y": random.uniform(-3000, 7000), "z": 30.0, "heading": random.uniform(0, 360), "job": "police",
            "status": "10-8", "postal": str(100 + i % 800)}


def route(token: str, batch: int, units: int, url: str, seconds: float, concurrency: int) -> tuple:
    """`_server.hammer`'s arguments for the single route (batch 0) or the batch route."""
    path = "/api/dispatch/location-update/batch" if batch else "/api/dispatch/location-update"
    if batch:
        bodies = [json.dumps({"positions": [position((n + k) % units) for k in range(batch)]}).encode()
                  for n in range(0, units, max(1, units // 20))]
    else:
        bodies = [json.dumps(position(n)).encode() for n in range(units)]
    return url, path, {"x-api-key": token, "content-type": "application/json"}, bodies, seconds, concurrency


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

    setup_django()
    community, token = community_with_token("bench")
    try:
        with uvicorn(workers=args.workers, options=("--no-proxy-headers",)) as (url, _server):
            print(f"uvicorn x{args.workers} at {url}, {backend()}; {args.clients} client processes x "
                  f"{args.concurrency} concurrent aiohttp requests, {args.seconds:g} s each")
            with multiprocessing.get_context("spawn").Pool(args.clients) as pool:
                ok, failed, elapsed, _cpu = hammer_pool(
                    pool, route(token, 0, args.units, url, args.seconds, args.concurrency), args.clients)
                print(f"single: {ok / elapsed:,.0f} updates/s ({ok:,} ok, {failed:,} failed in {elapsed:.1f} s)")
                ok, failed, elapsed, _cpu = hammer_pool(
                    pool, route(token, args.batch, args.units, url, args.seconds, args.batch_concurrency),
                    args.clients, warm_up=0)
                print(f"batch of {args.batch}: {ok * args.batch / elapsed:,.0f} positions/s "
                      f"({ok:,} requests ok, {failed:,} failed in {elapsed:.1f} s)")
    finally:
        teardown_community(community.pk)


if __name__ == "__main__":
    main()
