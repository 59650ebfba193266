"""Sonoran's `/emergency/*` family and `/general/get_version` (issue 9), as the official Sonoran resource and
bridges send them: `{id, key, type, data[]}`, plain-text answers, FiveM's `[]` for an empty object."""

from __future__ import annotations

import json

import pytest

from calls.models import Call
from calls.tests.conftest import names
from dispatch.models import Unit

STEAM = "STEAM:110000100000abc"
BAD_ELEMENT = [{"callId": {}, "apiId": [], "units": "x", "caller": {}, "note": [], "status": "fast"}]


def _post(client, path, community, key, type_, data):
    body = {"id": str(community.pk), "key": key, "type": type_, "data": data}
    return client.post(path, json.dumps(body), content_type="application/json")


@pytest.fixture
def sonoran(client, community, api_token):
    def post(path, type_, data):
        return _post(client, path, community, api_token, type_, data)

    return post


def _text(response):
    assert response["Content-Type"].startswith("text/plain"), response.content
    return response.content.decode()


def test_get_version_at_start_up(sonoran, client, community, other_api_token):
    response = sonoran("/general/get_version", "GET_VERSION", [])
    assert (response.status_code, _text(response)) == (200, "3")
    refused = _post(client, "/general/get_version", community, other_api_token, "GET_VERSION", [])
    assert (refused.status_code, _text(refused)) == (401, "INVALID API KEY")
    assert client.get("/general/get_version").status_code == 405


def test_new_dispatch_with_lua_empty_table_metadata(sonoran, community):
    response = sonoran("/emergency/new_dispatch", "NEW_DISPATCH",
                       [{"title": "Traffic Stop", "address": "Route 68", "metaData": [], "notes": [], "units": []}])
    assert (response.status_code, _text(response)) == (200, "NEW DISPATCH CREATED - ID: 1")
    assert Call.objects.for_community(community).get().metadata == {}


def test_errors_name_fields_as_the_client_sent_them(sonoran, community):
    response = sonoran("/emergency/new_dispatch", "NEW_DISPATCH", [{"title": "x", "metaData": "nope"}])
    assert response.status_code == 400 and _text(response).startswith("INVALID DISPATCH 0: metaData:")
    response = sonoran("/emergency/attach_unit", "ATTACH_UNIT", [{"callId": "first", "units": [STEAM]}])
    assert response.status_code == 400 and _text(response).startswith("INVALID REQUEST 0: callId:")
    assert not Call.objects.for_community(community).exists()


def test_attach_and_detach_unit(sonoran, community, unit, make_call, as_, dispatcher):
    call = make_call(community)
    response = sonoran("/emergency/attach_unit", "ATTACH_UNIT", [{"serverId": 1, "callId": call.number,
                                                                  "units": [STEAM, "STEAM:nobody"]}])
    assert (response.status_code, _text(response)) == (200, "UNITS ATTACHED\nUNKNOWN UNIT IDS: STEAM:nobody")
    body = as_(dispatcher).get(f"/api/calls/{call.pk}").json()
    assert [u["unitName"] for u in body["assignedUnits"]] == ["1-Adam-12"]
    response = sonoran("/emergency/detach_unit", "DETACH_UNIT", [{"serverId": 1, "units": [STEAM]}])
    assert (response.status_code, _text(response)) == (200, "UNITS DETACHED")
    assert as_(dispatcher).get(f"/api/calls/{call.pk}").json()["assignedUnits"] == []


def test_attach_to_an_unknown_or_foreign_call_changes_nothing(sonoran, community, other_community, unit, make_call):
    foreign = make_call(other_community, by_user=None)
    mine = make_call(community)
    response = sonoran("/emergency/attach_unit", "ATTACH_UNIT",
                       [{"callId": mine.number, "units": [STEAM]}, {"callId": foreign.number + 99, "units": [STEAM]}])
    assert response.status_code == 400 and _text(response).startswith("INVALID CALL ID")
    assert not mine.assignments.exists()  # the whole request is one transaction


