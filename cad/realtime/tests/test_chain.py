"""`prev` on /ws frames: a socket that gets only some of its community's events can tell a missed one
from an event it was never meant to get (hub module doc). Real sockets on uvicorn (the direct-write
path) unless a test needs the queued one."""

from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async

from cad.core import services
from cad.core.choices import Role
from cad.events import current_seq
from cad.realtime import hub as hubmod
from cad.realtime.hub import get_hub
from cad.realtime.testing import SioClient, WsClient, serve

from .conftest import jwt_for, publish_now

pytestmark = pytest.mark.django_db(transaction=True)

OTHERS = ("call-note-added", "new-bolo", "unitLocationUpdate", "unitLocations", "warrant-created",
          "unit-status-updated", "new-announcement")


@pytest.fixture
async def base(application):
    async with serve(application) as url:
        yield url


async def join(client: WsClient, community_id, **data) -> dict:
    await client.send("join-community", {"communityId": str(community_id), **data})
    return await client.until("joined-community")


def missed(frames: list[dict]) -> list[dict]:
    """The frames on which live.js's rule (`prev` above the last seq received) sees a gap."""
    last, gaps = None, []
    for frame in frames:
        if "prev" not in frame:
            continue
        if (frame["prev"] > last) if last is not None else (frame["prev"] >= frame["seq"]):
            gaps.append(frame)
        last = frame["seq"] if last is None else max(last, frame["seq"])
    return gaps


async def test_a_socket_that_asked_for_new_call_sees_no_gap_between_calls(base, community, dispatcher):
    board = await WsClient.connect(base, f"?token={jwt_for(dispatcher)}")
    everything = await WsClient.connect(base, f"?token={jwt_for(dispatcher)}")
    await join(board, community.pk, events=["new-call"])
    await join(everything, community.pk)

    for n in range(3):
        await publish_now(community.pk, "new-911-call", {"_id": f"c{n}"},
                          aliases=("new-call", "newCall", "new911Call", "911Alert"))
        for name in OTHERS:
            await publish_now(community.pk, name, {"unitId": "u1", "callId": f"c{n}"})
    frames = [await board.next() for _ in range(3)]
    assert [(f["event"], f["data"]["_id"]) for f in frames] == [("new-call", f"c{n}") for n in range(3)]
    seqs = [f["seq"] for f in frames]
    assert seqs[1] > seqs[0] + len(OTHERS) and seqs[2] > seqs[1] + len(OTHERS)  # seqs skip: others were withheld
    assert [f["prev"] for f in frames[1:]] == seqs[:2]  # each call names the one before it
    assert missed(frames) == []

    # A socket that takes every name: one frame per name, each event naming the event before it.
    frames = [await everything.next() for _ in range(3 * (5 + len(OTHERS)) + 3)]  # unitLocationUpdate folds
    assert missed(frames) == []
    events: dict[int, set[int]] = {}
    for frame in frames:
        events.setdefault(frame["seq"], set()).add(frame["prev"])
    # Every name of an event has one prev; a position's folded `unitLocations` (same seq) follows it, so
    # it names the position itself.
    assert all(len(prevs - {seq}) == 1 for seq, prevs in events.items())
    order = sorted(events)
    assert [min(events[seq]) for seq in order[1:]] == order[:-1]
    await board.close()
    await everything.close()


async def test_a_missed_event_of_the_socket_is_a_gap(base, community, dispatcher):
    board = await WsClient.connect(base, f"?token={jwt_for(dispatcher)}")
    await join(board, community.pk, events=["new-call"])
    for n in range(3):
        await publish_now(community.pk, "new-911-call", {"_id": f"c{n}"}, aliases=("new-call",))
        await publish_now(community.pk, "new-bolo", {"_id": f"b{n}"})
    first, second, third = [await board.next() for _ in range(3)]
    assert missed([first, second, third]) == []
    assert missed([first, third]) == [third]  # the client that lost the second call notices it
    await board.close()


async def test_events_the_hub_never_received_make_every_socket_resync(base, community, dispatcher, monkeypatch):
    """A layer message that never reaches the hub (dropped by the layer): once it is overdue, the next
    event of each class reports the loss (prev = its own seq); a message that is only late does not."""
    board = await WsClient.connect(base, f"?token={jwt_for(dispatcher)}")
    await join(board, community.pk, events=["new-call"])
    quiet = await WsClient.connect(base, f"?token={jwt_for(dispatcher)}")  # nothing for it before the loss
    await join(quiet, community.pk, events=["new-announcement"])
    hub = get_hub()
    message = {"type": "cad.event", "community": str(community.pk), "data": {"_id": "c"}, "ts": "t", "sse": []}
    hub.dispatch(message | {"names": ["new-call"], "seq": 100})
    hub.dispatch(message | {"names": ["new-call"], "seq": 102})  # 101 is late (another process)...
    hub.dispatch(message | {"names": ["new-bolo"], "seq": 101})  # ...and arrives: not a loss
    monkeypatch.setattr(hubmod, "GAP_GRACE_SECONDS", 0.0)
    hub.dispatch(message | {"names": ["new-bolo"], "seq": 104})  # 103 never comes
    hub.dispatch(message | {"names": ["new-call"], "seq": 105})
    hub.dispatch(message | {"names": ["new-call"], "seq": 106})
    frames = [await board.next() for _ in range(4)]
    assert [(f["seq"], f["prev"]) for f in frames] == [(100, 0), (102, 100), (105, 105), (106, 105)]
    assert missed(frames) == [frames[2]]
    hub.dispatch(message | {"names": ["new-announcement"], "seq": 107})
    hub.dispatch(message | {"names": ["new-announcement"], "seq": 108})
    frames = [await quiet.next() for _ in range(2)]
    assert [(f["seq"], f["prev"]) for f in frames] == [(107, 107), (108, 107)]
    assert missed(frames) == [frames[0]]

    # A numbering restart (Redis lost its counters: the next number is far above) is reported at once.
    monkeypatch.setattr(hubmod, "GAP_GRACE_SECONDS", 60.0)
    hub.dispatch(message | {"names": ["new-call"], "seq": 10_000_000})
    assert (await board.next())["prev"] == 10_000_000
    await board.close()
    await quiet.close()


