"""Security of the real-time transports: who receives which event (`cad.events.audience`), ownership of
client actions, and revocation of long-lived connections (token revoked, membership removed, user
deactivated, JWT expired)."""

from __future__ import annotations

import asyncio

import pytest
from channels.db import database_sync_to_async

from cad.core.choices import Role
from cad.events import EVENT_AUDIENCE, audience
from cad.realtime.hub import get_hub
from cad.realtime.testing import SioClient, SioConnectError, serve
from calls.inputs import CallInput

from .conftest import jwt_for, publish_now
from .test_sse import SseConnection, bearer

pytestmark = pytest.mark.django_db(transaction=True)


def test_audience_table():
    assert audience(["new-911-call", "new-call", "newCall"]) == Role.OFFICER
    assert audience(["never-heard-of-it"]) == Role.OFFICER  # unlisted: officer+, fail-closed
    for name in ("new-announcement", "announcement-removed", "areaOfPlayUpdated", "aop-updated", "signal100"):
        assert audience([name]) == Role.CIVILIAN
    assert audience(["new-announcement", "new-bolo"]) == Role.OFFICER  # the strictest name wins
    assert EVENT_AUDIENCE["new-announcement"] == Role.CIVILIAN


# -- 1. role-gated delivery ------------------------------------------------------------------------
async def test_ws_civilian_gets_announcements_but_no_911_calls(ws, community, officer, civilian):
    cop = await ws(f"?token={jwt_for(officer)}")
    civ = await ws(f"?token={jwt_for(civilian)}")
    await cop.join(community.pk)
    await civ.join(community.pk)
    await publish_now(community.pk, "new-911-call", {"_id": "c1"}, aliases=("new-call",))
    for name in ("panic-button", "new-bolo", "warrant-created", "unitLocationUpdate", "unitLocations"):
        await publish_now(community.pk, name, {"unitId": "u1"})
    await publish_now(community.pk, "new-announcement", {"_id": "a1"})

    assert (await cop.next())["event"] == "new-911-call"
    frame = await civ.next()  # everything before the announcement was withheld
    assert (frame["event"], frame["data"]) == ("new-announcement", {"_id": "a1"})
    assert (await cop.until("new-announcement"))["data"] == {"_id": "a1"}


async def test_ws_civilian_requests_are_refused(ws, community, civilian, officer):
    civ = await ws(f"?token={jwt_for(civilian)}")
    for event in ("request-911-calls", "request-locations"):
        await civ.send(event, {"communityId": str(community.pk)})
        frame = await civ.next()
        assert frame["event"] == "error" and "Officer" in frame["data"]["message"], frame
    cop = await ws(f"?token={jwt_for(officer)}")
    await cop.send("request-911-calls", {"communityId": str(community.pk)})
    assert (await cop.next())["event"] == "current911Calls"


async def test_sio_civilian_gets_announcements_but_no_911_calls(application, community, officer, civilian):
    async with serve(application) as base:
        cop = await SioClient.connect(base, auth={"token": jwt_for(officer)})
        civ = await SioClient.connect(base, auth={"token": jwt_for(civilian)})
        await cop.join(community.pk)
        await civ.join(community.pk)
        await publish_now(community.pk, "new-911-call", {"_id": "c1"})
        await publish_now(community.pk, "panic-button", {"officerName": "x"})
        await publish_now(community.pk, "new-announcement", {"_id": "a1"})
        assert (await cop.next())[0] == "new-911-call"
        name, (payload, _meta) = await civ.next()
        assert (name, payload) == ("new-announcement", {"_id": "a1"})
        await civ.emit("request-911-calls", {"communityId": str(community.pk)})
        assert (await civ.next())[0] == "error"
        await cop.close()
        await civ.close()


