"""Redis restarts while dispatchers are connected and calls are being created (issue 14), against a
private redis-server (persistent, as docker-compose runs it, and without persistence: a restart then
forgets sequence numbers, the replay buffer and every group membership) under a uvicorn process:

- no request fails with a 500 or hangs during the restart (503 JSON at worst), and once Redis is back
  every request succeeds again;
- the dispatchers' sockets are back within seconds and receive the calls created after the restart, and
  a panic raised during the outage reaches every dispatcher once Redis is back;
- sequence numbers never go backwards across the restart, so a client that missed events sees the gap;
  a /ws client joining with `lastSeq` is sent what it missed or told to fetch the state (`resync`), and
  SSE replays from `Last-Event-ID` (what the buffer still holds).
"""

from __future__ import annotations

import asyncio
import json
import time

import httpx
import pytest

from cad.realtime.testing import WsClient

from .private_services import PrivateRedis, Unavailable, manage, product_env, uvicorn

DISPATCHERS = 3


@pytest.fixture(scope="module", params=["persistent", "not persistent"])
def product(tmp_path_factory, request):
    try:
        redis = PrivateRedis(persistent=request.param == "persistent")
    except Unavailable as exc:
        pytest.skip(f"Redis restart test skipped: {exc}")
    var = tmp_path_factory.mktemp("var")
    env = product_env(REDIS_URL=redis.url, CAD_VAR_DIR=str(var), CACHE_KEY_PREFIX="fault", CHANNEL_PREFIX="fault")
    try:
        redis.start()
        manage(env, "migrate", "--noinput", "-v", "0")
        created = json.loads(manage(env, "createcommunity", "Fault RP", "--owner", "dispatch_boss",
                                    "--password", "fault-pass-1", "--json"))
        with uvicorn(env) as base:
            yield redis, base, created
    finally:
        redis.destroy()


async def _frame_with(client: WsClient, fragment: str, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        frame = await client.next(max(0.1, deadline - time.monotonic()))
        if fragment in json.dumps(frame):
            return frame


PANIC_EVENTS = ("panic-button", "panic", "panicButton")


async def _frames_with(client: WsClient, fragments: list[str], timeout: float,
                       events: dict[str, tuple[str, ...]] | None = None) -> dict[str, dict]:
    """The first frame containing each fragment, in whatever order they come; a fragment listed in
    `events` counts only in a frame of one of those events (a panic's caller name is also in the
    `new-911-call` frame of the call the panic opens, which may come first)."""
    events = events or {}
    found: dict[str, dict] = {}
    deadline = time.monotonic() + timeout
    while len(found) < len(fragments):
        frame = await client.next(max(0.1, deadline - time.monotonic()))
        text = json.dumps(frame)
        found.update({f: frame for f in fragments if f in text and f not in found
                      and (f not in events or frame.get("event") in events[f])})
    return found


async def _connect(base: str, jwt: str, community_id: str) -> WsClient:
    client = await WsClient.connect(base, f"?token={jwt}")
    await client.join(community_id)
    return client


async def _create_call(http: httpx.AsyncClient, jwt: str, community_id: str, location: str) -> httpx.Response:
    return await http.post("/api/calls", json={"callType": "Traffic Stop", "location": location},
                           headers={"Authorization": f"Bearer {jwt}", "X-Community-Id": community_id})


async def test_redis_restart_under_connected_dispatchers(product):
    redis, base, created = product
    community_id = created["id"]
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        r = await http.post("/api/auth/token", json={"username": "dispatch_boss", "password": "fault-pass-1"})
        jwt = r.json()["access"]
        sockets = [await _connect(base, jwt, community_id) for _ in range(DISPATCHERS)]

        r = await _create_call(http, jwt, community_id, "Before the restart")
        assert r.status_code == 201, r.text
        before = [await _frame_with(s, "Before the restart", 10) for s in sockets]
        seq_before = max(f["seq"] for f in before)

        redis.stop()
        outage = [await _create_call(http, jwt, community_id, f"During the restart {i}") for i in range(3)]
        outage.append(await http.post("/api/fivem/panic", json={"callerName": "Deputy Outage", "location": "Grove St"},
                                      headers={"Authorization": f"Bearer {jwt}", "X-Community-Id": community_id}))
        outage.append(await http.get("/fivem/sounds", headers={"Authorization": f"Bearer {created['apiToken']}"}))
        for r in outage:  # the call is stored; its event may wait for Redis. Never a 500 or an HTML page.
            assert r.status_code in (200, 201, 503), (r.status_code, r.text[:300])
            assert r.headers["content-type"].startswith("application/json")
        redis.start()

        deadline = time.monotonic() + 15
        while (r := await _create_call(http, jwt, community_id, "After the restart")).status_code != 201:
            assert r.status_code == 503 and time.monotonic() < deadline, r.text[:300]
            await asyncio.sleep(0.2)
        assert (await http.get("/fivem/sounds", headers={"Authorization": f"Bearer {created['apiToken']}"})
                ).status_code == 200

        # Back within seconds, and what was raised during the outage was kept and went out once Redis
        # was back: the panic and the calls reach every dispatcher that stayed connected, numbered after
        # what came before (a client can tell what it missed).
        outage_calls = [f"During the restart {i}" for i in range(3)]
        for socket in sockets:
            frames = await _frames_with(socket, ["After the restart", "Deputy Outage", *outage_calls], 15,
                                        events={"Deputy Outage": PANIC_EVENTS})
            assert min(f["seq"] for f in frames.values()) > seq_before

        # A /ws client that was away names the last seq it got: it is sent what was missed, or told to
        # fetch the state when the missed events are gone (a Redis without persistence lost them).
        returning = await WsClient.connect(base, f"?token={jwt}")
        await returning.send("join-community", {"communityId": community_id, "lastSeq": seq_before})
        resync = await returning.until("resync", 15)
        assert resync["data"]["lastSeq"] == seq_before and resync["data"]["seq"] > seq_before
        assert resync["data"]["complete"] is redis.persistent
        await returning.close()

        # A game server's SSE stream that was cut replays what it missed from Last-Event-ID.
        headers = {"Authorization": f"Bearer {created['apiToken']}", "Last-Event-ID": str(seq_before)}
        async with http.stream("GET", "/fivem/events", headers=headers) as stream:
            assert stream.status_code == 200
            seen = ""
            async for chunk in stream.aiter_text():
                seen += chunk
                if "After the restart" in seen:
                    break
        for socket in sockets:
            await socket.close()
