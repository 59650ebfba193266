"""Real-time under load on ONE server process (issue 15's set-up), both configurations.

    .venv/bin/python bench/bench_realtime.py                      # every scenario, embedded then production
    .venv/bin/python bench/bench_realtime.py --configs embedded --scenarios base
    .venv/bin/python bench/bench_realtime.py --database-url postgres://postgres@127.0.0.1:5432/cad_bench \\
        --redis-url redis://127.0.0.1:6379/0

One uvicorn process (the Procfile's flags) pinned to CPU 0 with `taskset`; this script and its client
processes pinned to CPU 1. Configurations: `embedded` (`DATABASE_URL=sqlite:///var/bench-realtime.sqlite3`,
no Redis: in-memory channel layer, local-memory cache) and `production` (PostgreSQL + Redis, from
--database-url / --redis-url, with docker-compose's `DB_POOL=1`).

Scenarios:
  base     200 dispatcher sockets in one community; 10 new calls a second through `POST /api/calls` with a
           dispatcher's JWT, 50 calls; each socket counts its `new-call`.
  spread   the same with 1,000 sockets over 10 communities (100 each), calls spread over the communities.
  units    `base` while 300 units move every 2 s through `POST /api/dispatch/location-update/batch`; every
           socket takes the coalesced map stream (`unitLocations`) and the script checks its pace.
  ingest   one position per request (`POST /api/dispatch/location-update`) against this server, then the
           same load against a bare Django view (`bench/bare_django.py`) on the same uvicorn flags; both
           from the same lean keep-alive client (`_server.hammer_lean`: aiohttp spent more CPU per request
           than the ingest server it measured). Each prints its rate, the server's CPU per request and the
           clients' share of their CPU (near 100%: the rate is the clients').

Per transport it prints: p50/p99 from just before the create request to the LAST socket that got the
call ("last"), p99 of every single delivery ("all"), lost deliveries, 5xx answers, late deliveries (still
arriving more than a second after the load ended: a backlog), the create request's own p50/p99, the server process's
CPU time per call (user + system, including the sockets' traffic: the figure a busy machine disturbs
least), and the machine's load average (`/proc/loadavg`) at the start and end of each run: on a shared machine the
absolute figures are only comparable within the same minute. The server runs with DEBUG=0, as deployed.

`--ws-events` makes the /ws sockets name the events they want when they join (`join-community`
`{communityId, events}`); Socket.IO sockets always receive every name (003).

`--anchors` first runs issue 15's anchors through the same `base` load, clients and figures, so the README
can put this project's figures next to theirs from one run (`--configs ""` runs the anchors alone):
  bare ASGI          a bare ASGI app writing one frame to each of its sockets (`bench/anchors/bare_asgi.py`,
                     uvicorn, the same flags), /ws;
  Django + Channels  a bare Django project with a Channels consumer per socket and the in-memory layer
                     (`bench/anchors/channels_app.py`, uvicorn), /ws;
  Socket.IO on Node  Socket.IO v4 on Node emitting the five names of a new 911 call
                     (`bench/anchors/sio_server.js`; `socket.io@4` is installed with npm into the git-ignored
                     `var/bench-anchors/` on first use), Socket.IO.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cad.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from _server import LIFTED_RATE, free_port, hammer_lean_process, stop  # noqa: E402

SERVER_CPU, CLIENT_CPU = 0, 1
MARK_EVENT = "new-call"


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU time of a process (Linux), the figure least disturbed by a shared machine."""
    if pid is None:
        return float("nan")
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return float("nan")


def pin_self() -> None:
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {CLIENT_CPU})


# -- client processes --------------------------------------------------------------------------------
def client_process(transport: str, base: str, joins: list[tuple[str, str]], positions: str,
                   ws_events: list[str] | None, pipe) -> None:
    import uvloop

    pin_self()
    uvloop.install()
    asyncio.run(_clients(transport, base, joins, positions, ws_events, pipe))


