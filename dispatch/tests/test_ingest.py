"""The lean ASGI ingest app, called through httpx's ASGI transport (no Django in the path)."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from asgiref.sync import sync_to_async

from cad.core import services as core_services
from dispatch import ingest, selectors

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
async def _close_sync_thread_connections():
    """A cache miss resolves the token in asgiref's sync thread: close the connection it opened there."""
    yield
    from django.db import connections

    await sync_to_async(connections.close_all)()


@pytest.fixture
def warm_token(api_token):
    """The token as the ingest path sees it in steady state: resolved once, then served from the cache."""
    core_services.token_authenticate(api_token)
    return api_token


@pytest.fixture
def other_warm_token(other_api_token):
    core_services.token_authenticate(other_api_token)
    return other_api_token


@pytest.fixture
def published(settings):
    """Every event sent (cad.events.Event: names, data, parts), after its commit."""
    from cad import events as ev

    sent: list[ev.Event] = []
    with ev.recorder(sent.append):
        yield sent


def client():
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=ingest.ingest_app), base_url="http://cad")


def position(**over):
    body = {"unitId": "officer_42", "unitName": "1-Adam-12", "x": -1042.5, "y": -2745.3, "z": 21.3,
            "heading": 180.0, "job": "police", "status": "patrolling", "postal": "345"}
    return {**body, **over}


async def test_single_update_is_stored_and_published(community, warm_token, published):
    async with client() as c:
        r = await c.post("/api/dispatch/location-update", json=position(communityId=str(community.pk)),
                         headers={"x-api-key": warm_token})
    assert r.status_code == 200 and r.json() == {"success": True}
    stored = (await sync_to_async(selectors.current_locations)(community.pk))["officer_42"]
    assert (stored["x"], stored["unitName"], stored["job"], stored["postal"]) == (-1042.5, "1-Adam-12", "police", "345")
    assert stored["lat"] == pytest.approx(33.9421, abs=1e-3) and stored["lng"] == pytest.approx(-118.4083, abs=1e-3)
    # One event for the map (`unitLocations`) carrying 003's single event as its part.
    event = published[-1]
    assert event.names == ("unitLocations",) and list(event.data["units"]) == ["officer_42"]
    assert event.data["removed"] == [] and event.data["communityId"] == str(community.pk)
    [(name, data)] = event.parts
    assert name == "unitLocationUpdate" and data == event.data["units"]["officer_42"]
    assert data["unitId"] == "officer_42" and "ts" not in data


async def test_a_batch_is_one_event_whatever_its_size(community, warm_token, published):
    async with client() as c:
        r = await c.post("/api/dispatch/location-update/batch", headers={"x-api-key": warm_token},
                         json=[position(unitId=f"u{i}", x=float(i)) for i in range(100)])
    assert r.json() == {"success": True, "accepted": 100}
    [event] = published
    assert event.names == ("unitLocations",) and len(event.data["units"]) == 100
    assert [(name, data["unitId"], data["x"]) for name, data in event.parts] == [
        ("unitLocationUpdate", f"u{i}", float(i)) for i in range(100)]


async def test_batch_accepts_both_shapes(community, warm_token):
    async with client() as c:
        r1 = await c.post("/api/dispatch/location-update/batch", headers={"x-api-key": warm_token},
                          json={"positions": [position(unitId=f"u{i}") for i in range(50)]})
        r2 = await c.post("/api/dispatch/location-update/batch", headers={"Authorization": f"Bearer {warm_token}"},
                          json=[position(unitId="u50"), position(unitId="u0", x=1.0)])
    assert r1.json() == {"success": True, "accepted": 50} and r2.status_code == 200
    locations = await sync_to_async(selectors.current_locations)(community.pk)
    assert len(locations) == 51 and locations["u0"]["x"] == 1.0