def test_call_911(sonoran, community, as_, dispatcher, events, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = sonoran("/emergency/call_911", "CALL_911", [{"serverId": 1, "isEmergency": True,
                                                               "caller": "John Doe", "location": "1234 E. Test St.",
                                                               "description": "Help, someone is breaking in!"}])
    assert (response.status_code, _text(response)) == (200, "EMERGENCY CALL ADDED ID: 1")
    board = as_(dispatcher).get("/api/dispatch/911").json()
    assert [(c["caller"], c["priority"], c["origin"]) for c in board] == [("John Doe", "high", "CALLER")]
    assert {"new911Call", "911Alert"} <= set(names(events))


def test_add_call_note_and_close_call(sonoran, community, make_call, as_, dispatcher):
    call = make_call(community)
    response = sonoran("/emergency/add_call_note", "ADD_CALL_NOTE", [{"serverId": 1, "callId": call.number,
                                                                      "note": "This is a test!"}])
    assert (response.status_code, _text(response)) == (200, f"NOTE 'This is a test!' added to call #{call.number}")
    assert as_(dispatcher).get(f"/api/calls/{call.pk}").json()["notes"][-1]["text"] == "This is a test!"
    response = sonoran("/emergency/close_call", "CLOSE_CALL", [{"serverId": 1, "callId": call.number}])
    assert (response.status_code, _text(response)) == (200, f"CALL #{call.number} CLOSED")
    assert as_(dispatcher).get(f"/api/calls/{call.pk}").json()["status"] == "closed"


def test_unit_status(sonoran, community, unit, as_, dispatcher):
    response = sonoran("/emergency/unit_status", "UNIT_STATUS ", [{"apiId": STEAM, "status": 4}])
    assert (response.status_code, _text(response)) == (200, "UNIT STATUS UPDATED")
    unit.refresh_from_db()
    assert unit.state == "on_scene"
    assert sonoran("/emergency/unit_status", "UNIT_STATUS", [{"apiId": STEAM, "status": 9}]).status_code == 400
    assert sonoran("/emergency/unit_status", "UNIT_STATUS", [{"apiId": "STEAM:nobody", "status": 2}]).status_code == 400
    unit.refresh_from_db()
    assert unit.state == "on_scene"


def test_unit_panic(sonoran, community, unit, events, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = sonoran("/emergency/unit_panic", "UNIT_PANIC", [{"apiId": STEAM, "isPanic": True}])
    assert (response.status_code, _text(response)) == (200, "UNIT PANIC UPDATED")
    panic = next(data for n, data in events if "panic-button" in n)
    assert panic["callsign"] == "1-Adam-12"
    call = Call.objects.for_community(community).get()
    assert call.priority == 1 and call.title.startswith("PANIC")
    # Releasing the button raises nothing new.
    assert sonoran("/emergency/unit_panic", "UNIT_PANIC", [{"apiId": STEAM, "isPanic": False}]).status_code == 200
    assert Call.objects.for_community(community).count() == 1


@pytest.mark.parametrize("path, type_", [
    ("/emergency/attach_unit", "ATTACH_UNIT"), ("/emergency/detach_unit", "DETACH_UNIT"),
    ("/emergency/call_911", "CALL_911"), ("/emergency/unit_panic", "UNIT_PANIC"),
    ("/emergency/unit_status", "UNIT_STATUS"), ("/emergency/add_call_note", "ADD_CALL_NOTE"),
    ("/emergency/close_call", "CLOSE_CALL"),
])
def test_every_operation_refuses_bad_keys_types_and_data(client, community, other_community, api_token,
                                                         other_api_token, path, type_, unit, make_call):
    call = make_call(community)
    before = (Call.objects.for_community(community).count(), Unit.objects.for_community(community).get().state)
    for key, cid in ((other_api_token, community.pk), ("cad_wrong", community.pk), (api_token, other_community.pk)):
        body = {"id": str(cid), "key": key, "type": type_, "data": [{"callId": call.number, "apiId": STEAM}]}
        response = client.post(path, json.dumps(body), content_type="application/json")
        assert (response.status_code, _text(response)) == (401, "INVALID API KEY")
    assert _post(client, path, community, api_token, "NEW_DISPATCH", [{}]).status_code == 400
    assert _post(client, path, community, api_token, type_, []).status_code == 400
    assert _post(client, path, community, api_token, type_, BAD_ELEMENT).status_code == 400
    assert client.post(path, "{nope", content_type="application/json").status_code == 400
    after = (Call.objects.for_community(community).count(), Unit.objects.for_community(community).get().state)
    assert before == after and not call.notes.filter(text="x").exists()
