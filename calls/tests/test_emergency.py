"""002's POST /emergency/new_dispatch: body-keyed auth, plain-text answers, units by API id."""

from __future__ import annotations

import json

import pytest

from calls.models import Call
from calls.tests.conftest import names


def _post(client, body):
    return client.post("/emergency/new_dispatch", json.dumps(body), content_type="application/json")


def _dispatch(**overrides):
    return {"serverId": 1, "origin": 0, "status": 0, "priority": 1, "block": "123",
            "address": "4234 E. Example Ave", "postal": "456", "title": "Traffic Stop",
            "code": "10-39 - Traffic Stop", "primary": 123, "trackPrimary": True,
            "description": "Traffic Stop - Blue Sedan - XP123BS",
            "notes": [{"time": "12:00:00", "label": "A-10", "type": "text", "content": "This is a note!"}],
            "metaData": {"someKey": "someValue"}, "units": ["STEAM:110000100000abc"], **overrides}


def test_new_dispatch(client, community, api_token, unit, events, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, {"id": str(community.pk), "key": api_token, "type": "NEW_DISPATCH",
                                  "data": [_dispatch()]})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode() == "NEW DISPATCH CREATED - ID: 1"
    call = Call.objects.for_community(community).get(number=1)
    assert (call.origin, call.status, call.priority, call.location, call.block) == (
        "CALLER", "assigned", 1, "4234 E. Example Ave", "123")
    assert call.metadata == {"someKey": "someValue"}
    note = call.notes.get(kind="text")
    assert (note.label, note.text) == ("A-10", "This is a note!")
    assignment = call.assignments.get()
    assert assignment.unit == unit and assignment.is_primary
    assert "unitsAssignedTo911" in names(events)


def test_new_dispatch_several_with_unknown_units(client, community, api_token, unit):
    data = [_dispatch(units=["STEAM:110000100000abc", "STEAM:nobody"], origin=1, status=2),
            _dispatch(units=["discord:404"], priority=3)]
    response = _post(client, {"id": str(community.pk), "key": api_token, "type": "NEW_DISPATCH", "data": data})
    assert response.status_code == 200
    assert response.content.decode().splitlines() == [
        "NEW DISPATCH CREATED - ID: 1", "NEW DISPATCH CREATED - ID: 2", "UNKNOWN UNIT IDS: STEAM:nobody, discord:404"]
    first, second = Call.objects.for_community(community).order_by("number")
    assert (first.origin, first.status, first.closed_at is not None) == ("RADIO DISPATCH", "closed", True)
    assert (second.priority, second.status) == (3, "pending")


@pytest.mark.parametrize("change, status, text", [
    ({"key": "cad_wrong"}, 401, "INVALID API KEY"),
    ({"key": None}, 401, "INVALID API KEY"),
    ({"type": "UNIT_LOCATION"}, 400, "INVALID REQUEST TYPE"),
    ({"data": []}, 400, "INVALID DATA"),
    ({"data": [_dispatch(priority=7)]}, 400, "INVALID DISPATCH 0: priority"),
    ({"data": [_dispatch(), _dispatch(status=5)]}, 400, "INVALID DISPATCH 1: status"),
    ({"data": [_dispatch(origin=9)]}, 400, "INVALID DISPATCH 0: origin"),
    ({"data": [_dispatch(notes=[1])]}, 400, "INVALID DISPATCH: notes"),
    ({"data": [_dispatch(units="STEAM:1")]}, 400, "INVALID DISPATCH 0: units"),
])
def test_new_dispatch_errors_are_plain_text_and_create_nothing(client, community, api_token, change, status,
                                                               text):
    body = {"id": str(community.pk), "key": api_token, "type": "NEW_DISPATCH", "data": [_dispatch()], **change}
    response = _post(client, body)
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode().startswith(text)
    assert not Call.objects.for_community(community).exists()


def test_new_dispatch_long_title(client, community, api_token):
    response = _post(client, {"id": str(community.pk), "key": api_token, "type": "NEW_DISPATCH",
                              "data": [_dispatch(title="T" * 200, units=[])]})
    assert response.status_code == 200
    assert Call.objects.for_community(community).get().title == "T" * 200


def test_new_dispatch_malformed_json(client):
    response = client.post("/emergency/new_dispatch", "{nope", content_type="application/json")
    assert (response.status_code, response.content.decode()) == (400, "INVALID REQUEST BODY - EXPECTED JSON")
    assert client.get("/emergency/new_dispatch").status_code == 405


def test_new_dispatch_key_of_another_community(client, community, other_community, api_token, other_api_token):
    """A valid key with another community's id is refused: the key decides the community."""
    for key, community_id in ((api_token, other_community.pk), (other_api_token, community.pk)):
        response = _post(client, {"id": str(community_id), "key": key, "type": "NEW_DISPATCH",
                                  "data": [_dispatch()]})
        assert (response.status_code, response.content.decode()) == (401, "INVALID API KEY")
    assert not Call.objects.for_community(community).exists()
    assert not Call.objects.for_community(other_community).exists()