async def test_fivem_position(community, warm_token, leo, published):
    character = leo
    async with client() as c:
        r = await c.post("/fivem/livemap/position", headers={"Authorization": f"Bearer {warm_token}"},
                         json={"character_id": str(character.pk), "name": "[K-1] John Smith", "x": 1, "y": 2,
                               "z": 3, "heading": 370})
    assert r.json() == {"ok": True}
    stored = (await sync_to_async(selectors.current_locations)(community.pk))[str(character.pk)]
    assert stored["characterId"] == str(character.pk) and stored["unitName"] == "[K-1] John Smith"
    assert stored["heading"] == 10.0
    assert [name for name, _data in published[-1].parts] == ["unitLocationUpdate"]


@pytest.mark.parametrize("path, body, message", [
    ("/api/dispatch/location-update", b"{not json", "not valid JSON"),
    ("/api/dispatch/location-update", json.dumps(position(x="east")).encode(), "x: a finite number"),
    ("/api/dispatch/location-update", json.dumps(position(unitId=None)).encode(), "unitId"),
    ("/api/dispatch/location-update", b'{"unitId": "a", "x": null, "y": 1, "z": 1, "heading": 1}', "x:"),
    ("/api/dispatch/location-update", json.dumps([position()]).encode(), "JSON object"),
    ("/api/dispatch/location-update/batch", json.dumps({"positions": []}).encode(), "non-empty list"),
    ("/api/dispatch/location-update/batch", json.dumps([position(), position(z=True)]).encode(), "positions[1].z"),
    ("/fivem/livemap/position", json.dumps({"x": 1, "y": 1, "z": 1, "heading": 1}).encode(), "character_id"),
    ("/fivem/livemap/position", json.dumps({"character_id": "nope", "x": 1, "y": 1, "z": 1, "heading": 1}).encode(),
     "character_id"),
])
async def test_bad_input_is_400_and_stores_nothing(community, warm_token, path, body, message):
    async with client() as c:
        r = await c.post(path, content=body, headers={"x-api-key": warm_token, "content-type": "application/json"})
    assert r.status_code == 400 and message in r.json()["error"]
    assert await sync_to_async(selectors.current_locations)(community.pk) == {}


async def test_auth_and_method_errors(community, warm_token, other_warm_token):
    async with client() as c:
        missing = await c.post("/api/dispatch/location-update", json=position())
        wrong = await c.post("/api/dispatch/location-update", json=position(), headers={"x-api-key": "cad_nope"})
        get = await c.get("/api/dispatch/location-update", headers={"x-api-key": warm_token})
        foreign = await c.post("/api/dispatch/location-update", json=position(communityId=str(community.pk)),
                               headers={"x-api-key": other_warm_token})
    assert (missing.status_code, wrong.status_code, get.status_code, foreign.status_code) == (401, 401, 405, 403)
    assert get.headers["allow"] == "POST" and "error" in wrong.json()
    assert await sync_to_async(selectors.current_locations)(community.pk) == {}


async def test_other_community_token_writes_to_its_own_map(community, other_community, other_warm_token):
    async with client() as c:
        r = await c.post("/api/dispatch/location-update", json=position(), headers={"x-api-key": other_warm_token})
    assert r.status_code == 200
    assert await sync_to_async(selectors.current_locations)(community.pk) == {}
    assert list(await sync_to_async(selectors.current_locations)(other_community.pk)) == ["officer_42"]


async def test_too_large(community, warm_token):
    async with client() as c:
        big = await c.post("/api/dispatch/location-update", content=b" " * (ingest.MAX_SINGLE_BYTES + 1),
                           headers={"x-api-key": warm_token})
        many = await c.post("/api/dispatch/location-update/batch", headers={"x-api-key": warm_token},
                            json=[position()] * (ingest.MAX_BATCH_POSITIONS + 1))
    assert big.status_code == 413 and many.status_code == 413


@pytest.fixture
def revoked_token(community, warm_token):
    core_services.token_revoke(token=community.api_tokens.get())
    ingest._token_memo.clear()
    return warm_token


async def test_revoked_token_is_refused(community, revoked_token):
    api_token = revoked_token
    async with client() as c:
        r = await c.post("/api/dispatch/location-update", json=position(), headers={"x-api-key": api_token})
    assert r.status_code == 401


