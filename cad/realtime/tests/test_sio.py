"""Socket.IO v4 at /socket.io/: same auth, rooms, client events and server events as /ws."""

from __future__ import annotations

import asyncio

import pytest

from cad.realtime.hub import get_hub
from cad.realtime.testing import SioClient, SioConnectError, serve

from .conftest import jwt_for, publish_now, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
async def base(application):
    async with serve(application) as url:
        yield url


async def test_handshake_token_join_and_aliases_as_separate_events(base, community, dispatcher):
    client = await SioClient.connect(base, auth={"token": jwt_for(dispatcher)})
    joined = await client.join(community.pk)
    assert joined[0] == {"communityId": str(community.pk)}

    await publish_now(community.pk, "new-911-call", {"_id": "c1", "callType": "Robbery"},
                      aliases=("new-call", "newCall"))
    events = [await client.next() for _ in range(3)]
    assert [name for name, _ in events] == ["new-911-call", "new-call", "newCall"]
    for _, (payload, meta) in events:
        assert payload == {"_id": "c1", "callType": "Robbery"}
        assert meta["seq"] >= 1 and meta["ts"].endswith("Z")
    await client.close()


async def test_bad_token_is_refused_and_anonymous_gets_nothing(base, community):
    with pytest.raises(SioConnectError):
        await SioClient.connect(base, auth={"token": "nope"})
    anonymous = await SioClient.connect(base)
    await anonymous.emit("join-community", str(community.pk))
    name, args = await anonymous.next()
    assert name == "error" and args[0]["event"] == "join-community"
    await anonymous.close()


async def test_session_cookie_and_origin(base, community, dispatcher):
    cookie = await session_cookie(dispatcher)
    with pytest.raises(SioConnectError):
        await SioClient.connect(base, headers={"Cookie": cookie, "Origin": "https://evil.example"})
    client = await SioClient.connect(base, headers={"Cookie": cookie, "Origin": "http://localhost"})
    await client.join(community.pk)
    await client.close()


async def test_api_token_only_its_own_community(base, community, other_community, api_token):
    client = await SioClient.connect(base, auth={"token": api_token})
    await client.emit("join-community", str(other_community.pk))
    assert (await client.next())[0] == "error"
    await client.join(community.pk)
    await client.close()


async def test_member_of_b_never_receives_a_events(base, community, other_community, dispatcher, outsider):
    a = await SioClient.connect(base, auth={"token": jwt_for(dispatcher)})
    b = await SioClient.connect(base, auth={"token": jwt_for(outsider)})
    await a.join(community.pk)
    await b.join(other_community.pk)
    await b.emit("join-community", str(community.pk))
    assert (await b.next())[0] == "error"

    await publish_now(community.pk, "panic-button", {"officerName": "A"})
    await publish_now(community.pk, "new-bolo", {"_id": "bolo-a"})
    await publish_now(other_community.pk, "new-bolo", {"_id": "bolo-b"})
    name, (payload, _meta) = await b.next()  # B's first event is B's own
    assert (name, payload) == ("new-bolo", {"_id": "bolo-b"})
    assert sorted([(await a.next())[0] for _ in range(2)]) == ["new-bolo", "panic-button"]
    await a.close()
    await b.close()


async def test_requests_and_disconnect_cleanup(base, community, officer, dispatcher):
    from channels.db import database_sync_to_async

    from dispatch.models import Unit

    await database_sync_to_async(Unit.objects.create)(community=community, user=officer, name="2-Lincoln-30",
                                                      external_id="officer-77")
    reporter = await SioClient.connect(base, auth={"token": jwt_for(officer)})
    watcher = await SioClient.connect(base, auth={"token": jwt_for(dispatcher)})
    await reporter.join(community.pk)
    await watcher.join(community.pk)
    await reporter.emit("unit-location-update", {
        "communityId": str(community.pk), "unitId": "officer-77", "unitName": "2-Lincoln-30",
        "x": 10.5, "y": -20.25, "z": 30, "heading": 90,
    })
    update = await watcher.until("unit-location-updated")
    assert update[0]["unitId"] == "officer-77"
    await watcher.emit("request-locations", {"communityId": str(community.pk)})
    assert set((await watcher.until("currentLocations"))[0]) == {"officer-77"}
    await watcher.emit("request-911-calls", {"communityId": str(community.pk)})
    assert (await watcher.until("current911Calls"))[0] == []

    await reporter.close()
    assert (await watcher.until("unitLocationRemoved"))[0]["unitId"] == "officer-77"
    # The reporter left its room before its units were removed: only the watcher is left.
    assert len(get_hub().members(str(community.pk))) == 1
    await watcher.close()


async def test_a_socket_that_falls_too_far_behind_is_disconnected(base, community, dispatcher, monkeypatch):
    """Frames are written straight to the connection (cad.realtime.wire): a client that stops reading
    fills the kernel's buffers, then the transport's; past `MAX_BUFFERED` bytes it is disconnected."""
    from websockets.exceptions import ConnectionClosed

    from cad.realtime import wire

    monkeypatch.setattr(wire, "MAX_BUFFERED", 256 * 1024)
    client = await SioClient.connect(base, auth={"token": jwt_for(dispatcher)}, max_queue=4)
    await client.join(community.pk)
    hub = get_hub()
    (session,) = hub.members(str(community.pk))
    assert session.direct is not None
    message = {"type": "cad.event", "community": str(community.pk), "data": {"pad": "x" * 100_000}, "ts": "t",
               "sse": []}
    for seq in range(1, 200):  # 20 MB while the client reads nothing
        hub.dispatch(message | {"names": ["unitLocationUpdate"], "seq": seq})
        await asyncio.sleep(0)
    assert session.direct.overflowed
    received = 0
    with pytest.raises((SioConnectError, ConnectionClosed)):
        for _ in range(200):
            await client.next()
            received += 1
    assert received < 199
    assert not hub.members(str(community.pk))


class _CountingTransport:
    """The connection's transport, counting its writes (what each is a system call for)."""

    def __init__(self, transport):
        self.transport = transport
        self.writes = 0

    def write(self, data):
        self.writes += 1
        self.transport.write(data)

    def __getattr__(self, name):
        return getattr(self.transport, name)


async def test_an_event_of_five_names_is_one_write_per_socket(base, community, dispatcher):
    """A new 911 call is five Socket.IO events on every socket: its five frames leave in one write (the
    same bytes, joined once per event), in order, each a whole Socket.IO event."""
    clients = [await SioClient.connect(base, auth={"token": jwt_for(dispatcher)}) for _ in range(3)]
    for client in clients:
        await client.join(community.pk)
    counters = []
    for session in get_hub().members(str(community.pk)):
        assert session.direct is not None
        session.direct.transport = _CountingTransport(session.direct.transport)
        counters.append(session.direct.transport)
    await publish_now(community.pk, "new-911-call", {"_id": "c1", "callType": "Robbery"},
                      aliases=("new-call", "newCall", "new911Call", "911Alert"))
    for client in clients:
        events = [await client.next() for _ in range(5)]
        assert [name for name, _ in events] == ["new-911-call", "new-call", "newCall", "new911Call", "911Alert"]
        assert all(payload == {"_id": "c1", "callType": "Robbery"} for _, (payload, _meta) in events)
        await client.close()
    assert [counter.writes for counter in counters] == [1, 1, 1]
