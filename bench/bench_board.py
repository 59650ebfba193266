"""Dispatch board speed: server render of /dispatch, create-to-DOM latency in Chromium, first-load size.

1. render: a community with 200 open calls (half with units) and 300 on-duty units; GET /dispatch through
   the test client (routing, session, role check, templates) N times: p50 / p95 / max and the query count.
2. latency: uvicorn (`cad.asgi:application`) on a free port, headless Chromium (Debian's) signed in as a
   dispatcher on /dispatch; 50 calls created through `POST /fivem/calls` at 2 a second; for each, the time
   from the start of the REST request to its row appearing in the page's DOM (a MutationObserver in the
   page stamps it). Prints p50 / p99 / max.
3. size: the JavaScript and CSS bytes the first load of /dispatch transferred, and from which origins.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cad_bench_board REDIS_URL=redis://127.0.0.1:6379/9 \\
        .venv/bin/python bench/bench_board.py [--calls 200] [--units 300] [--runs 100] [--creates 50] [--rate 2]

Without DATABASE_URL it runs on the embedded default (its SQLite file in var/). The bench community
("Bench Board") is deleted and loaded again on every run.
Targets (issue 10): render p95 ≤ 150 ms; create→DOM p50 ≤ 100 ms, p99 ≤ 250 ms; first load ≤ 300 KB.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cad.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

settings.DEBUG = False
settings.ALLOWED_HOSTS = ["*"]

from cad.core import services as core_services  # noqa: E402
from cad.core.choices import Role  # noqa: E402
from cad.core.models import Community  # noqa: E402
from calls import services as calls  # noqa: E402
from calls.inputs import CallInput  # noqa: E402
from characters.models import Character  # noqa: E402
from dispatch.models import Unit  # noqa: E402

BENCH_NAME = "Bench Board"
JOBS = ("police", "police", "fire", "ems", "tow")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def load(n_calls: int, n_units: int):
    for old in Community.objects.filter(name=BENCH_NAME):
        old.delete()
    community = core_services.community_create(name=BENCH_NAME)
    dispatcher = core_services.user_ensure(username="bench_board_dispatcher", password="bench-board-pass-1")
    core_services.membership_set(community=community, user=dispatcher, role=Role.DISPATCHER)
    characters = Character.objects.bulk_create([
        Character(community=community, type="leo", first_name=f"Bench{i}", last_name="Unit", ssn=f"900-{i:06d}",
                  license_number=f"BB-{i:06d}", callsign=f"{i % 9 + 1}-B-{i}") for i in range(n_units)])
    units = Unit.objects.bulk_create([
        Unit(community=community, character=c, name=c.callsign, job=JOBS[i % len(JOBS)], on_duty=True)
        for i, c in enumerate(characters)])
    for i in range(n_calls):
        call = calls.call_create(community=community, by_user=dispatcher,
            data=CallInput(call_type=f"Bench call {i}", location=f"{i} Bench Street", postal=str(1000 + i),
                           priority=1 + i % 3, description="Benchmark call"))
        if i % 2:
            calls.call_assign_units(call=call, units=units[(i * 3) % n_units:(i * 3) % n_units + 1 + i % 4],
                                    by=dispatcher)
    return community, dispatcher


def bench_render(dispatcher, runs: int) -> None:
    client = Client()
    client.force_login(dispatcher)
    client.get("/dispatch")  # warm caches, templates and connections
    queries: list[str] = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get("/dispatch")
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get("/dispatch")
        cpu.append((time.process_time() - start_cpu) * 1000)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    print(f"render /dispatch ({runs} runs): p50 {statistics.median(times):.1f} ms, p95 {pct(times, 95):.1f} ms, "
          f"max {max(times):.1f} ms; {len(queries)} queries; {len(response.content) / 1024:.0f} KB of HTML")
    # CPU time of this process per render (the embedded database runs in it too): steadier than the wall
    # clock on a shared machine, and what the render costs whatever else is running.
    print(f"render /dispatch process time: p50 {statistics.median(cpu):.1f} ms, p95 {pct(cpu, 95):.1f} ms")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


OBSERVER = """() => {
  window.benchSeen = {};
  // The queue body, not the list: a resync replaces the list element itself.
  const list = document.getElementById('queue-body');
  new MutationObserver((mutations) => {
    const at = performance.timeOrigin + performance.now();
    for (const m of mutations) for (const node of m.addedNodes) {
      if (node.nodeType === 1 && node.classList.contains('call-row')) {
        const title = node.querySelector('.call-title');
        if (title && !(title.textContent in window.benchSeen)) window.benchSeen[title.textContent] = at;
      }
    }
  }).observe(list, {childList: true, subtree: true});
}"""


def bench_browser(community, dispatcher, creates: int, rate: float) -> None:
    import httpx
    from playwright.sync_api import sync_playwright

    _, token = core_services.token_create(community=community, name="bench board")
    session = Client()
    session.force_login(dispatcher)
    cookie = session.cookies[settings.SESSION_COOKIE_NAME].value
    port = free_port()
    env = {**os.environ, "DEBUG": "0" if os.environ.get("SECRET_KEY") else "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "cad.asgi:application", "--host", "127.0.0.1", "--port", str(port),
         "--loop", "uvloop", "--http", "httptools", "--ws", "websockets-sansio", "--ws-per-message-deflate",
         "false", "--lifespan", "off", "--log-level", "warning"], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(f"{base}/healthz", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        # The server serves static files from STATIC_ROOT: collect them first.
        call_command("collectstatic", "--noinput", verbosity=0)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"), args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run"])
            context = browser.new_context(viewport={"width": 1600, "height": 950})
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}])
            page = context.new_page()
            page.goto(f"{base}/dispatch")
            page.get_by_role("status", name="Connection").filter(has_text="Live").wait_for()
            resources = page.evaluate("""() => performance.getEntriesByType('resource').map(
                r => ({name: r.name, type: r.initiatorType, size: r.transferSize || r.encodedBodySize}))""")
            assets = [r for r in resources if r["name"].endswith((".js", ".css"))]
            origins = sorted({r["name"].split("/")[2] for r in resources})
            total = sum(r["size"] for r in assets)
            print(f"first load of /dispatch: {total / 1024:.1f} KB of JavaScript and CSS in {len(assets)} files "
                  f"(transfer size), from {', '.join(origins)}")
            page.evaluate(OBSERVER)
            started: dict[str, float] = {}
            with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=10) as api:
                for i in range(creates):
                    title = f"bench-live-{i}"
                    started[title] = time.time() * 1000
                    response = api.post("/fivem/calls", json={"title": title, "location": "Bench Ave",
                                                              "priority": 1 + i % 3})
                    assert response.status_code in (200, 201), response.text
                    time.sleep(max(0.0, 1 / rate - (time.time() * 1000 - started[title]) / 1000))
            deadline = time.time() + 10
            seen = {}
            while time.time() < deadline:
                seen = page.evaluate("() => window.benchSeen")
                if len(seen) >= creates:
                    break
                time.sleep(0.2)
            if not seen:
                state = page.evaluate("() => [document.getElementById('connection').textContent, "
                                      "document.querySelectorAll('#queue-list .call-row').length, "
                                      "window.cadLive && window.cadLive.lastSeq]")
                raise SystemExit(f"no created call reached the page (connection, rows, last seq: {state})")
            lags = [seen[t] - started[t] for t in started if t in seen]
            lost = creates - len(lags)
            print(f"REST create → row in the DOM ({creates} calls at {rate:g}/s): p50 {statistics.median(lags):.0f} ms, "
                  f"p99 {pct(lags, 99):.0f} ms, max {max(lags):.0f} ms, {lost} not shown")
            browser.close()
    finally:
        server.terminate()
        server.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--creates", type=int, default=50)
    parser.add_argument("--rate", type=float, default=2.0)
    parser.add_argument("--skip-browser", action="store_true")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    db = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"database: {db}; channel layer: {'redis' if settings.REDIS_URL else 'in-memory'}")
    community, dispatcher = load(args.calls, args.units)
    try:
        bench_render(dispatcher, args.runs)
        if not args.skip_browser:
            # The create → DOM figure is for a board showing the open calls it would show on a busy
            # evening; the created calls join the `--calls` already there.
            bench_browser(community, dispatcher, args.creates, args.rate)
    finally:
        community.delete()


if __name__ == "__main__":
    main()
