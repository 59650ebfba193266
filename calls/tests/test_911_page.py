"""/911: a member calls 911 from the browser and follows the call's status."""

from __future__ import annotations

import pytest

from cad.core import services as core_services
from calls.choices import CallApproval, CallOrigin
from calls.models import Call
from characters.tests.factories import make_character


@pytest.fixture
def civ(client, civilian):
    client.force_login(civilian)
    return client


@pytest.fixture
def civ_char(community, civilian):
    return make_character(community, civilian, first="Carl", last="Civvy")


def test_call_911(civ, community, civilian, civ_char):
    r = civ.post("/911", {"location": "Legion Square", "postal": "7105", "description": "Shots fired"})
    assert r.status_code == 302
    call = Call.objects.for_community(community).get(location="Legion Square")
    assert (call.origin, call.created_by, call.approval, call.caller) == (
        CallOrigin.CALLER, civilian, CallApproval.NONE, "Carl Civvy")
    assert f"#{call.number}" in civ.get("/911/mine").content.decode()


def test_call_911_waits_for_approval_when_asked(civ, community):
    core_services.community_update(community=community, call911_approval=True)
    civ.post("/911", {"location": "Pier", "description": "Fight"})
    call = Call.objects.for_community(community).get(location="Pier")
    assert call.approval == CallApproval.PENDING
    assert "Awaiting approval" in civ.get("/911/mine").content.decode()


def test_bad_911_call_creates_nothing(civ, community):
    assert civ.post("/911", {"location": "", "description": "x"}).status_code == 400
    assert civ.post("/911", {"location": "x" * 300, "description": "x"}).status_code == 400
    assert not Call.objects.for_community(community).exists()


def test_my_calls_are_mine_only(civ, client, community, officer, other_community, outsider):
    civ.post("/911", {"location": "Mine", "description": "x"})
    client.force_login(officer)
    assert "Mine" not in client.get("/911/mine").content.decode()
    client.force_login(outsider)
    assert "Mine" not in client.get("/911").content.decode()


def test_signed_out_and_non_members(client, db):
    assert client.get("/911").status_code == 302
    lonely = core_services.user_ensure(username="lonely", password="pw")
    client.force_login(lonely)
    assert client.get("/911").status_code == 403
    assert client.post("/911", {"location": "x", "description": "y"}).status_code == 403


def test_my_calls_say_what_the_caller_may_know(civ, community, dispatcher):
    """Declined calls stay in the list (a declined call is archived at once); each status is words and a
    colour, the board's own words are not shown."""
    from calls import services

    core_services.community_update(community=community, call911_approval=True)
    civ.post("/911", {"location": "Pier", "description": "Fight"})
    civ.post("/911", {"location": "Docks", "description": "Prank"})
    pier = Call.objects.for_community(community).get(location="Pier")
    services.call_approve(call=pier, by=dispatcher)
    services.call_decline(call=Call.objects.for_community(community).get(location="Docks"), by=dispatcher)
    body = civ.get("/911/mine").content.decode()
    assert 'class="badge badge-warn" data-caller-status="received">Received, waiting for a unit<' in body
    assert 'class="badge badge-danger" data-caller-status="declined">Declined<' in body
    services.call_close(call=pier, by=dispatcher)
    assert 'data-caller-status="closed">Closed<' in civ.get("/911/mine").content.decode()
    page = civ.get("/911").content.decode()
    assert 'src="/static/calls/call_911.js"' in page and 'role="status" aria-label="Connection"' in page