async def _clients(transport: str, base: str, joins: list[tuple[str, str]], positions: str,
                   ws_events: list[str] | None, pipe) -> None:
    from cad.realtime.testing import SioClient, WsClient

    arrivals: dict[str, list[float]] = {}
    map_frames: list[float] = []  # arrival times of unitLocations on this process's first socket
    clients = []
    if transport == "ws":
        prefix = f'{{"event":"{MARK_EVENT}","data":'
        map_prefix = '{"event":"unitLocations"'

        def marker_of(raw: str) -> str:
            return json.loads(raw)["data"]["description"]
        for token, community_id in joins:
            client = await WsClient.connect(base, f"?token={token}&positions={positions}")
            if ws_events:
                await client.send("join-community", {"communityId": community_id, "events": ws_events})
                await client.until("joined-community")
            else:
                await client.join(community_id)
            clients.append(client)
    else:
        prefix = f'42["{MARK_EVENT}",'
        map_prefix = '42["unitLocations"'

        def marker_of(raw: str) -> str:
            return json.loads(raw[2:])[1]["description"]
        for token, community_id in joins:
            client = await SioClient.connect(base, auth={"token": token, "positions": positions})
            await client.join(community_id)
            clients.append(client)

    async def read(client, first: bool) -> None:
        connection = client.connection
        async for raw in connection:
            if raw == "2":  # engine.io ping
                await connection.send("3")
            elif raw.startswith(prefix):
                arrivals.setdefault(marker_of(raw), []).append(time.time())
            elif first and raw.startswith(map_prefix):
                map_frames.append(time.time())

    readers = [asyncio.create_task(read(c, i == 0)) for i, c in enumerate(clients)]
    pipe.send("ready")
    await asyncio.get_running_loop().run_in_executor(None, pipe.recv)  # "stop"
    for task in readers:
        task.cancel()
    pipe.send((arrivals, map_frames))
    for client in clients:
        await client.connection.close()


