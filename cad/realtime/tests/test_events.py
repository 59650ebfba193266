"""cad.events: numbering, the recent buffer, the async path, priority routing; the live-map coalescing."""

from __future__ import annotations

import threading

import pytest
from channels.db import database_sync_to_async

from cad import events as ev
from cad.realtime import hub as hubmod
from calls.inputs import CallInput

from .conftest import jwt_for, publish_now

pytestmark = pytest.mark.django_db(transaction=True)


def test_sequence_and_bounded_recent_buffer(community, monkeypatch):
    monkeypatch.setattr(ev, "RECENT_EVENTS", 3)
    for n in range(5):
        ev.publish(community.pk, "callUpdated", {"n": n}, sse=[("call_updated", {"n": n})])
    recent = ev.recent_events(community.pk, 0)
    assert [m["seq"] for m in recent] == [3, 4, 5]
    assert recent[-1]["data"] == {"n": 4} and recent[-1]["sse"] == [["call_updated", {"n": 4}]]
    assert [m["seq"] for m in ev.recent_events(community.pk, 4)] == [5]
    assert ev.recent_events(community.pk, 5) == []


def test_concurrent_publishers_get_distinct_consecutive_numbers(community):
    def burst():
        for _ in range(10):
            ev.publish(community.pk, "new-bolo", {})

    threads = [threading.Thread(target=burst) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [m["seq"] for m in ev.recent_events(community.pk, 0)] == list(range(1, 81))


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
    assert (first["seq"], second["seq"]) == (1, 2)


async def test_apublish_reaches_wrapped_send(community, events):
    await ev.apublish(community.pk, "unit-location-updated", {"unitId": "u"})
    assert events == [(("unit-location-updated",), {"unitId": "u"})]


async def test_positions_are_coalesced_once_per_interval(ws, community, dispatcher, monkeypatch):
    monkeypatch.setattr(hubmod, "COALESCE_SECONDS", 3600)  # one flush now, the next one not in this test
    every = await ws(f"?token={jwt_for(dispatcher)}")
    mapped = await ws(f"?token={jwt_for(dispatcher)}&positions=coalesced")
    await every.join(community.pk)
    await mapped.join(community.pk)

    await publish_now(community.pk, "unitLocationUpdate", {"unitId": "u1", "x": 1})  # flushed at once
    first = await mapped.next()
    assert first["event"] == "unitLocations"
    assert first["data"] == {"communityId": str(community.pk), "units": {"u1": {"unitId": "u1", "x": 1}},
                             "removed": []}

    await publish_now(community.pk, "unitLocationUpdate", {"unitId": "u1", "x": 2})
    await publish_now(community.pk, "unit-location-updated", {"unitId": "u2", "x": 3})
    await publish_now(community.pk, "unitLocationRemoved", {"unitId": "u3"})
    await publish_now(community.pk, "new-bolo", {"_id": "marker"})
    # The map socket gets no single positions (removals still come at once); the next coalesced
    # message waits for the interval.
    assert [(await mapped.next())["event"] for _ in range(2)] == ["unitLocationRemoved", "new-bolo"]
    names = [(await every.next())["event"] for _ in range(6)]
    assert names == ["unitLocationUpdate", "unitLocations", "unitLocationUpdate", "unit-location-updated",
                     "unitLocationRemoved", "new-bolo"]

    hub = hubmod.get_hub()
    hub._flush(str(community.pk))  # what the timer does when the interval is over
    batch = await mapped.next()
    assert batch["event"] == "unitLocations" and batch["seq"] == 4
    assert batch["data"]["units"] == {"u1": {"unitId": "u1", "x": 2}, "u2": {"unitId": "u2", "x": 3}}
    assert batch["data"]["removed"] == ["u3"]


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