async def test_sse_token_gets_everything_and_the_hub_filters_by_rank(application, community, api_token):
    connection = SseConnection(application, bearer(api_token))
    assert (await connection.start())["status"] == 200
    await connection.read_until("\n\n")
    await publish_now(community.pk, "new-911-call", {"_id": "a"}, sse=[("new_call", {"id": "a"})])
    assert "event: new_call" in await connection.read_until("\n\n")  # an API token acts as a supervisor
    await connection.close()

    from cad.realtime.sse import SseSubscriber

    hub = get_hub()
    low = SseSubscriber()
    await hub.join(str(community.pk), low, Role.CIVILIAN)
    message = {"type": "cad.event", "community": str(community.pk), "data": {}, "ts": "t", "seq": 9,
               "sse": [["new_call", {}]], "names": ["new-911-call"]}
    hub.dispatch(message)
    assert not low.outbox._normal
    await hub.leave(str(community.pk), low)


# -- 2. ownership of client actions ---------------------------------------------------------------
@pytest.fixture
def units(community, officer, dispatcher):
    from dispatch.models import Unit

    mine = Unit.objects.create(community=community, user=officer, name="1-Adam-12", external_id="game-1")
    theirs = Unit.objects.create(community=community, user=dispatcher, name="1-Adam-13", external_id="game-2")
    return mine, theirs


async def test_officer_detaches_only_their_own_unit(ws, community, officer, dispatcher, units):
    from calls.services import call_assign_unit, call_create

    mine, theirs = units

    def make_call():
        call = call_create(community=community, data=CallInput(call_type="Robbery", location="x"))
        call_assign_unit(call=call, unit=mine)
        return call_assign_unit(call=call, unit=theirs)

    call = await database_sync_to_async(make_call)()
    me = await ws(f"?token={jwt_for(officer)}")
    await me.join(community.pk)
    detach = {"communityId": str(community.pk), "callId": str(call.pk)}
    await me.send("unitDetachedFromCall", {**detach, "odId": str(theirs.pk)})
    frame = await me.next()
    assert frame["event"] == "error" and "own unit" in frame["data"]["message"]
    assert await database_sync_to_async(lambda: call.assignments.filter(unit=theirs).exists())()

    await me.send("unitDetachedFromCall", {**detach, "odId": str(mine.pk)})
    assert (await me.until("unitDetachedFromCall"))["data"]["callId"] == str(call.pk)


async def test_officer_reports_positions_only_for_their_own_unit(ws, community, officer, dispatcher, api_token,
                                                                 units):
    mine, theirs = units
    position = {"communityId": str(community.pk), "x": 1, "y": 2, "z": 3}
    me = await ws(f"?token={jwt_for(officer)}")
    await me.join(community.pk)
    for other in (str(theirs.pk), "game-2", "anything"):
        await me.send("unit-location-update", {**position, "unitId": other})
        frame = await me.next()
        assert frame["event"] == "error" and "own unit" in frame["data"]["message"], other
    for own in (str(mine.pk), "game-1"):
        await me.send("unit-location-update", {**position, "unitId": own})
        assert (await me.until("unit-location-updated"))["data"]["unitId"] == own

    for token in (jwt_for(dispatcher), api_token):  # dispatcher+ and API tokens: any unit
        other = await ws(f"?token={token}")
        await other.join(community.pk)
        await other.send("unit-location-update", {**position, "unitId": "game-9"})
        assert (await other.until("unit-location-updated"))["data"]["unitId"] == "game-9"
        await other.close()


# -- 3. revocation --------------------------------------------------------------------------------
@pytest.fixture
def fast_revalidation(settings):
    settings.REALTIME_REVALIDATE_SECONDS = 0.1


async def test_removed_membership_leaves_the_room(ws, community, officer, fast_revalidation):
    from cad.core.models import Membership

    client = await ws(f"?token={jwt_for(officer)}")
    await client.join(community.pk)
    await database_sync_to_async(lambda: Membership.objects.filter(user=officer, community=community).delete())()
    frame = await client.until("left-community")
    assert frame["data"] == {"communityId": str(community.pk), "reason": "access revoked"}
    assert get_hub().members(str(community.pk)) == frozenset()
    await publish_now(community.pk, "new-announcement", {"_id": "a"})
    await client.send("join-community", str(community.pk))
    assert (await client.next())["event"] == "error"  # nothing was delivered in between