async def test_withheld_and_personal_events_are_no_gap_for_others(base, community, officer, civilian):
    def second_civilian():
        user = services.user_ensure(username="civilian_b", password="pw-civilian-b")
        services.membership_set(community=community, user=user, role=Role.CIVILIAN)
        return user

    other = await database_sync_to_async(second_civilian)()
    cop = await WsClient.connect(base, f"?token={jwt_for(officer)}")
    caller = await WsClient.connect(base, f"?token={jwt_for(civilian)}")
    bystander = await WsClient.connect(base, f"?token={jwt_for(other)}")
    for client in (cop, caller, bystander):
        await join(client, community.pk)

    await publish_now(community.pk, "new-announcement", {"_id": "a1"})
    await publish_now(community.pk, "new-911-call", {"_id": "c1"})  # officers only
    await publish_now(community.pk, "my-911-call-updated", {"userId": str(civilian.pk), "callId": "c1"})
    await publish_now(community.pk, "new-bolo", {"_id": "b1"})  # officers only
    await publish_now(community.pk, "new-announcement", {"_id": "a2"})

    caller_frames = [await caller.next() for _ in range(3)]
    assert [f["event"] for f in caller_frames] == ["new-announcement", "my-911-call-updated", "new-announcement"]
    bystander_frames = [await bystander.next() for _ in range(2)]
    assert [f["data"]["_id"] for f in bystander_frames] == ["a1", "a2"]
    cop_frames = [await cop.next() for _ in range(4)]
    assert [f["event"] for f in cop_frames] == ["new-announcement", "new-911-call", "new-bolo", "new-announcement"]
    for frames in (caller_frames, bystander_frames, cop_frames):
        assert missed(frames) == []
    a1, personal, a2 = caller_frames
    assert personal["prev"] == a1["seq"] and a2["prev"] == a1["seq"]  # the personal event moved no chain
    assert bystander_frames[1]["prev"] == a1["seq"]
    for client in (cop, caller, bystander):
        await client.close()


async def test_map_sockets_chain_the_coalesced_stream(base, community, dispatcher):
    map_socket = await WsClient.connect(base, f"?token={jwt_for(dispatcher)}&positions=coalesced")
    await join(map_socket, community.pk)
    for n in range(3):
        await publish_now(community.pk, "unitLocationUpdate", {"unitId": f"u{n}"})  # folded: one frame each
        await publish_now(community.pk, "unitLocations", {"units": {}, "removed": []},
                          parts=[("unitLocationUpdate", {"unitId": "u9"})])
    frames = [await map_socket.next() for _ in range(6)]
    assert {f["event"] for f in frames} == {"unitLocations"}
    assert missed(frames) == [] and frames[0]["prev"] == 0
    await map_socket.close()


async def test_a_join_replay_is_one_chain_with_the_live_events(ws, community, dispatcher):
    """`join-community` with `lastSeq`: the replayed frames chain from `lastSeq`, the live ones after them."""
    await publish_now(community.pk, "new-911-call", {"_id": "c0"}, aliases=("new-call",))
    last = await database_sync_to_async(current_seq)(community.pk)
    for n in range(1, 3):
        await publish_now(community.pk, "new-911-call", {"_id": f"c{n}"}, aliases=("new-call",))
        await publish_now(community.pk, "new-bolo", {"_id": f"b{n}"})
    client = await ws(f"?token={jwt_for(dispatcher)}")
    await client.send("join-community", {"communityId": str(community.pk), "events": ["new-call"], "lastSeq": last})
    assert (await client.next())["event"] == "joined-community"
    replayed = [await client.next() for _ in range(2)]
    assert [f["data"]["_id"] for f in replayed] == ["c1", "c2"]
    assert replayed[0]["prev"] == last and replayed[1]["prev"] == replayed[0]["seq"]
    resync = await client.next()
    assert resync["event"] == "resync" and resync["data"]["complete"] and "prev" not in resync
    await publish_now(community.pk, "new-bolo", {"_id": "b3"})
    await publish_now(community.pk, "new-911-call", {"_id": "c3"}, aliases=("new-call",))
    live = await client.next()
    assert live["data"]["_id"] == "c3"
    assert missed([{"seq": last, "prev": 0}, *replayed, live]) == []


async def test_socketio_frames_are_unchanged(base, community, dispatcher):
    """003's clients: `42[name, payload, {seq, ts}]`, byte for byte; no `prev`."""
    client = await SioClient.connect(base, auth={"token": jwt_for(dispatcher)})
    await client.join(community.pk)
    await publish_now(community.pk, "new-911-call", {"_id": "c1", "note": "é"}, aliases=("new-call",))
    raws = [await client._recv_raw() for _ in range(2)]
    meta = json.loads(raws[0][2:])[2]
    assert raws == [
        f'42["{name}",{{"_id":"c1","note":"é"}},{{"seq":{meta["seq"]},"ts":"{meta["ts"]}"}}]'
        for name in ("new-911-call", "new-call")
    ]
    await client.close()