async def test_events_are_coalesced_per_unit(community, warm_token, published, settings, monkeypatch):
    from dispatch import services

    monkeypatch.setattr(services, "position_events", services._PositionEvents())
    settings.DISPATCH_POSITION_EVENT_WINDOW = 60

    def units(event):
        return sorted((unit_id, data["x"]) for unit_id, data in event.data["units"].items())

    async with client() as c:
        await c.post("/api/dispatch/location-update", json=position(x=1.0), headers={"x-api-key": warm_token})
        await services.position_events._task  # a quiet map: the first update leaves at once (delay 0)
        assert [units(e) for e in published] == [[("officer_42", 1.0)]]
        for x in (2.0, 3.0):  # then at most one burst per window, with each unit's latest position
            await c.post("/api/dispatch/location-update", json=position(x=x), headers={"x-api-key": warm_token})
        await c.post("/api/dispatch/location-update", json=position(unitId="other"), headers={"x-api-key": warm_token})
    assert len(published) == 1 and not services.position_events._task.done()  # the next burst waits for the window
    services.position_events._task.cancel()
    await services.position_events.flush()
    [burst] = published[1:]  # one event for the community, one part per unit
    assert units(burst) == [("officer_42", 3.0), ("other", -1042.5)]
    assert sorted((d["unitId"], d["x"]) for _name, d in burst.parts) == units(burst)


async def test_a_unit_taken_off_the_map_is_not_drawn_again_by_the_burst(community, warm_token, published, settings,
                                                                       monkeypatch):
    from dispatch import services

    monkeypatch.setattr(services, "position_events", services._PositionEvents())
    settings.DISPATCH_POSITION_EVENT_WINDOW = 60
    async with client() as c:
        await c.post("/api/dispatch/location-update", json=position(unitId="first"), headers={"x-api-key": warm_token})
        await services.position_events._task
        for unit_id in ("officer_42", "stays"):
            await c.post("/api/dispatch/location-update", json=position(unitId=unit_id), headers={"x-api-key": warm_token})
        # officer_42 goes off duty while its position waits for the window
        removed = await c.post("/api/dispatch/location-update", json={"unitId": "officer_42", "status": "offline"},
                               headers={"x-api-key": warm_token})
    assert removed.json()["removed"] is True
    services.position_events._task.cancel()
    await services.position_events.flush()
    assert list(published[-1].data["units"]) == ["stays"] and [d["unitId"] for _n, d in published[-1].parts] == ["stays"]


@pytest.mark.django_db(transaction=True)
async def test_cold_token_is_resolved_from_the_database(community, api_token):
    async with client() as c:
        r = await c.post("/api/dispatch/location-update", json=position(), headers={"x-api-key": api_token})
    assert r.status_code == 200


def test_the_fast_path_stores_what_the_checked_path_stores():
    item = position(heading=370, unitName="", postal="345")
    fast = ingest._entry(item, "c", 1.0)
    assert fast == ingest._checked_entry(item, "c", 1.0, "")
    assert (fast["heading"], fast["unitName"]) == (10.0, "officer_42")
    slow = ingest._entry({**item, "postal": 345, "heading": 10}, "c", 1.0)  # a number as postal: checked path
    assert slow == fast


async def test_socket_positions_publish_unit_location_updated(community, published):
    from dispatch import services

    stored = await services.aposition_update(community_id=community.pk, unit_id="officer-42", unit_name="1-Adam-12",
                                             x=-1037.58, y=-2738.21, z=13.76, heading=245.3, status="10-8",
                                             postal="274", origin="socket")
    assert (stored["lat"], stored["lng"]) == pytest.approx((33.9425, -118.408))  # 003's example, exactly
    [(name, data)] = published[-1].parts
    assert name == "unit-location-updated" and data["unitName"] == "1-Adam-12" and data["postal"] == "274"