# -- load ----------------------------------------------------------------------------------------------
async def load(base: str, creators: list[tuple[str, str]], rate: float, calls: int, units: int, api_token: str,
               result: dict) -> None:
    import httpx

    sent: dict[str, tuple[float, str]] = {}
    answered: list[float] = []
    statuses: dict[int, int] = {}
    moves: list[int] = []
    stop = asyncio.Event()

    async def move(http) -> None:
        positions = [{"unitId": f"bench-{i}", "unitName": f"B-{i}", "x": float(i), "y": 0.0, "z": 0.0,
                      "heading": 0} for i in range(units)]
        while not stop.is_set():
            for p in positions:
                p["x"] += 1.5
            response = await http.post("/api/dispatch/location-update/batch", json=positions,
                                       headers={"x-api-key": api_token})
            moves.append(response.status_code)
            try:
                await asyncio.wait_for(stop.wait(), 2)
            except TimeoutError:
                pass

    async with httpx.AsyncClient(base_url=base, timeout=60, limits=httpx.Limits(max_connections=100)) as http:
        mover = asyncio.create_task(move(http)) if units else None
        if units:
            await asyncio.sleep(2.5)  # the map stream is flowing before the first call
        pending = []
        start = time.perf_counter()
        for n in range(calls):
            delay = start + n / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            jwt, community_id = creators[n % len(creators)]
            marker = f"bench-{uuid.uuid4().hex[:12]}"

            async def create(marker=marker, jwt=jwt, community_id=community_id) -> None:
                t0 = time.time()
                try:
                    response = await http.post("/api/calls", headers={"Authorization": f"Bearer {jwt}"}, json={
                        "callType": "Bench", "origin": "CALLER", "description": marker, "location": "Route 68",
                        "priority": "normal"})
                    status = response.status_code
                except httpx.HTTPError:
                    status = 599
                statuses[status] = statuses.get(status, 0) + 1
                if status < 300:
                    sent[marker] = (t0, community_id)
                    answered.append((time.time() - t0) * 1000)

            pending.append(asyncio.create_task(create()))
        await asyncio.gather(*pending)
        stop.set()
        if mover:
            await mover
    result.update(sent=sent, answered=answered, statuses=statuses, moves=moves)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def run_transport(transport: str, args, base: str, tag: str, members: list[tuple[str, str, int]],
                  api_token: str, units: int, server_pid: int | None = None) -> None:
    """`members`: (jwt, community id, sockets) per community."""
    joins = [(jwt, community_id) for jwt, community_id, count in members for _ in range(count)]
    per_community = {community_id: count for _jwt, community_id, count in members}
    ctx = mp.get_context("spawn")
    shares = [joins[i::args.client_processes] for i in range(args.client_processes)]
    ws_events = [e for e in args.ws_events.split(",") if e] if args.ws_events else None
    if ws_events and units and "unitLocations" not in ws_events:
        ws_events.append("unitLocations")  # the live map's stream, whose pace the units scenario checks
    positions = "coalesced"
    pipes, processes = [], []
    for share in shares:
        parent, child = ctx.Pipe()
        process = ctx.Process(target=client_process, args=(transport, base, share, positions, ws_events, child))
        process.start()
        pipes.append(parent)
        processes.append(process)
    for pipe in pipes:
        assert pipe.recv() == "ready"

    load_before = loadavg()
    cpu_before = cpu_seconds(server_pid)
    clients_before, started = sum(cpu_seconds(p.pid) for p in processes), time.perf_counter()
    result: dict = {}
    asyncio.run(load(base, [(jwt, cid) for jwt, cid, _n in members], args.rate, args.calls, units, api_token,
                     result))
    at_stop = time.time()
    time.sleep(args.grace)
    cpu = cpu_seconds(server_pid) - cpu_before
    # The socket clients share one core: near 100 % they, not the server, set the arrival times.
    clients_share = (sum(cpu_seconds(p.pid) for p in processes) - clients_before) / (time.perf_counter() - started)
    arrivals: dict[str, list[float]] = {}
    map_frames: list[list[float]] = []
    for pipe in pipes:
        pipe.send("stop")
    for pipe in pipes:
        got, frames = pipe.recv()
        map_frames.append(frames)
        for marker, times in got.items():
            arrivals.setdefault(marker, []).extend(times)
    for process in processes:
        process.join()

    last, every, lost, late = [], [], 0, 0
    for marker, (t0, community_id) in result["sent"].items():
        times = arrivals.get(marker, [])
        expected = per_community[community_id]
        lost += max(0, expected - len(times))
        late += sum(1 for t in times if t > at_stop + 1)
        every += [(t - t0) * 1000 for t in times]
        if len(times) >= expected:
            last.append((max(times) - t0) * 1000)
    fivexx = sum(n for status, n in result["statuses"].items() if status >= 500)
    other = {s: n for s, n in result["statuses"].items() if s >= 300 and s < 500}
    answered = result["answered"]
    label = f"{tag} {transport}"
    print(f"  {label:<22} last p50 {percentile(last, 50):6.1f} p99 {percentile(last, 99):6.1f} max"
          f" {max(last, default=float('nan')):6.1f} ms | all p99 {percentile(every, 99):6.1f} ms"
          f" | lost {lost} 5xx {fivexx}{f' other {other}' if other else ''} late {late}"
          f" | create p50 {percentile(answered, 50):5.1f} p99 {percentile(answered, 99):5.1f} ms"
          f" | server CPU {1000 * cpu / max(len(result['sent']), 1):5.1f} ms/call"
          f" | socket clients {100 * clients_share:3.0f}% of a core"
          f" | load {load_before} → {loadavg()}", flush=True)
    if units:
        gaps = [b - a for frames in map_frames for a, b in zip(frames, frames[1:], strict=False)]
        bad_moves = sum(1 for s in result["moves"] if s != 200)
        print(f"  {'':<22} map stream: {sum(len(f) for f in map_frames)} unitLocations frames on"
              f" {len(map_frames)} sockets, min gap {min(gaps, default=float('nan')):.2f} s, median gap"
              f" {percentile(gaps, 50):.2f} s; {len(result['moves'])} batch requests, {bad_moves} not 200",
              flush=True)


# -- single-position ingest vs a bare Django view --------------------------------------------------------
def _hammer_process(args: tuple) -> tuple[int, int, float]:
    pin_self()
    return hammer_lean_process(args)


