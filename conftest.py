"""Shared test fixtures: two communities and one persona per role.

`community` (A) has `admin`, `supervisor`, `dispatcher`, `officer`, `civilian`; `other_community` (B)
has `outsider` (an admin there, a stranger here); `superuser` is a deployment superuser, a member of none. `as_(user)` gives an authenticated APIClient;
`server` is an APIClient carrying community A's API token (x-api-key and Bearer). `fresh_hub` gives a
realtime test its own channel layers and hub and puts back the ones in use before.
"""

from __future__ import annotations

import os
import time

import pytest
from rest_framework.test import APIClient

from cad.core import services
from cad.core.choices import Role

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cad.settings")
# The web process's start-up warm-up freezes every live object out of the garbage collector (cad.warmup):
# right for a server, wrong in the middle of a test session that imports the app (tests/test_warmup.py
# checks it in a process of its own).
os.environ["CAD_WARM_UP"] = "0"


def pytest_collection_modifyitems(config, items):
    from django.conf import settings

    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://...)")
    skip_redis = pytest.mark.skip(reason="needs Redis (set REDIS_URL=redis://...)")
    for item in items:
        if "postgres" in item.keywords and not settings.IS_POSTGRES:
            item.add_marker(skip_pg)
        if "redis" in item.keywords and not settings.REDIS_URL:
            item.add_marker(skip_redis)


def pytest_unconfigure(config):
    """pytest-django deletes this run's SQLite test database but not its write-ahead log and shared-memory
    files (4 MB a run, left in var/ by every run before)."""
    from django.conf import settings

    name = settings.DATABASES["default"].get("TEST", {}).get("NAME")
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") and name and not os.path.exists(name):
        for suffix in ("-wal", "-shm"):
            try:
                os.remove(name + suffix)
            except FileNotFoundError:
                pass


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    from django.core.cache import cache

    # Real hashing costs ~0.3 s per persona; tests check behaviour, not key stretching.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

    cache.clear()
    yield
    cache.clear()


class LimiterClock:
    """The rate limiter's time (cad.core.ratelimit.clock), standing still unless a test moves it."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(autouse=True)
def limiter_clock(monkeypatch) -> LimiterClock:
    """Every limiter window starts and ends on this clock, which does not move during a test: a test that
    sends limit + 1 requests on a slow machine cannot straddle a window's edge (the edge is jittered per
    key, so a real clock would put it anywhere in the test). The window, the cache key and the time left
    all read this one clock; a test that wants a window to pass calls `limiter_clock.advance(seconds)`.
    Live servers in other processes keep the real clock."""
    from cad.core import ratelimit

    clock = LimiterClock(float(int(time.time())))
    monkeypatch.setattr(ratelimit, "clock", clock)
    return clock


@pytest.fixture
def community(db):
    owner = services.user_ensure(username="owner_a", password="pw-owner-a")
    return services.community_create(name="Alpha RP", owner=owner)


@pytest.fixture
def other_community(db):
    return services.community_create(name="Bravo RP")


def _member(community, username: str, role: Role, **ids):
    user = services.user_ensure(username=username, password=f"pw-{username}", **ids)
    services.membership_set(community=community, user=user, role=role)
    return user


@pytest.fixture
def admin(community):
    return _member(community, "admin_a", Role.ADMIN)


@pytest.fixture
def supervisor(community):
    return _member(community, "supervisor_a", Role.SUPERVISOR)


@pytest.fixture
def dispatcher(community):
    return _member(community, "dispatcher_a", Role.DISPATCHER)


@pytest.fixture
def officer(community):
    return _member(community, "officer_a", Role.OFFICER, discord_id="100000000000000001",
                   steam_hex="steam:110000100000001")


@pytest.fixture
def civilian(community):
    return _member(community, "civilian_a", Role.CIVILIAN, discord_id="100000000000000002")


@pytest.fixture
def outsider(other_community):
    return _member(other_community, "outsider_b", Role.ADMIN)


@pytest.fixture
def superuser(db):
    """A deployment superuser who is a member of no community: an admin of every one, on every transport."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("root", "root@example.com", "pw-root")


@pytest.fixture
def as_(community):
    """as_(user) → APIClient authenticated as that user (session-free, via force_authenticate)."""

    def make(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user=user)
        return client

    return make


@pytest.fixture
def api_token(community):
    _, raw = services.token_create(community=community, name="test server")
    return raw


@pytest.fixture
def other_api_token(other_community):
    _, raw = services.token_create(community=other_community, name="other server")
    return raw


@pytest.fixture
def server(api_token) -> APIClient:
    """Community A's game server: sends its token both as x-api-key and as Bearer."""
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=api_token, HTTP_AUTHORIZATION=f"Bearer {api_token}")
    return client


@pytest.fixture
def other_server(other_api_token) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=other_api_token, HTTP_AUTHORIZATION=f"Bearer {other_api_token}")
    return client


@pytest.fixture(autouse=True)
def _strict_event_payloads():
    """Every payload a test publishes is checked against its app's declaration (cad.events.STRICT)."""
    from cad import events as ev

    ev.STRICT = True
    yield
    ev.STRICT = False


@pytest.fixture
def lenient_event_payloads(_strict_event_payloads):
    """For transport tests that publish made-up payloads under real event names."""
    from cad import events as ev

    ev.STRICT = False


@pytest.fixture
def events(settings):
    """Collects what `cad.events.publish` sends (after commit) as a list of (names, data) tuples."""
    from cad import events as ev

    sent: list[tuple[tuple[str, ...], object]] = []
    with ev.recorder(lambda event: sent.append((event.names, event.data))):
        yield sent


@pytest.fixture
async def fresh_hub():
    """This test's own channel layers and hub (a test runs on an event loop of its own, and the hub and
    bridge it starts belong to that loop); afterwards the layers in use before are put back. Layers are
    shared by the process: the browser tests' live server, started earlier in the run, keeps its hub on
    the layer it started with, and a test that left another layer in its place would deafen it (every
    event published later would go to a layer nobody listens to) for the rest of the run."""
    import asyncio

    from channels.layers import channel_layers

    from cad.realtime import bridge
    from cad.realtime import hub as hubmod

    kept = dict(channel_layers.backends)
    channel_layers.backends.clear()
    yield
    hub = hubmod._hubs.pop(asyncio.get_running_loop(), None)
    if hub is not None:
        await hub.close()
    await bridge.stop_listening()
    channel_layers.backends.clear()
    channel_layers.backends.update(kept)


# Browser tests (headless Chromium against a live ASGI server) for every app: docs/browser-tests.md.
pytest_plugins = ["web.testing.browser"]
