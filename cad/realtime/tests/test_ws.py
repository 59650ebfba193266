"""The /ws consumer: auth, rooms, every client event, server frames and the cross-community rule."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from cad.events import community_group
from cad.realtime.hub import get_hub
from calls.inputs import CallInput

from .conftest import group_size, jwt_for, publish_now, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)


async def test_jwt_query_token_joins_and_receives_every_alias_with_seq_and_ts(ws, community, dispatcher):
    client = await ws(f"?token={jwt_for(dispatcher)}")
    joined = await client.join(community.pk)
    assert joined["data"] == {"communityId": str(community.pk)}
    assert {"seq", "ts"} <= set(joined)

    await publish_now(community.pk, "new-911-call", {"_id": "c1"}, aliases=("new-call", "newCall"))
    frames = [await client.next() for _ in range(3)]
    assert [f["event"] for f in frames] == ["new-911-call", "new-call", "newCall"]
    assert all(f["data"] == {"_id": "c1"} for f in frames)
    assert len({f["seq"] for f in frames}) == 1 and frames[0]["seq"] >= 1
    assert frames[0]["ts"].endswith("Z")

    await publish_now(community.pk, "call-deleted", {"callId": "c1"})
    assert (await client.next())["seq"] == frames[0]["seq"] + 1


async def test_first_message_auth(ws, community, officer):
    client = await ws()
    await client.send("join-community", str(community.pk))
    assert (await client.next())["event"] == "error"  # anonymous: no room
    await client.send("auth", {"token": jwt_for(officer)})
    assert (await client.next()) | {"ts": None} == {
        "event": "authenticated", "data": {"name": "officer_a"}, "seq": 0, "ts": None}
    await client.join(community.pk)


async def test_bad_tokens(ws, application, community):
    communicator = WebsocketCommunicator(application, "/ws?token=not-a-jwt")
    connected, code = await communicator.connect()
    assert not connected and code == 4401
    communicator = WebsocketCommunicator(application, "/ws?token=cad_unknown")
    connected, code = await communicator.connect()
    assert not connected and code == 4401

    client = await ws()
    await client.send("auth", {"token": "garbage"})
    frame = await client.next()
    assert frame["event"] == "error" and frame["data"]["event"] == "auth"


async def test_session_cookie_needs_an_allowed_origin(ws, application, community, dispatcher):
    cookie = (await session_cookie(dispatcher)).encode()
    for origin in (b"https://evil.example", None):
        headers = [(b"cookie", cookie)] + ([(b"origin", origin)] if origin else [])
        communicator = WebsocketCommunicator(application, "/ws", headers=headers)
        connected, code = await communicator.connect()
        assert not connected and code == 4403

    client = await ws(headers=[(b"cookie", cookie), (b"origin", b"http://localhost:8000")])
    await client.join(community.pk)


async def test_api_token_joins_only_its_own_community(ws, community, other_community, api_token):
    client = await ws(f"?token={api_token}")
    await client.send("join-community", {"communityId": str(other_community.pk)})
    frame = await client.next()
    assert frame["event"] == "error" and frame["data"]["event"] == "join-community"
    await client.join(community.pk)


async def test_join_refused_for_non_members_and_bad_ids(ws, community, outsider):
    client = await ws(f"?token={jwt_for(outsider)}")
    for value in (str(community.pk), "not-a-uuid", None, {"communityId": 42}):
        await client.send("join-community", value)
        frame = await client.next()
        assert frame["event"] == "error", value
    assert get_hub().members(str(community.pk)) == frozenset()


async def test_member_of_b_never_receives_a_events(ws, community, other_community, dispatcher, outsider):
    a = await ws(f"?token={jwt_for(dispatcher)}")
    b = await ws(f"?token={jwt_for(outsider)}")
    await a.join(community.pk)
    await b.join(other_community.pk)

    await publish_now(community.pk, "new-bolo", {"_id": "bolo-a"})
    await publish_now(community.pk, "panic-button", {"officerName": "A"})
    await publish_now(other_community.pk, "new-bolo", {"_id": "bolo-b"})

    assert (await b.next())["data"] == {"_id": "bolo-b"}  # B's first frame is B's own event
    received_a = [(await a.next())["event"] for _ in range(2)]
    assert sorted(received_a) == ["new-bolo", "panic-button"]


async def test_leave_community_stops_delivery(ws, community, dispatcher):
    stays = await ws(f"?token={jwt_for(dispatcher)}")
    leaves = await ws(f"?token={jwt_for(dispatcher)}")
    await stays.join(community.pk)
    await leaves.join(community.pk)
    await leaves.send("leave-community", str(community.pk))
    assert (await leaves.next())["event"] == "left-community"
    await publish_now(community.pk, "new-bolo", {"_id": "x"})
    assert (await stays.next())["event"] == "new-bolo"  # the hub has handed it out by now
    # Rejoin: the next frame is the join answer, then only events published after it.
    await leaves.join(community.pk)
    await publish_now(community.pk, "new-announcement", {"_id": "y"})
    assert (await leaves.next())["event"] == "new-announcement"


async def test_one_layer_subscription_per_process_whatever_the_sockets(ws, community, dispatcher, officer):
    clients = [await ws(f"?token={jwt_for(user)}") for user in (dispatcher, officer, dispatcher)]
    for client in clients:
        await client.join(community.pk)
    assert await group_size(community_group(community.pk)) == 1
    await publish_now(community.pk, "new-bolo", {"_id": "b"})
    for client in clients:
        assert (await client.next())["event"] == "new-bolo"
    for client in clients:
        await client.close()
    assert await group_size(community_group(community.pk)) == 0


async def test_panic_jumps_the_queue(ws, community, dispatcher):
    client = await ws(f"?token={jwt_for(dispatcher)}")
    await client.join(community.pk)
    hub = get_hub()
    message = {"type": "cad.event", "community": str(community.pk), "data": {}, "ts": "t", "sse": []}
    session = next(iter(hub.members(str(community.pk))))
    # Queue positions and a panic while the writer is not scheduled: the panic is written first.
    for seq in range(1, 4):
        hub.dispatch(message | {"names": ["unitLocationUpdate"], "seq": seq})
    hub.dispatch(message | {"names": ["panic-button"], "seq": 4}, urgent=True)
    assert session.outbox._urgent
    assert (await client.next())["event"] == "panic-button"


async def test_a_socket_that_falls_too_far_behind_is_closed(ws, community, dispatcher, monkeypatch):
    from cad.realtime import hub as hubmod

    monkeypatch.setattr(hubmod, "OUTBOX_LIMIT", 3)
    client = await ws(f"?token={jwt_for(dispatcher)}")
    await client.join(community.pk)
    hub = get_hub()
    message = {"type": "cad.event", "community": str(community.pk), "data": {}, "ts": "t", "sse": []}
    for seq in range(1, 6):  # queued faster than the writer runs: the fourth overflows
        hub.dispatch(message | {"names": ["unitLocationUpdate"], "seq": seq})
    assert await client.ws.receive_output(3) == {"type": "websocket.close", "code": 4408}


# -- client → server events ----------------------------------------------------------------------
@pytest.fixture
def unit(community, officer):
    from dispatch.models import Unit

    return Unit.objects.create(community=community, user=officer, name="1-Adam-12", on_duty=True)


async def test_unit_location_update_is_stored_broadcast_and_removed_on_disconnect(ws, community, officer, dispatcher):
    from dispatch.models import Unit

    await database_sync_to_async(Unit.objects.create)(community=community, user=officer, name="1-Adam-12",
                                                      external_id="officer-42")
    reporter = await ws(f"?token={jwt_for(officer)}")
    watcher = await ws(f"?token={jwt_for(dispatcher)}")
    await reporter.join(community.pk)
    await watcher.join(community.pk)
    await reporter.send("unit-location-update", {
        "communityId": str(community.pk), "unitId": "officer-42", "unitName": "1-Adam-12", "x": -1037.58,
        "y": -2738.21, "z": 13.76, "heading": 245.3, "postal": "274", "status": "10-8",
    })
    update = await watcher.until("unit-location-updated")
    assert update["data"]["unitId"] == "officer-42" and update["data"]["x"] == -1037.58
    assert update["data"]["postal"] == "274" and update["data"]["communityId"] == str(community.pk)

    await watcher.send("request-locations", {"communityId": str(community.pk)})
    locations = await watcher.until("currentLocations")
    assert set(locations["data"]) == {"officer-42"}

    await reporter.close()
    removed = await watcher.until("unitLocationRemoved")
    assert removed["data"]["unitId"] == "officer-42"
    await watcher.send("request-locations", {"communityId": str(community.pk)})
    assert (await watcher.until("currentLocations"))["data"] == {}


@pytest.mark.parametrize("payload, fragment", [
    ({"unitId": "u1", "x": "a", "y": 1, "z": 1}, "x must be a number"),
    ({"unitId": "u1", "y": 1, "z": 1}, "x is required"),
    ({"x": 1, "y": 1, "z": 1}, "unitId is required"),
    ({"unitId": "u1", "x": 1, "y": 1, "z": 1, "heading": 400}, "heading must be between"),
    ("just a string", "communityId"),
])
async def test_unit_location_update_validation(ws, community, officer, payload, fragment):
    client = await ws(f"?token={jwt_for(officer)}")
    await client.join(community.pk)
    if isinstance(payload, dict):
        payload = {"communityId": str(community.pk), **payload}
    await client.send("unit-location-update", payload)
    frame = await client.next()
    assert frame["event"] == "error" and fragment in frame["data"]["message"]
    await client.send("request-locations", {"communityId": str(community.pk)})
    assert (await client.until("currentLocations"))["data"] == {}


async def test_civilian_may_not_report_positions(ws, community, civilian):
    client = await ws(f"?token={jwt_for(civilian)}")
    await client.join(community.pk)
    await client.send("unit-location-update", {"communityId": str(community.pk), "unitId": "u", "x": 1, "y": 2, "z": 3})
    frame = await client.next()
    assert frame["event"] == "error" and "Officer" in frame["data"]["message"]


async def test_request_911_calls(ws, community, other_community, dispatcher):
    from calls.services import call_create

    await database_sync_to_async(call_create)(community=community,
                                              data=CallInput(call_type="Robbery",
                                                             location="245 Vespucci Blvd"))
    await database_sync_to_async(call_create)(community=other_community,
                                              data=CallInput(call_type="Theft", location="B street"))
    client = await ws(f"?token={jwt_for(dispatcher)}")
    await client.send("request-911-calls", {"communityId": str(community.pk)})
    frame = await client.until("current911Calls")
    assert [c["location"] for c in frame["data"]] == ["245 Vespucci Blvd"]
    await client.send("request-911-calls", {"communityId": str(other_community.pk)})
    assert (await client.next())["event"] == "error"


async def test_unit_status_update(ws, community, officer, dispatcher, unit):
    me = await ws(f"?token={jwt_for(officer)}")
    await me.join(community.pk)
    await me.send("unit-status-update", {"communityId": str(community.pk), "userId": str(officer.pk), "status": "10-6"})
    frame = await me.until("unit-status-updated")
    assert frame["data"]["status"] == "10-6" and frame["data"]["unitId"] == str(unit.pk)

    await me.send("unit-status-update", {"communityId": str(community.pk), "userId": str(unit.pk), "status": "10-99x"})
    frame = await me.until("error")
    assert "10-8" in frame["data"]["message"]  # names the allowed codes


async def test_officer_may_not_set_another_units_status(ws, community, officer, dispatcher):
    from dispatch.models import Unit

    other = await database_sync_to_async(Unit.objects.create)(community=community, user=dispatcher, name="D-1")
    me = await ws(f"?token={jwt_for(officer)}")
    await me.send("unit-status-update", {"communityId": str(community.pk), "userId": str(other.pk), "status": "busy"})
    assert (await me.next())["event"] == "error"


async def test_unit_detached_from_call(ws, community, dispatcher, unit):
    from calls.services import call_assign_unit, call_create

    def make_call():
        call = call_create(community=community, data=CallInput(call_type="Robbery", location="x"))
        return call_assign_unit(call=call, unit=unit)

    call = await database_sync_to_async(make_call)()
    client = await ws(f"?token={jwt_for(dispatcher)}")
    await client.join(community.pk)
    await client.send("unitDetachedFromCall", {"communityId": str(community.pk), "callId": str(call.pk),
                                               "odId": str(unit.pk), "odName": unit.name, "reason": "Reassigned"})
    removed = await client.until("unitRemovedFromCall")
    detached = await client.next()
    assert detached["event"] == "unitDetachedFromCall" and detached["seq"] == removed["seq"]
    assert removed["data"]["callId"] == str(call.pk)

    await client.send("unitDetachedFromCall", {"communityId": str(community.pk), "callId": str(call.pk),
                                               "odId": str(unit.pk)})
    assert "not assigned" in (await client.until("error"))["data"]["message"]


async def test_unknown_event_and_garbage(ws):
    client = await ws()
    await client.ws.send_to(text_data="{nope")
    assert (await client.next())["event"] == "error"
    await client.send("fly-me-to-the-moon", {})
    assert (await client.next())["data"]["event"] == "fly-me-to-the-moon"
