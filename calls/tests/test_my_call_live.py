"""`my-911-call-updated` reaches the caller and nobody else, on every transport: not another civilian
of the same community, not the officers and dispatchers working the call, not a game server's token,
not a member of another community (real sockets on a real server)."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from announcements.events import removed_payload
from cad.core import services as core_services
from cad.core.choices import Role
from cad.realtime.testing import SioClient, WsClient, serve
from cad.realtime.tests.conftest import application, jwt_for, publish_now  # noqa: F401  (a fixture)
from calls import services
from calls.choices import CallOrigin
from calls.inputs import CallInput
from dispatch.models import Unit

# Its own layers and hub (its server runs on this test's event loop); those in use before are put back after.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_hub")]

EVENT = "my-911-call-updated"


@pytest.fixture(autouse=True)
def _strict(_strict_event_payloads):
    """The payloads here are the real builders': held to their declarations."""


def _file_call(community, user):
    return services.call_create(community=community, by_user=user, data=CallInput(
        title="911 call", location="Legion Square", description="Shots fired", origin=CallOrigin.CALLER,
        caller="Carl Civvy"))


async def _sentinel(*community_ids) -> None:
    """A civilian-audience event after the others: a socket's next frame being this one proves that
    nothing was sent to it before."""
    for community_id in community_ids:
        await publish_now(community_id, "announcement-removed", removed_payload("sentinel"))


async def _frames_until_sentinel(client) -> list[dict]:
    frames = []
    while True:
        frame = await client.next()
        if frame["event"] == "announcement-removed":
            return frames
        frames.append(frame)


async def test_the_caller_alone_follows_the_call(application, community, other_community, civilian, officer,  # noqa: F811
                                                 dispatcher, outsider, api_token, django_user_model):
    neighbour = await database_sync_to_async(core_services.user_ensure)(username="neighbour", password="pw-neighbour")
    await database_sync_to_async(core_services.membership_set)(community=community, user=neighbour, role=Role.CIVILIAN)
    unit = await database_sync_to_async(Unit.objects.create)(community=community, user=officer, name="1-A-12",
                                                             on_duty=True)
    async with serve(application) as base:
        caller = await WsClient.connect(base, f"?token={jwt_for(civilian)}")
        caller_sio = await SioClient.connect(base, auth={"token": jwt_for(civilian)})
        others = {
            "neighbour": await WsClient.connect(base, f"?token={jwt_for(neighbour)}"),
            "officer": await WsClient.connect(base, f"?token={jwt_for(officer)}"),
            "dispatcher": await WsClient.connect(base, f"?token={jwt_for(dispatcher)}"),
            "game server": await WsClient.connect(base, f"?token={api_token}"),
        }
        stranger = await WsClient.connect(base, f"?token={jwt_for(outsider)}")
        for client in (caller, caller_sio, *others.values()):
            await client.join(community.pk)
        await stranger.join(other_community.pk)

        call = await database_sync_to_async(_file_call)(community, civilian)
        await database_sync_to_async(services.call_assign_units)(call=call, units=[unit], by=dispatcher)
        await database_sync_to_async(services.call_close)(call=call, by=dispatcher, disposition="Report taken")
        await _sentinel(community.pk, other_community.pk)

        mine = [f for f in await _frames_until_sentinel(caller) if f["event"] == EVENT]
        assert [(f["data"]["callId"], f["data"]["status"], f["data"]["statusLabel"], f["data"]["tone"])
                for f in mine] == [(str(call.pk), "assigned", "Unit assigned", "ok"),
                                   (str(call.pk), "closed", "Closed", "muted")]
        assert mine[0]["data"]["userId"] == str(civilian.pk) and mine[0]["seq"] < mine[1]["seq"]
        sio_names = []
        while (name := (await caller_sio.next())[0]) != "announcement-removed":
            sio_names.append(name)
        assert sio_names.count(EVENT) == 2
        for who, client in others.items():
            assert EVENT not in {f["event"] for f in await _frames_until_sentinel(client)}, who
        assert await _frames_until_sentinel(stranger) == []

        # A socket that comes back and asks for what it missed is replayed only what it may see.
        late = await WsClient.connect(base, f"?token={jwt_for(neighbour)}")
        await late.send("join-community", {"communityId": str(community.pk), "lastSeq": mine[0]["seq"] - 1})
        replayed = []
        while (frame := await late.next())["event"] != "resync":
            replayed.append(frame["event"])
        assert EVENT not in replayed and "announcement-removed" in replayed
        again = await WsClient.connect(base, f"?token={jwt_for(civilian)}")
        await again.send("join-community", {"communityId": str(community.pk), "lastSeq": mine[0]["seq"] - 1})
        replayed = []
        while (frame := await again.next())["event"] != "resync":
            replayed.append(frame["event"])
        assert replayed.count(EVENT) == 2
        for client in (caller, caller_sio, *others.values(), stranger, late, again):
            await client.close()


async def test_approval_and_decline_reach_the_caller(application, community, civilian, dispatcher):  # noqa: F811
    await database_sync_to_async(core_services.community_update)(community=community, call911_approval=True)

    def file_waiting():
        return services.call_create(community=community, by_user=civilian, awaiting_approval=True, data=CallInput(
            title="911 call", location="Pier", description="Fight", origin=CallOrigin.CALLER))

    async with serve(application) as base:
        caller = await WsClient.connect(base, f"?token={jwt_for(civilian)}")
        await caller.join(community.pk)
        first = await database_sync_to_async(file_waiting)()
        second = await database_sync_to_async(file_waiting)()
        await database_sync_to_async(services.call_approve)(call=first, by=dispatcher)
        await database_sync_to_async(services.call_decline)(call=second, by=dispatcher, reason="Prank")
        await _sentinel(community.pk)
        seen = [(f["data"]["callId"], f["data"]["status"], f["data"]["tone"])
                for f in await _frames_until_sentinel(caller) if f["event"] == EVENT]
        assert seen == [(str(first.pk), "received", "warn"), (str(second.pk), "declined", "danger")]
        await caller.close()


def test_calls_without_a_caller_account_tell_nobody(community, dispatcher, api_token, events,
                                                   django_capture_on_commit_callbacks):
    """A game server's 911 call has no caller account; a board call (not 911) has no caller at all."""
    with django_capture_on_commit_callbacks(execute=True):
        token_call = services.call_create(community=community, by_user=None, data=CallInput(
            title="911", location="Route 68", origin=CallOrigin.CALLER))
        board_call = services.call_create(community=community, by_user=dispatcher, data=CallInput(
            title="MVA", location="Route 68", origin=CallOrigin.RADIO_DISPATCH))
        for call in (token_call, board_call):
            services.call_close(call=call, by=dispatcher)
    assert not [names for names, _data in events if EVENT in names]