def measure_rate(url: str, path: str, headers: dict, bodies: list[bytes], seconds: float, processes: int,
                 concurrency: int, server_pid: int) -> tuple[float, int, int, float, float]:
    """Requests per second, ok and failed requests, the server's CPU milliseconds per ok request (on a shared
    machine it moves far less than the rate, which also counts the server's waits for a CPU) and the share of
    their CPU the clients used (near 1: the rate is the clients', not the server's)."""
    with mp.get_context("spawn").Pool(processes) as pool:
        pool.map(_hammer_process, [(url, path, headers, bodies, 1.0, 4)] * processes)  # warm-up
        cpu, started = cpu_seconds(server_pid), time.perf_counter()
        results = pool.map(_hammer_process, [(url, path, headers, bodies, seconds, concurrency)] * processes)
        elapsed, cpu = time.perf_counter() - started, cpu_seconds(server_pid) - cpu
    ok, failed = sum(r[0] for r in results), sum(r[1] for r in results)
    return ok / elapsed, ok, failed, cpu * 1000 / max(ok, 1), sum(r[2] for r in results) / elapsed


def run_ingest(args, api_token: str) -> None:
    bodies = [json.dumps({"unitId": f"bench-{i}", "unitName": f"B-{i}", "x": float(i), "y": 1.0, "z": 30.0,
                          "heading": 90, "status": "10-8"}).encode() for i in range(300)]
    headers = {"x-api-key": api_token, "content-type": "application/json"}
    rows: list[float] = []
    cpu_rows: list[float] = []
    for name, app, path, hdrs in (
        ("bare Django view", "bench.bare_django:application", "/ingest", {"content-type": "application/json"}),
        ("position ingest", "cad.asgi:application", "/api/dispatch/location-update", headers),
    ):
        port = free_port()
        server = start_server(port, app)
        profiler = start_profiler(args, server, "ingest") if app.startswith("cad.") else None
        try:
            before = loadavg()
            rate, ok, failed, per_request, clients = measure_rate(f"http://127.0.0.1:{port}", path, hdrs, bodies,
                                                         args.ingest_seconds, args.client_processes, 32, server.pid)
            rows.append(rate)
            cpu_rows.append(per_request)
            print(f"  {name:<22} {rate:8,.0f} requests/s ({ok:,} ok, {failed:,} failed), {per_request:.3f} ms server"
                  f" CPU per request, clients {clients:.0%} of a CPU | load {before} → {loadavg()}", flush=True)
        finally:
            stop_profiler(profiler)
            stop_server(server)
    print(f"  {'ratio':<22} {rows[1] / rows[0]:8.2f}x the bare Django view (server CPU per request:"
          f" {cpu_rows[0] / cpu_rows[1]:.2f}x less)", flush=True)


# -- anchors (issue 15's table) ------------------------------------------------------------------------
ANCHOR_NODE_DIR = ROOT / "var" / "bench-anchors"


