"""cad.events: numbering, the recent buffer, the async path, priority routing; the live-map coalescing."""

from __future__ import annotations

import threading

import pytest
from channels.db import database_sync_to_async

from cad import events as ev
from calls.inputs import CallInput

from .conftest import jwt_for, publish_now

pytestmark = pytest.mark.django_db(transaction=True)


def test_sequence_and_bounded_recent_buffer(community, monkeypatch):
    monkeypatch.setattr(ev, "RECENT_EVENTS", 3)
    for n in range(5):
        ev.publish(community.pk, "callUpdated", {"n": n}, sse=[("call_updated", {"n": n})])
    recent = ev.recent_events(community.pk, 0)
    first = recent[0]["seq"] - 2  # a community's counter starts at the clock (cad.events.seq_floor)
    assert [m["seq"] for m in recent] == [first + 2, first + 3, first + 4]
    assert recent[-1]["data"] == {"n": 4} and recent[-1]["sse"] == [["call_updated", {"n": 4}]]
    assert [m["seq"] for m in ev.recent_events(community.pk, first + 3)] == [first + 4]
    assert ev.recent_events(community.pk, first + 4) == []


def test_concurrent_publishers_get_distinct_consecutive_numbers(community):
    def burst():
        for _ in range(10):
            ev.publish(community.pk, "new-bolo", {})

    threads = [threading.Thread(target=burst) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seqs = [m["seq"] for m in ev.recent_events(community.pk, 0)]
    assert seqs == list(range(seqs[0], seqs[0] + 80))


def test_nothing_leaves_before_commit_or_after_rollback(community, events):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        ev.publish(community.pk, "new-bolo", {"_id": "rolled-back"})
        raise RuntimeError
    with transaction.atomic():
        ev.publish(community.pk, "new-bolo", {"_id": "kept"})
        assert events == []
    assert events == [(("new-bolo",), {"_id": "kept"})]


def test_priority_group():
    assert ev.Event("c", ("panic-button",), {}, 1, "t").group == "community-c.priority"
    assert ev.Event("c", ("new-bolo",), {}, 1, "t").group == "community-c"


async def test_apublish_is_delivered_and_numbered(ws, community, dispatcher):
    client = await ws(f"?token={jwt_for(dispatcher)}")
    await client.join(community.pk)
    await ev.apublish(community.pk, "unitLocationUpdate", {"unitId": "u1", "x": 1})
    await ev.apublish(community.pk, "panic-button", {"officerName": "x"})
    first, second = await client.until("unitLocationUpdate"), await client.until("panic-button")
    assert second["seq"] == first["seq"] + 1


async def test_apublish_reaches_wrapped_send(community, events):
    await ev.apublish(community.pk, "unit-location-updated", {"unitId": "u"})
    assert events == [(("unit-location-updated",), {"unitId": "u"})]


async def test_the_map_stream_takes_batches_whole_and_single_positions_at_once(ws, community, dispatcher):
    every = await ws(f"?token={jwt_for(dispatcher)}")
    mapped = await ws(f"?token={jwt_for(dispatcher)}&positions=coalesced")
    await every.join(community.pk)
    await mapped.join(community.pk)
    cid = str(community.pk)

    # What dispatch publishes once a second: one event whose parts are 003's single position events.
    await publish_now(cid, "unitLocations", {"communityId": cid, "units": {"u1": {"unitId": "u1", "x": 1},
                                                                          "u2": {"unitId": "u2", "x": 3}},
                                             "removed": []},
                      parts=[("unitLocationUpdate", {"unitId": "u1", "x": 1}),
                             ("unit-location-updated", {"unitId": "u2", "x": 3})])
    batch = await mapped.next()  # the map socket: the batch only
    seq = batch["seq"]
    assert batch["event"] == "unitLocations"
    assert batch["data"]["units"] == {"u1": {"unitId": "u1", "x": 1}, "u2": {"unitId": "u2", "x": 3}}
    frames = [await every.next() for _ in range(3)]  # every name: the batch, then each part, one seq
    assert [(f["event"], f["seq"]) for f in frames] == [("unitLocations", seq), ("unitLocationUpdate", seq),
                                                        ("unit-location-updated", seq)]
    assert [f["data"] for f in frames[1:]] == [{"unitId": "u1", "x": 1}, {"unitId": "u2", "x": 3}]

    # A position or a removal published on its own reaches the map stream at once (no second window).
    await publish_now(cid, "unitLocationUpdate", {"unitId": "u1", "x": 2})
    await publish_now(cid, "unitLocationRemoved", {"unitId": "u3"})
    await publish_now(cid, "new-bolo", {"_id": "marker"})
    got = [await mapped.next() for _ in range(4)]
    assert [(f["event"], f["seq"]) for f in got] == [("unitLocations", seq + 1), ("unitLocationRemoved", seq + 2),
                                                     ("unitLocations", seq + 2), ("new-bolo", seq + 3)]
    assert got[0]["data"] == {"communityId": cid, "units": {"u1": {"unitId": "u1", "x": 2}}, "removed": []}
    assert got[2]["data"] == {"communityId": cid, "units": {}, "removed": ["u3"]}
    names = [(await every.next())["event"] for _ in range(5)]
    assert names == ["unitLocationUpdate", "unitLocations", "unitLocationRemoved", "unitLocations", "new-bolo"]


def test_parts_reach_the_replay_buffer_only_through_data(community):
    ev.publish(community.pk, "unitLocations", {"communityId": str(community.pk), "units": {"u1": {"unitId": "u1"}},
                                               "removed": []}, parts=[("unitLocationUpdate", {"unitId": "u1"})])
    [message] = ev.recent_events(community.pk, 0)
    assert "parts" not in message and message["data"]["units"] == {"u1": {"unitId": "u1"}}


async def test_service_events_through_real_services(ws, community, dispatcher):
    """A service publishes inside its transaction: the socket gets it after the commit."""
    from calls.services import call_add_note, call_create

    client = await ws(f"?token={jwt_for(dispatcher)}")
    await client.join(community.pk)
    call = await database_sync_to_async(call_create)(community=community,
                                                     data=CallInput(call_type="Robbery", location="Vespucci"))
    new = await client.until("new-911-call")
    assert new["data"]["location"] == "Vespucci"
    assert (await client.until("911Alert"))["data"]["callType"] == "Robbery"
    await database_sync_to_async(call_add_note)(call=call, text="Suspect fled north", author_name="D1")
    note = await client.until("call-note-added")
    assert note["data"]["note"]["text"] == "Suspect fled north"
