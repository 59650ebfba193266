"""A client back from an outage (issue 14): `join-community {communityId, lastSeq}` sends the events it
missed that the recent buffer still holds and it may see, then `resync {communityId, lastSeq, seq,
replayed, complete}`; `complete: false` tells it to fetch the current state. Sequence numbers never go
backwards when the counter's store forgets it (a Redis without persistence, a restarted web process).
The same across a real Redis restart: tests/test_fault_redis.py."""

from __future__ import annotations

import asyncio
import json

import pytest
from channels.db import database_sync_to_async

from cad import events as ev

from .conftest import jwt_for, publish_now

pytestmark = pytest.mark.django_db(transaction=True)


async def _join(client, community, **data) -> None:
    await client.send("join-community", {"communityId": str(community.pk), **data})
    assert (await client.next())["event"] == "joined-community"


async def _seen_seq(ws, user, community) -> int:
    """What a client saw before it went away: one event, and its seq."""
    client = await ws(f"?token={jwt_for(user)}")
    await client.join(community.pk)
    await publish_now(community.pk, "callUpdated", {"n": 0})
    seq = (await client.until("callUpdated"))["seq"]
    await client.close()
    return seq


async def test_join_with_last_seq_replays_what_was_missed_then_says_complete(ws, community, dispatcher):
    last = await _seen_seq(ws, dispatcher, community)
    for n in (1, 2):  # while the client was away
        await publish_now(community.pk, "callUpdated", {"n": n})
    client = await ws(f"?token={jwt_for(dispatcher)}")
    await _join(client, community, lastSeq=last)
    missed = [await client.next(), await client.next()]
    assert [(f["event"], f["data"], f["seq"]) for f in missed] == [
        ("callUpdated", {"n": 1}, last + 1), ("callUpdated", {"n": 2}, last + 2)]
    resync = await client.next()
    assert resync["event"] == "resync"
    assert resync["data"] == {"communityId": str(community.pk), "lastSeq": last, "seq": last + 2,
                              "replayed": 2, "complete": True}
    await publish_now(community.pk, "callUpdated", {"n": 3})  # then the live stream, nothing twice
    assert (await client.next())["seq"] == last + 3


async def test_nothing_missed_is_said_too(ws, community, dispatcher):
    last = await _seen_seq(ws, dispatcher, community)
    client = await ws(f"?token={jwt_for(dispatcher)}")
    await _join(client, community, lastSeq=last)
    resync = await client.next()
    assert resync["event"] == "resync" and resync["data"]["replayed"] == 0 and resync["data"]["complete"] is True


async def test_more_missed_than_kept_says_fetch_the_state(ws, community, dispatcher, monkeypatch):
    monkeypatch.setattr(ev, "RECENT_EVENTS", 2)
    last = await _seen_seq(ws, dispatcher, community)
    for n in range(1, 5):
        await publish_now(community.pk, "callUpdated", {"n": n})
    client = await ws(f"?token={jwt_for(dispatcher)}")
    await _join(client, community, lastSeq=last)
    frames = [await client.next() for _ in range(3)]
    assert [f["data"].get("n") for f in frames[:2]] == [3, 4]  # what is still kept, in order
    assert frames[2]["event"] == "resync" and frames[2]["data"]["complete"] is False
    assert frames[2]["data"]["seq"] == last + 4


async def test_replay_respects_the_audience(ws, community, civilian, dispatcher):
    last = await _seen_seq(ws, dispatcher, community)
    await publish_now(community.pk, "callUpdated", {"n": 1})  # officer+
    await publish_now(community.pk, "new-announcement", {"title": "Hi"})  # everyone
    client = await ws(f"?token={jwt_for(civilian)}")
    await _join(client, community, lastSeq=last)
    first = await client.next()
    assert first["event"] == "new-announcement"
    resync = await client.next()
    assert resync["event"] == "resync" and resync["data"]["replayed"] == 1 and resync["data"]["complete"] is True


async def test_a_bad_last_seq_is_refused(ws, community, dispatcher):
    client = await ws(f"?token={jwt_for(dispatcher)}")
    for bad in ("12", -1, 1.5, True, 2**60):
        await client.send("join-community", {"communityId": str(community.pk), "lastSeq": bad})
        frame = await client.next()
        assert frame["event"] == "error" and "lastSeq" in frame["data"]["message"], (bad, frame)


async def test_a_forgotten_counter_starts_above_every_earlier_number(ws, community, dispatcher, settings):
    """The counter's store loses it (a Redis restart without persistence; the embedded web process
    restarting): the next number is still higher, so a client sees a gap, and its resync is incomplete."""
    last = await _seen_seq(ws, dispatcher, community)

    def forget() -> None:
        store = ev._store()
        if isinstance(store, ev._RedisStore):
            store.client.delete(*store._keys(str(community.pk)))
        else:
            store._state.get().pop(str(community.pk), None)

    # A restarted store starts again from the clock in milliseconds (events.seq_floor): one forgotten within
    # the same millisecond as the counter's start would number from there; no restart is that quick.
    await asyncio.sleep(0.02)
    await database_sync_to_async(forget)()
    await publish_now(community.pk, "callUpdated", {"n": 1})
    assert [m["seq"] for m in await database_sync_to_async(ev.recent_events)(community.pk, 0)][0] > last + 1
    client = await ws(f"?token={jwt_for(dispatcher)}")
    await _join(client, community, lastSeq=last)
    frames = [await client.next(), await client.next()]
    assert frames[0]["data"] == {"n": 1} and frames[0]["seq"] > last + 1
    assert frames[1]["event"] == "resync" and frames[1]["data"]["complete"] is False, json.dumps(frames)