def _node_server(port: int) -> list[str] | None:
    """The Socket.IO-on-Node anchor's command, installing `socket.io@4` on first use; None without Node."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        print("  Socket.IO on Node: skipped (node and npm are needed)", flush=True)
        return None
    if not (ANCHOR_NODE_DIR / "node_modules" / "socket.io").is_dir():
        ANCHOR_NODE_DIR.mkdir(parents=True, exist_ok=True)
        done = subprocess.run([npm, "--prefix", str(ANCHOR_NODE_DIR), "install", "socket.io@4", "--no-audit",
                               "--no-fund", "--silent"], check=False)
        if done.returncode != 0:
            print("  Socket.IO on Node: skipped (npm install socket.io@4 failed)", flush=True)
            return None
    return [node, str(ROOT / "bench" / "anchors" / "sio_server.js"), str(port)]


def run_anchors(args) -> None:
    """The `base` scenario against each anchor: one server process on CPU 0, the same clients and load."""
    members = [("anchor", "anchor-community", args.sockets)]
    print(f"[anchors] one server process on CPU {SERVER_CPU}, clients on CPU {CLIENT_CPU}; {args.sockets} sockets, "
          f"{args.rate:g} calls/s, {args.calls} calls", flush=True)
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    for name, transport, app in (("bare ASGI", "ws", "bench.anchors.bare_asgi:app"),
                                 ("Django + Channels", "ws", "bench.anchors.channels_app:application"),
                                 ("Socket.IO on Node", "socketio", None)):
        port = free_port()
        if app is None:
            command = _node_server(port)
            if command is None:
                continue
            server = start_server(port, command=command, env={**env, "NODE_PATH": str(ANCHOR_NODE_DIR / "node_modules")})
        else:
            server = start_server(port, app, env=env)
        try:
            warm_up(f"http://127.0.0.1:{port}", [("", "")], args.warmup)
            run_transport(transport, args, f"http://127.0.0.1:{port}", name, members, "", 0, server.pid)
        finally:
            stop_server(server)


# -- orchestration -------------------------------------------------------------------------------------
def setup_fixtures(communities: int) -> tuple[list[tuple[str, str]], str, list]:
    import django

    django.setup()
    from django.core.management import call_command
    from rest_framework_simplejwt.tokens import AccessToken

    from cad.core import services
    from cad.core.choices import Role

    call_command("migrate", verbosity=0, interactive=False)
    tag = uuid.uuid4().hex[:8]
    rows, pairs, api_token = [], [], ""
    for n in range(communities):
        community = services.community_create(name=f"Bench {tag} {n}")
        user = services.user_ensure(username=f"bench_dispatcher_{tag}_{n}")
        services.membership_set(community=community, user=user, role=Role.DISPATCHER)
        if n == 0:
            _, api_token = services.token_create(community=community, name="bench")
        pairs.append((str(AccessToken.for_user(user)), str(community.pk)))
        rows += [community, user]
    return pairs, api_token, rows


def start_server(port: int, app: str = "cad.asgi:application", *, command: list[str] | None = None,
                 env: dict | None = None) -> subprocess.Popen:
    """uvicorn serving `app` (or `command`, another server) pinned to the server's CPU; waits for it."""
    import httpx

    command = command or [
        str(Path(sys.executable).parent / "uvicorn"), app, "--host", "127.0.0.1", "--port", str(port),
        "--loop", "uvloop", "--http", "httptools", "--ws", "websockets-sansio", "--ws-per-message-deflate", "false",
        "--lifespan", "off", "--log-level", "warning", "--no-access-log"]
    if shutil.which("taskset") and (os.cpu_count() or 1) > 1:
        command = ["taskset", "-c", str(SERVER_CPU), *command]
    (ROOT / "var").mkdir(exist_ok=True)
    log = open(ROOT / "var" / "bench-server.log", "ab")  # noqa: SIM115 (the server's lifetime)
    process = subprocess.Popen(command, cwd=ROOT, env={**(env or os.environ), "LOG_LEVEL": "WARNING"}, stdout=log,
                               stderr=log)
    for _ in range(300):
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz")
            return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"the server did not start (see {ROOT / 'var' / 'bench-server.log'})")


def start_profiler(args, server: subprocess.Popen, name: str) -> subprocess.Popen | None:
    """py-spy on the server (only the thread holding the GIL: where its CPU goes), raw collapsed stacks
    into --profile/<config>-<name>.txt; `bench/profile_top.py` summarises them."""
    if not args.profile:
        return None
    Path(args.profile).mkdir(parents=True, exist_ok=True)
    out = Path(args.profile) / f"{args.config}-{name}.txt"
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "py-spy"), "record", "--pid", str(server.pid), "--rate", "200",
         "--format", "raw", "--output", str(out), "--nonblocking", "--gil"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop_profiler(profiler: subprocess.Popen | None) -> None:
    if profiler is not None:
        profiler.send_signal(2)  # py-spy writes its file on SIGINT
        profiler.wait(30)


stop_server = stop


def warm_up(base: str, pairs: list[tuple[str, str]], calls: int) -> None:
    """A few creates before any socket joins: the server's first request pays for lazy imports, URL and
    serializer set-up and the first queries, which would otherwise be one run's p99 (a server in service
    is warm). They reach no socket and are not counted."""
    import httpx

    with httpx.Client(base_url=base, timeout=60) as http:
        for n in range(calls):
            jwt, _community_id = pairs[n % len(pairs)]
            http.post("/api/calls", headers={"Authorization": f"Bearer {jwt}"} if jwt else {}, json={
                "callType": "Bench", "origin": "CALLER", "description": "warm-up", "location": "Route 68"})


