"""Rate limits that cannot be turned against users (issue 14): one mechanism (cad.core.ratelimit),
keyed on what the limit is about, counted atomically, with a trusted-proxy rule for addresses."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx
import pytest
import yaml
from django.test import Client
from rest_framework.test import APIClient

from cad.core import ratelimit
from cad.core import services as core_services

ROOT = Path(__file__).resolve().parent.parent


def sign_in(username, password, *, address, form=False):
    client = APIClient(REMOTE_ADDR=address)
    return client.post("/api/auth/token", {"username": username, "password": password},
                       format="multipart" if form else "json")


def assert_429(r):
    assert r.status_code == 429, r.content
    body = r.json()
    retry_after = body.get("retryAfter", body.get("retry_after"))
    assert body["error"] and isinstance(retry_after, int)
    assert int(r["Retry-After"]) == retry_after and 1 <= retry_after <= 60


def test_json_sign_in_counts_per_username_not_in_one_shared_bucket(admin, officer, settings):
    settings.LOGIN_RATE_LIMIT = "10/m"
    # Ten wrong JSON attempts at one user, each from its own address (a spray from many hosts).
    for i in range(10):
        assert sign_in("admin_a", "wrong", address=f"198.51.100.{i}").status_code == 401
    # That user is now limited, whatever the body's format and wherever it comes from...
    assert_429(sign_in("admin_a", "pw-admin_a", address="203.0.113.1"))
    assert_429(sign_in("admin_a", "pw-admin_a", address="203.0.113.2", form=True))
    assert_429(sign_in("ADMIN_A ", "pw-admin_a", address="203.0.113.3"))  # no bypass by spelling
    # ...and nobody else is: JSON sign-in of another user from a fresh address works.
    r = sign_in("officer_a", "pw-officer_a", address="203.0.113.4")
    assert r.status_code == 200 and r.json()["access"]


def test_sign_in_is_also_limited_per_address(admin, settings):
    settings.LOGIN_RATE_LIMIT = "10/m"
    for i in range(10):  # a password spray: one address, a new username each time
        assert sign_in(f"user{i}", "Winter2026!", address="192.0.2.7").status_code == 401
    assert_429(sign_in("admin_a", "pw-admin_a", address="192.0.2.7"))
    assert sign_in("admin_a", "pw-admin_a", address="192.0.2.8").status_code == 200


def test_sign_in_429_retry_after_is_the_time_left_in_the_window(admin, settings, limiter_clock):
    settings.LOGIN_RATE_LIMIT = "2/m"
    for i in range(2):
        sign_in(f"sprayed{i}", "wrong", address="192.0.2.9")
    r = sign_in("sprayed2", "wrong", address="192.0.2.9")  # the address's bucket is over, no username's is
    assert_429(r)
    limiter_clock.advance(int(r["Retry-After"]) - 1)  # a second before the window ends: still limited
    assert_429(sign_in("sprayed3", "wrong", address="192.0.2.9"))
    limiter_clock.advance(1)  # once Retry-After seconds have passed, the address may try again
    assert sign_in("sprayed4", "wrong", address="192.0.2.9").status_code == 401


def test_fivem_429_body_carries_retry_after_for_game_scripts(server, settings):
    settings.FIVEM_RATE_LIMIT = "2/m"
    for _ in range(2):
        assert server.get("/fivem/sounds").status_code == 200
    r = server.get("/fivem/sounds")
    assert_429(r)
    assert set(r.json()) == {"error", "retry_after"}  # 004's snake_case, read by PerformHttpRequest


def test_lookup_limit_answers_the_same_429(as_, officer):
    client = as_(officer)
    for _ in range(60):
        client.post("/api/lookup", {"query": "Nobody"}, format="json")
    r = client.post("/api/lookup", {"query": "Nobody"}, format="json")
    assert_429(r)
    assert set(r.json()) == {"error", "retryAfter"}  # /api's camelCase spelling of the same body


@pytest.mark.django_db(transaction=True)
def test_concurrent_fivem_requests_cannot_slip_past_the_limit(settings, monkeypatch):
    """8 connections at once: the counter is an atomic increment, so exactly `limit` requests pass.
    Each cache read's answer takes a millisecond to come back, as over a network, so a counter that reads, adds
    and writes back would let concurrent requests read the same count (the bug this guards against)."""
    import time

    from django.core.cache import caches

    cache_class = type(caches["default"])
    real_get = cache_class.get

    def slow_get(self, *args, **kwargs):
        value = real_get(self, *args, **kwargs)
        time.sleep(0.001)  # the answer travels back while others write
        return value

    monkeypatch.setattr(cache_class, "get", slow_get)
    community = core_services.community_create(name="Concurrent RP")
    _, raw = core_services.token_create(community=community, name="busy server")
    settings.FIVEM_RATE_LIMIT = "40/h"
    codes: list[int] = []
    lock = threading.Lock()

    def worker():
        client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        for _ in range(10):
            code = client.get("/fivem/sounds").status_code
            with lock:
                codes.append(code)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    from django.db import connections

    connections.close_all()
    assert sorted(codes) == [200] * 40 + [429] * 40


@pytest.fixture
def warm_token(api_token):
    core_services.token_authenticate(api_token)  # in the cache, as the ingest path sees it in steady state
    return api_token


POSITION = {"unitId": "u1", "x": 1.0, "y": 2.0, "z": 3.0, "heading": 0.0}


def _ingest_client():
    from dispatch import ingest

    return httpx.AsyncClient(transport=httpx.ASGITransport(app=ingest.ingest_app), base_url="http://cad")


@pytest.fixture
def token_at_its_limit(warm_token, server, settings):
    settings.FIVEM_RATE_LIMIT = "3/m"
    assert [server.get("/fivem/sounds").status_code for _ in range(4)] == [200, 200, 200, 429]
    return warm_token


@pytest.mark.django_db
async def test_a_token_at_its_fivem_limit_cannot_post_positions(token_at_its_limit):
    """Every ingest route (single, batch, and any added to INGEST_PATHS) counts in the /fivem/* bucket."""
    from dispatch import ingest

    headers = {"Authorization": f"Bearer {token_at_its_limit}", "x-api-key": token_at_its_limit}
    async with _ingest_client() as c:
        for path in sorted(ingest.INGEST_PATHS):
            r = await c.post(path, json={"positions": [POSITION] * 200}, headers=headers)
            assert r.status_code == 429, (path, r.text)
            assert r.json()["retry_after"] == int(r.headers["Retry-After"]) >= 1


@pytest.mark.django_db
async def test_position_ingest_is_limited_per_request(warm_token, settings):
    from dispatch import ingest

    settings.FIVEM_RATE_LIMIT = "3/m"
    headers = {"x-api-key": warm_token}
    async with _ingest_client() as c:
        codes = [(await c.post(ingest.BATCH, json=[POSITION] * 100, headers=headers)).status_code for _ in range(3)]
        assert codes == [200, 200, 200]  # a batch of 100 is one request
        r = await c.post(ingest.SINGLE, json=POSITION, headers=headers)
        assert r.status_code == 429 and set(r.json()) == {"error", "retry_after"}


@pytest.mark.django_db
async def test_concurrent_position_posts_cannot_slip_past_the_limit(warm_token, settings):
    """The ingest routes count on the event loop (cad.core.ratelimit.ahit: one MULTI/EXEC on Redis, the
    local-memory cache's lock otherwise). 60 requests in flight at once on a 25/m token: exactly 25 pass."""
    import asyncio

    from dispatch import ingest

    settings.FIVEM_RATE_LIMIT = "25/m"
    headers = {"x-api-key": warm_token}
    async with _ingest_client() as c:
        responses = await asyncio.gather(*(c.post(ingest.SINGLE, json=POSITION, headers=headers) for _ in range(60)))
    assert sorted(r.status_code for r in responses) == [200] * 25 + [429] * 35


@pytest.mark.django_db
async def test_async_and_sync_counters_share_one_bucket_and_window(warm_token, settings, limiter_clock):
    from cad.core import ratelimit

    settings.FIVEM_RATE_LIMIT = "4/m"
    key = "token:shared"
    ratelimit.fivem_hit(key)
    await ratelimit.afivem_hit(key)
    ratelimit.fivem_hit(key)
    await ratelimit.afivem_hit(key)
    with pytest.raises(ratelimit.RateLimited) as sync_limited:
        ratelimit.fivem_hit(key)
    with pytest.raises(ratelimit.RateLimited) as async_limited:
        await ratelimit.afivem_hit(key)
    assert sync_limited.value.retry_after == async_limited.value.retry_after
    limiter_clock.advance(async_limited.value.retry_after)
    await ratelimit.afivem_hit(key)  # the next window starts at the same second for both


@pytest.mark.django_db
async def test_the_async_counter_never_hops_to_a_thread_on_the_caches_we_ship(settings, monkeypatch, limiter_clock):
    """Redis (production) and the local-memory cache (embedded) are counted on the event loop itself; only
    another cache backend goes through a thread. (`django.core.cache.cache` is a proxy: a type test on it
    once sent every ingest request through the thread fallback, a sixth of production's ingest rate.)"""
    from cad.core import ratelimit

    def no_thread(_fn):
        raise AssertionError("the limiter hopped to a thread")

    monkeypatch.setattr(ratelimit, "sync_to_async", no_thread)
    settings.FIVEM_RATE_LIMIT = "2/m"
    await ratelimit.afivem_hit("token:loop")
    await ratelimit.afivem_hit("token:loop")
    with pytest.raises(ratelimit.RateLimited):
        await ratelimit.afivem_hit("token:loop")


@pytest.fixture
def token_limit_key(warm_token):
    return ratelimit.token_key(core_services.token_authenticate(warm_token))


@pytest.mark.django_db
@pytest.mark.parametrize("path", sorted(__import__("dispatch.ingest", fromlist=["x"]).INGEST_PATHS))
async def test_every_ingest_route_lets_exactly_the_limit_through(warm_token, token_limit_key, settings, limiter_clock,
                                                                 path):
    """On both configurations (on Redis the count rides in the positions' write script): `limit` requests
    pass, the next is 429 with the same body and Retry-After as everywhere, and the bucket is the one the
    /fivem/* routes count in (a token that spent it on positions is limited there too)."""
    from dispatch import ingest

    settings.FIVEM_RATE_LIMIT = "3/m"
    body = ({"character_id": "0b5a5e0e-6f8d-4b2a-9a57-5f1f3f6f0a11", "x": 1.0, "y": 2.0, "z": 3.0, "heading": 0.0}
            if path.startswith("/fivem") else POSITION)
    if path in ingest.BATCH_PATHS:
        body = [body] * 5
    headers = {"x-api-key": warm_token, "Authorization": f"Bearer {warm_token}"}
    async with _ingest_client() as c:
        codes = [(await c.post(path, json=body, headers=headers)).status_code for _ in range(3)]
        assert codes == [200, 200, 200]
        r = await c.post(path, json=body, headers=headers)
        assert r.status_code == 429 and set(r.json()) == {"error", "retry_after"}
        window = ratelimit.fivem_window(token_limit_key)
        assert r.json()["retry_after"] == int(r.headers["Retry-After"]) == window.time_left() >= 1
        # A bad body over the limit is a 429 too, as when the count came before the body was read.
        assert (await c.post(path, content=b"{not json", headers=headers)).status_code == 429
    with pytest.raises(ratelimit.RateLimited):  # what /fivem/* counts with (cad.core.api's throttle)
        ratelimit.fivem_hit(token_limit_key)


@pytest.mark.django_db
async def test_an_ingest_request_that_stores_nothing_still_counts(warm_token, settings, limiter_clock):
    """A bad body under the limit is a 400 and spends one request of the bucket, as before the count
    moved into the write: two bad bodies and one good one use up a 3/m token."""
    from dispatch import ingest

    settings.FIVEM_RATE_LIMIT = "3/m"
    headers = {"x-api-key": warm_token}
    async with _ingest_client() as c:
        assert (await c.post(ingest.SINGLE, content=b"[", headers=headers)).status_code == 400
        assert (await c.post(ingest.SINGLE, json={"unitId": "u1"}, headers=headers)).status_code == 400
        assert (await c.post(ingest.SINGLE, json=POSITION, headers=headers)).status_code == 200
        assert (await c.post(ingest.SINGLE, json=POSITION, headers=headers)).status_code == 429


@pytest.mark.redis
@pytest.mark.django_db
async def test_an_ingest_request_is_one_redis_round_trip(warm_token, settings, monkeypatch):
    """The rate-limit count and the position write leave in one command: every command any Redis client
    of this process sends (redis-py's sync and asyncio connections, pipelines included) is counted."""
    import redis.asyncio.connection
    import redis.connection

    from dispatch import ingest

    sent: list[bytes] = []

    def counting(cls, name):
        real = getattr(cls, name)

        def wrapper(self, command, *args, **kwargs):
            sent.append(command if isinstance(command, bytes) else b"".join(command))
            return real(self, command, *args, **kwargs)
        monkeypatch.setattr(cls, name, wrapper)

    settings.FIVEM_RATE_LIMIT = "100/m"
    headers = {"x-api-key": warm_token}
    async with _ingest_client() as c:
        assert (await c.post(ingest.SINGLE, json=POSITION, headers=headers)).status_code == 200  # warm: token memo
        counting(redis.asyncio.connection.AbstractConnection, "send_packed_command")
        counting(redis.connection.AbstractConnection, "send_packed_command")
        for path, body in ((ingest.SINGLE, POSITION), (ingest.BATCH, [POSITION] * 50)):
            sent.clear()
            assert (await c.post(path, json=body, headers=headers)).status_code == 200
            assert len(sent) == 1 and sent[0].startswith(b"*") and b"EVAL" in sent[0], sent


def test_window_edges_are_spread_across_keys_and_fixed_per_key(limiter_clock):
    from cad.core import ratelimit

    ends = {ratelimit.window(group="g", key=f"k{i}", rate="10/m").ends for i in range(50)}
    assert len(ends) > 10 and all(0 < end - limiter_clock() <= 60 for end in ends)
    first = ratelimit.window(group="g", key="k1", rate="10/m")
    limiter_clock.advance(first.time_left() - 1)
    assert ratelimit.window(group="g", key="k1", rate="10/m") == first
    limiter_clock.advance(1)
    later = ratelimit.window(group="g", key="k1", rate="10/m")
    assert later.ends == first.ends + 60 and later.key != first.key


# --- Trusted proxies --------------------------------------------------------------------------------
def test_compose_and_procfile_trust_forwarded_headers_only_from_the_configured_proxy():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    web = compose["services"]["web"]
    command = web["command"]
    assert "--no-proxy-headers" in command and "--forwarded-allow-ips" not in command
    assert "*" not in str(web["environment"]["FORWARDED_ALLOW_IPS"])
    assert "FORWARDED_ALLOW_IPS" in (ROOT / ".env.example").read_text()
    procfile_web = next(line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("web:"))
    assert "--no-proxy-headers" in procfile_web


def test_settings_default_trusts_no_remote_proxy():
    from django.conf import settings

    assert "*" not in settings.FORWARDED_ALLOW_IPS
    assert set(settings.FORWARDED_ALLOW_IPS) <= {"127.0.0.1", "::1"}


async def _spray(app, addresses) -> list[int]:
    from cad.realtime.testing import serve

    codes = []
    async with serve(app, proxy_headers=False) as base, httpx.AsyncClient(base_url=base) as c:
        for i, address in enumerate(addresses):
            r = await c.post("/api/auth/token", json={"username": f"sprayed{i}", "password": "Winter2026!"},
                             headers={"X-Forwarded-For": address})
            codes.append(r.status_code)
    return codes


@pytest.mark.django_db(transaction=True)
async def test_rotating_x_forwarded_for_does_not_escape_the_address_limit(settings):
    """Through the real ASGI application on uvicorn, as compose runs it: the test client (127.0.0.1)
    is not the configured proxy, so its X-Forwarded-For is ignored and its own address is counted."""
    from cad.asgi import behind_trusted_proxies
    from cad.realtime.asgi import build_application

    settings.LOGIN_RATE_LIMIT = "10/m"
    settings.FORWARDED_ALLOW_IPS = ["10.0.0.5"]  # the proxy, which is not us
    codes = await _spray(behind_trusted_proxies(build_application()), [f"203.0.113.{i}" for i in range(30)])
    assert codes[:10] == [401] * 10 and set(codes[10:]) == {429}


@pytest.mark.django_db(transaction=True)
async def test_the_configured_proxy_forwards_its_clients_addresses(settings):
    from cad.asgi import behind_trusted_proxies
    from cad.realtime.asgi import build_application

    settings.LOGIN_RATE_LIMIT = "10/m"
    settings.FORWARDED_ALLOW_IPS = ["127.0.0.1"]  # we are the proxy: each forwarded client has its own budget
    codes = await _spray(behind_trusted_proxies(build_application()), [f"203.0.113.{i}" for i in range(15)])
    assert codes == [401] * 15
