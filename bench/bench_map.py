"""Live map benchmark: 300 on-duty units each reporting a new position every 2 seconds, drawn by /map in
headless Chromium.

Starts uvicorn (`cad.asgi:application`) on a free port against the current DATABASE_URL / REDIS_URL, creates a
throw-away community with an officer and `--units` on-duty LEO units, opens /map as the officer in Debian's
Chromium (Playwright), then sends every unit's position through `POST /fivem/livemap/position` once every
`--interval` seconds (spread evenly over the interval, as a FiveM resource's ticks are) for `--seconds`.

It prints:
- the delay from sending a position report to its marker standing at the new place (the page's own
  `Date.now()` when it moves the marker, same machine clock): p50, p99 and max, and how many reports were
  drawn (a report superseded by the same unit's next one inside one coalescing window is counted as lost);
- the browser's main-thread busy time per second (Chrome's `TaskDuration` metric over the run), and the
  parts spent in script and in layout/style.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cad_bench REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/bench_map.py [--units 300] [--interval 2] [--seconds 30] [--workers 1]

Without REDIS_URL positions live in the web process's memory, so use one worker (the default).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _server import backend, community_with_token, setup_django, uvicorn  # noqa: E402

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API keeps a loop on this thread

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]


def setup(units: int) -> dict:
    setup_django()
    from cad.core import services
    from cad.core.choices import Role
    from cad.core.models import Department
    from characters.models import Character
    from dispatch import services as dispatch_services

    stamp = int(time.time())
    community, token = community_with_token("bench-map")
    officer = services.user_ensure(username=f"bench-map-officer-{stamp}", password=f"pw-{stamp}")
    services.membership_set(community=community, user=officer, role=Role.OFFICER)
    lspd = Department.objects.for_community(community).get(short_name="LSPD")
    keys = []
    for i in range(units):
        character = Character.objects.create(
            community=community, first_name=f"Unit{i}", last_name="Bench", type="leo", department=lspd,
            ssn=f"{100 + i % 800:03d}-{10 + i % 80:02d}-{i:04d}", license_number=f"BM{stamp % 10000:04d}{i:05d}",
            callsign=f"{i % 9 + 1}-A-{i}")
        dispatch_services.duty_set(character=character, on=True)
        keys.append(str(character.pk))
    return {"community": community, "token": token, "officer": officer, "keys": keys}


def session_cookie(user) -> str:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


class Walker:
    """A unit driving around: each report moves it 20-60 game units and turns it a little."""

    def __init__(self, key: str):
        self.key = key
        self.x = random.uniform(-2500, 2500)
        self.y = random.uniform(-2500, 6000)
        self.heading = random.uniform(0, 360)

    def step(self) -> dict:
        self.heading = (self.heading + random.uniform(-30, 30)) % 360
        distance = random.uniform(20, 60)
        import math

        self.x = round(self.x + distance * math.sin(math.radians(self.heading)), 2)
        self.y = round(self.y + distance * math.cos(math.radians(self.heading)), 2)
        return {"character_id": self.key, "x": self.x, "y": self.y, "z": 30.0, "heading": round(self.heading, 1)}


async def drive(url: str, token: str, walkers: list[Walker], interval: float, seconds: float,
                sent: dict[tuple[str, float, float], float]) -> tuple[int, int]:
    import aiohttp

    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    failures = 0
    count = 0
    gap = interval / len(walkers)
    started = time.perf_counter()
    async with aiohttp.ClientSession(url, headers=headers) as client:
        pending: set[asyncio.Task] = set()

        async def post(body: dict) -> None:
            nonlocal failures
            try:
                async with client.post("/fivem/livemap/position", data=json.dumps(body)) as response:
                    if response.status != 200:
                        failures += 1
                    await response.read()
            except aiohttp.ClientError:
                failures += 1

        n = 0
        while time.perf_counter() - started < seconds:
            walker = walkers[n % len(walkers)]
            body = walker.step()
            sent[(walker.key, body["x"], body["y"])] = time.time() * 1000
            task = asyncio.create_task(post(body))
            pending.add(task)
            task.add_done_callback(pending.discard)
            count += 1
            n += 1
            target = started + n * gap
            delay = target - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
        await asyncio.gather(*pending)
    return count, failures


def drive_in_thread(*args) -> tuple[int, int]:
    """Playwright's sync API owns this thread's event loop: the reports are sent from another thread."""
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(drive(*args))).result()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between two reports of a unit")
    parser.add_argument("--seconds", type=float, default=30.0, help="measured run")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (1 without Redis)")
    args = parser.parse_args()

    data = setup(args.units)
    # 300 units one request each every 2 s is 9,000 requests a minute, above 004's 3,000 per token: the limit
    # is lifted for the run (a real server of that size sends POST /fivem/livemap/positions).
    try:
        with uvicorn(workers=args.workers, options=("--ws", "websockets-sansio", "--ws-per-message-deflate", "false")) \
                as (url, _server):
            run(args, data, url)
    finally:
        data["community"].delete()


def run(args, data: dict, url: str) -> None:
    from django.conf import settings
    from playwright.sync_api import sync_playwright

    token = data["token"]
    print(f"uvicorn x{args.workers} at {url}, {backend()};"
          f" {args.units} units, one report each every {args.interval:g} s, {args.seconds:g} s measured")
    walkers = [Walker(key) for key in data["keys"]]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(base_url=url, viewport={"width": 1600, "height": 950})
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie(data["officer"]),
                              "url": url}])
        page = context.new_page()
        page.goto("/map")
        page.wait_for_function("() => document.querySelector('.map-layout').dataset.ready === 'true'")
        page.wait_for_function("() => document.getElementById('connection').textContent === 'Live'")
        # First positions: every unit gets its marker (creation is not what is measured).
        drive_in_thread(url, token, walkers, args.interval, args.interval, {})
        page.wait_for_function(f"() => window.cadMap.markers.size >= {args.units}", timeout=30_000)
        page.evaluate("() => window.cadMap.trace.splice(0)")
        cdp = context.new_cdp_session(page)
        cdp.send("Performance.enable")

        def metrics() -> dict:
            return {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}

        before, wall0 = metrics(), time.perf_counter()
        sent: dict[tuple[str, float, float], float] = {}
        count, failures = drive_in_thread(url, token, walkers, args.interval, args.seconds, sent)
        time.sleep(3)  # the last reports' coalescing window and drawing
        after, wall = metrics(), time.perf_counter() - wall0
        trace = page.evaluate("() => window.cadMap.trace.splice(0)")
        browser.close()
    delays = []
    for key, x, y, drawn_at in trace:
        started = sent.get((key, round(x, 2), round(y, 2)))
        if started is not None:
            delays.append(drawn_at - started)
    busy = (after["TaskDuration"] - before["TaskDuration"]) / wall * 1000
    script = (after["ScriptDuration"] - before["ScriptDuration"]) / wall * 1000
    layout = ((after["LayoutDuration"] - before["LayoutDuration"])
              + (after["RecalcStyleDuration"] - before["RecalcStyleDuration"])) / wall * 1000
    print(f"reports sent: {count:,} ({failures} failed); drawn at their new place: {len(delays):,}"
          f" ({count - len(delays):,} superseded or lost)")
    if delays:
        print(f"report → marker moved: p50 {statistics.median(delays):.0f} ms, p99 {percentile(delays, 99):.0f} ms,"
              f" max {max(delays):.0f} ms")
    print(f"browser main thread busy: {busy:.0f} ms per second (script {script:.0f} ms, style + layout {layout:.0f} ms)")


if __name__ == "__main__":
    main()