def run_config(args) -> None:
    """In a child process whose environment selects the configuration."""
    pin_self()
    scenarios = args.scenarios.split(",")
    pairs, api_token, rows = setup_fixtures(max(10 if "spread" in scenarios else 1, 1))
    from django.conf import settings

    print(f"[{args.config}] {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]},"
          f" {'Redis' if settings.REDIS_URL else 'in-memory'} channel layer; one uvicorn process on CPU {SERVER_CPU},"
          f" clients on CPU {CLIENT_CPU}; {args.rate:g} calls/s, {args.calls} calls"
          f"{'; /ws sockets ask for ' + args.ws_events if args.ws_events else ''}", flush=True)
    try:
        for scenario in scenarios:
            if scenario == "ingest":
                print(f" ingest, one position per request, {args.ingest_seconds:g} s each:", flush=True)
                run_ingest(args, api_token)
                continue
            port = free_port()
            server = start_server(port)
            base = f"http://127.0.0.1:{port}"
            warm_up(base, pairs, args.warmup)
            profiler = start_profiler(args, server, scenario)
            try:
                if scenario == "spread":
                    members = [(jwt, cid, args.sockets * 5 // 10) for jwt, cid in pairs[:10]]
                    units = 0
                else:
                    members = [(pairs[0][0], pairs[0][1], args.sockets)]
                    units = args.units if scenario == "units" else 0
                total = sum(n for *_x, n in members)
                print(f" {scenario}: {total} sockets in {len(members)} communit{'y' if len(members) == 1 else 'ies'}"
                      f"{f', {units} units moving every 2 s' if units else ''}:", flush=True)
                for transport in args.transports.split(","):
                    run_transport(transport, args, base, scenario, members, api_token, units, server.pid)
            finally:
                stop_profiler(profiler)
                stop_server(server)
    finally:
        for row in rows:
            row.delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--configs", default="embedded,production")
    parser.add_argument("--scenarios", default="base,spread,units,ingest")
    parser.add_argument("--sockets", type=int, default=200, help="sockets of `base` (spread: 5x over 10 communities)")
    parser.add_argument("--rate", type=float, default=10.0, help="calls created per second")
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--ws-events", default="", help="comma-separated event names /ws sockets ask for at join")
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=0,
                        help="uncounted creates on each new server before sockets join (0: the server warms itself at "
                             "start-up, cad.warmup, and the first call is counted like any other)")
    parser.add_argument("--grace", type=float, default=3.0, help="seconds to wait for stragglers")
    parser.add_argument("--ingest-seconds", type=float, default=8.0)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL",
                                                                 "postgres://postgres@127.0.0.1:5432/cad_bench"))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"))
    parser.add_argument("--transports", default="ws,socketio")
    parser.add_argument("--debug", action="store_true", help="run the server with DEBUG=1 (the default is DEBUG=0)")
    parser.add_argument("--anchors", action="store_true",
                        help="first run issue 15's anchors (bare ASGI, Django + Channels, Socket.IO on Node) through "
                             "the same base load")
    parser.add_argument("--profile", help="directory: record the server with py-spy (raw collapsed stacks)")
    parser.add_argument("--config", help=argparse.SUPPRESS)  # set in the per-configuration child
    args = parser.parse_args()

    if args.config == "anchors":
        pin_self()
        run_anchors(args)
        return
    if args.config:
        run_config(args)
        return
    if args.anchors:
        subprocess.run([sys.executable, *sys.argv, "--config", "anchors"], check=False)
    for config in [c for c in args.configs.split(",") if c]:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        env.setdefault("FIVEM_RATE_LIMIT", LIFTED_RATE)  # the ingest figures measure the path, not the limit
        if not args.debug:  # as deployed: DEBUG=0 (no per-query bookkeeping)
            env.update(DEBUG="0", SECRET_KEY=env.get("SECRET_KEY") or f"bench-{uuid.uuid4().hex}")
        if config == "embedded":
            (ROOT / "var").mkdir(exist_ok=True)
            env["DATABASE_URL"] = f"sqlite:///{ROOT / 'var' / 'bench-realtime.sqlite3'}"
        else:
            # As docker-compose deploys it: a connection pool, not a new PostgreSQL connection per request.
            env.update(DATABASE_URL=args.database_url, REDIS_URL=args.redis_url)
            env.setdefault("DB_POOL", "1")
        subprocess.run([sys.executable, *sys.argv, "--config", config], env=env, check=False)


if __name__ == "__main__":
    main()