async def test_without_redis_the_web_process_prunes_its_positions(community, warm_token, events, settings,
                                                                  monkeypatch):
    import asyncio

    from dispatch import services

    if settings.REDIS_URL:
        pytest.skip("with Redis the beat task prunes")
    monkeypatch.setattr(services, "EMBEDDED_PRUNE_SECONDS", 0.01)
    settings.UNIT_POSITION_TTL_SECONDS = 0
    async with client() as c:
        await c.post("/api/dispatch/location-update", json=position(), headers={"x-api-key": warm_token})
    await asyncio.wait_for(services._embedded_pruner, timeout=30)  # it stops once nothing is tracked
    assert (("unitLocationRemoved",), {"unitId": "officer_42", "unitName": "1-Adam-12"}) in events


async def test_a_batch_larger_than_one_hset_slice_is_stored_whole(community, warm_token):
    """The Redis write hands HSET 500 pairs at a time (Lua's unpack limit): every position is stored."""
    async with client() as c:
        r = await c.post("/api/dispatch/location-update/batch", headers={"x-api-key": warm_token},
                         json=[position(unitId=f"u{i}", x=float(i)) for i in range(1234)])
    assert r.json() == {"success": True, "accepted": 1234}
    locations = await sync_to_async(selectors.current_locations)(community.pk)
    assert len(locations) == 1234 and locations["u1233"]["x"] == 1233.0


def test_the_packed_write_is_what_redis_py_would_send():
    from redis.connection import Connection

    from dispatch import positions

    args = [b"EVAL", b"return 1", b"0", "é-unit".encode(), b"", b'{"x":1}']
    assert positions._resp(args) == b"".join(Connection().pack_command(*args))


@pytest.mark.redis
async def test_concurrent_requests_share_the_connections_writes(community, warm_token, settings, monkeypatch):
    """On Redis the ingest's commands ride one pipelined connection per process (positions._Line): 40
    requests in flight at once leave in fewer writes than requests (the map's publishing, which has its
    own connections, is not counted), and each gets its own answer."""
    import redis.asyncio.connection

    settings.FIVEM_RATE_LIMIT = "1000/m"
    real = redis.asyncio.connection.AbstractConnection.send_packed_command
    writes = []

    async def counting(self, command, *args, **kwargs):
        if b"local count" in (command if isinstance(command, bytes) else b"".join(command)):  # the ingest's writes
            writes.append(command)
        return await real(self, command, *args, **kwargs)

    async with client() as c:
        await c.post(ingest.SINGLE, json=position(), headers={"x-api-key": warm_token})  # the token memo
        monkeypatch.setattr(redis.asyncio.connection.AbstractConnection, "send_packed_command", counting)
        answers = await asyncio.gather(*(c.post(ingest.SINGLE, json=position(unitId=f"u{i}", x=float(i)),
                                                headers={"x-api-key": warm_token}) for i in range(40)))
    assert [r.status_code for r in answers] == [200] * 40
    assert 1 <= len(writes) < 40
    locations = await sync_to_async(selectors.current_locations)(community.pk)
    assert all(locations[f"u{i}"]["x"] == float(i) for i in range(40))


@pytest.mark.redis
async def test_a_broken_connection_is_replaced_without_failing_the_request(community, warm_token):
    """Redis dropped the ingest's connection (a restart, a proxy's idle timeout): the next request is
    answered on a fresh one."""
    import redis.asyncio

    from dispatch import positions

    async with client() as c:
        assert (await c.post(ingest.SINGLE, json=position(), headers={"x-api-key": warm_token})).status_code == 200
        client_id = await positions._asend_packed(positions._aredis(), positions._resp([b"CLIENT", b"ID"]))
        killer = redis.asyncio.Redis.from_url(settings_redis_url())
        try:
            assert await killer.client_kill_filter(_id=client_id) == 1
        finally:
            await killer.aclose()
        r = await c.post(ingest.SINGLE, json=position(x=7.0), headers={"x-api-key": warm_token})
    assert r.status_code == 200
    locations = await sync_to_async(selectors.current_locations)(community.pk)
    assert locations["officer_42"]["x"] == 7.0


def settings_redis_url() -> str:
    from django.conf import settings

    return settings.REDIS_URL