async def test_downgraded_role_stops_officer_events(ws, community, officer, fast_revalidation):
    from cad.core.models import Membership

    client = await ws(f"?token={jwt_for(officer)}")
    await client.join(community.pk)
    await database_sync_to_async(lambda: Membership.objects.filter(user=officer, community=community).update(
        role=Role.CIVILIAN))()
    for _ in range(100):  # until a revalidation round has seen it
        await asyncio.sleep(0.05)
        if next(iter(get_hub()._members[str(community.pk)].values())) == Role.CIVILIAN.rank:
            break
    await publish_now(community.pk, "new-bolo", {"_id": "b"})
    await publish_now(community.pk, "new-announcement", {"_id": "a"})
    assert (await client.next())["event"] == "new-announcement"


async def test_deactivated_user_is_disconnected(ws, community, officer, fast_revalidation):
    from django.contrib.auth import get_user_model

    client = await ws(f"?token={jwt_for(officer)}")
    await client.join(community.pk)
    await database_sync_to_async(lambda: get_user_model().objects.filter(pk=officer.pk).update(is_active=False))()
    assert (await client.until("error"))["data"]["event"] == "auth"
    assert await client.ws.receive_output(5) == {"type": "websocket.close", "code": 4401}


async def test_expired_jwt_is_disconnected(ws, community, officer, fast_revalidation, monkeypatch):
    import time

    from cad.realtime import auth

    client = await ws(f"?token={jwt_for(officer)}")
    await client.join(community.pk)
    later = time.time() + 24 * 3600

    class Clock:
        @staticmethod
        def time() -> float:
            return later

    monkeypatch.setattr(auth, "time", Clock)
    assert (await client.until("error"))["data"]["event"] == "auth"
    assert await client.ws.receive_output(5) == {"type": "websocket.close", "code": 4401}


async def test_revoked_token_closes_its_sockets_at_once(ws, application, community, api_token, settings):
    from cad.core.models import ApiToken, hash_token
    from cad.core.services import token_revoke

    settings.REALTIME_REVALIDATE_SECONDS = 3600  # only the immediate path can close them
    client = await ws(f"?token={api_token}")
    await client.join(community.pk)
    stream = SseConnection(application, bearer(api_token))
    assert (await stream.start())["status"] == 200
    await stream.read_until("\n\n")
    async with serve(application) as base:
        sio = await SioClient.connect(base, auth={"token": api_token})
        await sio.join(community.pk)

        token = await database_sync_to_async(ApiToken.objects.get)(token_hash=hash_token(api_token))
        await database_sync_to_async(token_revoke)(token=token)

        assert (await client.until("error"))["data"]["event"] == "auth"
        assert await client.ws.receive_output(5) == {"type": "websocket.close", "code": 4401}
        with pytest.raises(SioConnectError):
            for _ in range(5):
                await sio.next()
        await asyncio.wait_for(stream.task, 5)  # the SSE stream ended
    assert get_hub().members(str(community.pk)) == frozenset()


async def test_deactivated_user_in_two_communities_is_dropped_from_both_once(
        ws, community, other_community, officer, fast_revalidation):
    from django.contrib.auth import get_user_model

    from cad.core.services import membership_set

    await database_sync_to_async(membership_set)(community=other_community, user=officer, role=Role.OFFICER)
    client = await ws(f"?token={jwt_for(officer)}")
    await client.join(community.pk)
    await client.join(other_community.pk)
    await database_sync_to_async(lambda: get_user_model().objects.filter(pk=officer.pk).update(is_active=False))()
    assert (await client.next())["data"]["event"] == "auth"
    assert await client.ws.receive_output(5) == {"type": "websocket.close", "code": 4401}  # one error, then close
    hub = get_hub()
    assert hub.members(str(community.pk)) == hub.members(str(other_community.pk)) == frozenset()
