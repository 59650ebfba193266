"""000 §1: /api/calls — success, bad input, another community's call, role."""

from __future__ import annotations

import pytest

from calls.models import Call
from calls.tests.conftest import names


def _count(community) -> int:
    return Call.objects.for_community(community).count()


# --- create ---------------------------------------------------------------------------------------

def test_create_call(as_, dispatcher, community, events, django_capture_on_commit_callbacks):
    body = {"callType": "Suspicious Activity", "location": "1200 Oak Avenue", "communityId": str(community.pk),
            "caller": "Anonymous", "description": "Person looking into car windows", "priority": "normal",
            "postal": "221"}
    with django_capture_on_commit_callbacks(execute=True):
        response = as_(dispatcher).post("/api/calls", body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    call = data["call"]
    assert data["success"] is True
    assert call["_id"] == call["id"] and call["communityId"] == str(community.pk)
    assert (call["callType"], call["location"], call["status"], call["priority"]) == (
        "Suspicious Activity", "1200 Oak Avenue", "pending", "normal")
    assert call["callNumber"] == 1 and call["incidentNumber"].endswith("-000001")
    assert call["callTypeId"] is not None  # matched the configured "Suspicious Activity"
    assert "new-911-call" in names(events)


def test_create_answers_the_call_as_a_read_shows_it(as_, dispatcher, community):
    """The create answer is built from the call as created (no read-back): it must equal a later read."""
    body = {"callType": "Robbery", "location": "Fleeca", "priority": "high", "x": 1.5, "y": -2.0, "z": 30.0,
            "metadata": {"source": "test"}, "status": "active"}
    response = as_(dispatcher).post("/api/calls", body, format="json")
    assert response.status_code == 201
    created = response.json()["call"]
    assert as_(dispatcher).get(f"/api/calls/{created['id']}").json() == created


def test_create_call_with_api_token(server, community):
    response = server.post("/api/calls", {"callType": "Robbery", "location": "Fleeca", "priority": "high"},
                           format="json")
    assert response.status_code == 201
    assert response.json()["call"]["priority"] == "high"


@pytest.mark.parametrize("body, field", [
    ({"location": "x"}, "callType"),
    ({"callType": "Robbery"}, "location"),
    ({"callType": "Robbery", "location": "x", "priority": "urgent"}, "priority"),
    ({"callType": "Robbery", "location": "x", "status": "done"}, "status"),
    ({"callType": "Robbery", "location": "x", "callTypeId": "nope"}, "callTypeId"),
    ({"callType": "Robbery", "location": "x", "department": "not-a-uuid"}, "department"),
    ({"callType": "Robbery", "location": "x" * 201}, "location"),
])
def test_create_call_bad_input(as_, dispatcher, community, body, field):
    response = as_(dispatcher).post("/api/calls", body, format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()["fields"]
    assert _count(community) == 0


def test_create_call_priority_error_names_allowed_values(as_, dispatcher):
    response = as_(dispatcher).post("/api/calls", {"callType": "R", "location": "x", "priority": "urgent"},
                                    format="json")
    assert "low, normal, high" in response.json()["error"]


def test_create_call_in_another_community_is_refused(as_, dispatcher, other_community):
    response = as_(dispatcher).post("/api/calls", {"callType": "Robbery", "location": "x",
                                                   "communityId": str(other_community.pk)}, format="json")
    assert response.status_code == 403


# --- read -----------------------------------------------------------------------------------------

def test_pending_lists_only_pending_calls(as_, officer, community, make_call, unit,
                                          django_assert_max_num_queries):
    from calls import services

    pending = [make_call(community) for _ in range(5)]
    services.call_assign_unit(call=pending[0], unit=unit, by=None)
    with django_assert_max_num_queries(12):
        response = as_(officer).get(f"/api/calls/pending?communityId={community.pk}")
    assert response.status_code == 200
    assert {c["_id"] for c in response.json()} == {str(c.pk) for c in pending[1:]}


def test_pending_needs_a_member(as_, outsider, civilian, community, call):
    assert as_(outsider).get(f"/api/calls/pending?communityId={community.pk}").status_code == 403
    assert as_(civilian).get("/api/calls/pending").status_code == 403


def test_get_call_detail_populated(as_, officer, call, unit, civ, vehicle):
    from calls import services

    services.call_unit_progress(call=call, unit=unit, state="enroute")
    services.call_unit_progress(call=call, unit=unit, state="on_scene")
    services.call_attach_civilian(call=call, civilian=civ)
    services.call_attach_vehicle(call=call, vehicle=vehicle)
    services.call_add_note(call=call, text="Driver cooperative", by_user=officer)
    data = as_(officer).get(f"/api/calls/{call.pk}").json()
    assert data["status"] == "on-scene"
    assert data["assignedUnits"][0] == {**data["assignedUnits"][0], "unitName": "1-Adam-12", "status": "on-scene"}
    assert data["attachedCivilians"][0]["licenseNumber"] == civ.license_number
    assert data["attachedVehicles"][0]["plate"] == "ABC1234"
    assert {"text": "Driver cooperative", "createdBy": "officer_a"}.items() <= data["notes"][-1].items()


def test_get_call_by_number(as_, officer, call):
    assert as_(officer).get(f"/api/calls/{call.number}").json()["_id"] == str(call.pk)
    assert as_(officer).get(f"/api/calls/{call.incident_number}").json()["_id"] == str(call.pk)


def test_get_other_communitys_call_is_404(as_, officer, other_call, outsider, call):
    assert as_(officer).get(f"/api/calls/{other_call.pk}").status_code == 404
    assert as_(officer).get("/api/calls/not-a-uuid").status_code == 404
    assert as_(outsider).get(f"/api/calls/{other_call.pk}").status_code == 200
    assert as_(outsider).get(f"/api/calls/{call.pk}").status_code == 404


# --- update ---------------------------------------------------------------------------------------

def test_update_call(as_, dispatcher, call, events, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_(dispatcher).put(f"/api/calls/{call.pk}", {"description": "Suspect in red jacket",
                                                                   "priority": "high"}, format="json")
    assert response.status_code == 200
    assert (response.json()["description"], response.json()["priority"]) == ("Suspect in red jacket", "high")
    assert ("callUpdated", "call-updated", "911CallUpdated") in [sent for sent, _ in events]


def test_update_call_bad_input_changes_nothing(as_, dispatcher, call):
    response = as_(dispatcher).put(f"/api/calls/{call.pk}", {"description": "x", "priority": 9}, format="json")
    assert response.status_code == 400
    call.refresh_from_db()
    assert call.description == "Erratic driving"


# --- delete (archive) -----------------------------------------------------------------------------

def test_delete_call_archives_it(as_, admin, officer, call, events, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_(admin).delete(f"/api/calls/{call.pk}")
    assert response.status_code == 200 and response.json()["success"] is True
    assert Call.objects.for_community(call.community).get(pk=call.pk).archived_at is not None
    assert "call-deleted" in names(events)
    assert as_(officer).get(f"/api/calls/{call.pk}").status_code == 404  # gone from everyone's view ...
    assert as_(admin).get(f"/api/calls/{call.pk}").json()["archivedAt"] is not None  # ... but admins
    assert as_(admin).delete(f"/api/calls/{call.pk}").status_code == 409


def test_delete_call_admin_only(as_, supervisor, server, call):
    assert as_(supervisor).delete(f"/api/calls/{call.pk}").status_code == 403
    assert server.delete(f"/api/calls/{call.pk}").status_code == 403
    assert Call.objects.for_community(call.community).get(pk=call.pk).archived_at is None


# --- status ---------------------------------------------------------------------------------------

def test_patch_status(as_, officer, call, events, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_(officer).patch(f"/api/calls/{call.pk}/status", {"status": "enroute"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "enroute"
    sent = [data for n, data in events if "call-status-updated" in n][0]
    assert sent["newStatus"] == "enroute" and sent["updatedBy"] == "officer_a"


def test_patch_status_active_means_assigned_and_closed_closes(as_, officer, call):
    assert as_(officer).patch(f"/api/calls/{call.pk}/status", {"status": "active"},
                              format="json").json()["status"] == "assigned"
    closed = as_(officer).patch(f"/api/calls/{call.pk}/status", {"status": "closed"}, format="json").json()
    assert closed["status"] == "closed" and closed["closedAt"] is not None


def test_patch_status_bad_value(as_, officer, call):
    response = as_(officer).patch(f"/api/calls/{call.pk}/status", {"status": "done"}, format="json")
    assert response.status_code == 400
    assert "pending, assigned, enroute, on-scene, closed, cancelled" in response.json()["error"]
    assert as_(officer).patch(f"/api/calls/{call.pk}/status", {}, format="json").status_code == 400
    call.refresh_from_db()
    assert call.status == "pending"


# --- attach civilian / vehicle --------------------------------------------------------------------

@pytest.mark.parametrize("how", ["id", "license", "name"])
def test_attach_civilian(as_, dispatcher, call, civ, how):
    body = {"id": {"civilianId": str(civ.pk)}, "license": {"licenseNumber": civ.license_number},
            "name": {"firstName": "jane", "lastName": "SMITH"}}[how]
    response = as_(dispatcher).patch(f"/api/calls/{call.pk}/attach-civilian", body, format="json")
    assert response.status_code == 200
    assert [c["_id"] for c in response.json()["attachedCivilians"]] == [str(civ.pk)]


def test_attach_civilian_bad_input_and_unknown(as_, dispatcher, call, other_community, make_character):
    client = as_(dispatcher)
    assert client.patch(f"/api/calls/{call.pk}/attach-civilian", {}, format="json").status_code == 400
    assert client.patch(f"/api/calls/{call.pk}/attach-civilian", {"civilianId": "x"},
                        format="json").status_code == 400
    foreign = make_character(other_community)
    assert client.patch(f"/api/calls/{call.pk}/attach-civilian", {"civilianId": str(foreign.pk)},
                        format="json").status_code == 404
    assert not call.attached_civilians.exists()


def test_attach_vehicle(as_, dispatcher, call, vehicle):
    response = as_(dispatcher).patch(f"/api/calls/{call.pk}/attach-vehicle", {"plate": "abc 1234"}, format="json")
    assert response.status_code == 200
    assert response.json()["attachedVehicles"][0]["plate"] == "ABC1234"
    by_id = as_(dispatcher).patch(f"/api/calls/{call.pk}/attach-vehicle", {"vehicleId": str(vehicle.pk)},
                                  format="json")
    assert len(by_id.json()["attachedVehicles"]) == 1


def test_attach_vehicle_bad_input_other_community_role(as_, dispatcher, officer, call, other_call, vehicle):
    assert as_(dispatcher).patch(f"/api/calls/{call.pk}/attach-vehicle", {}, format="json").status_code == 400
    assert as_(dispatcher).patch(f"/api/calls/{call.pk}/attach-vehicle", {"plate": "NOPE99"},
                                 format="json").status_code == 404
    assert as_(dispatcher).patch(f"/api/calls/{other_call.pk}/attach-vehicle", {"plate": "ABC1234"},
                                 format="json").status_code == 404
    assert as_(officer).patch(f"/api/calls/{call.pk}/attach-vehicle", {"plate": "ABC1234"},
                              format="json").status_code == 403
    assert not call.attached_vehicles.exists()


# --- notes ----------------------------------------------------------------------------------------

def test_add_note(as_, officer, call):
    response = as_(officer).post(f"/api/calls/{call.pk}/notes", {"text": "Suspect fled northbound"}, format="json")
    assert response.status_code == 201
    assert response.json()["note"]["createdBy"] == "officer_a"
    assert response.json()["call"]["notes"][-1]["text"] == "Suspect fled northbound"


def test_add_note_bad_input_other_community_role(as_, officer, civilian, call, other_call):
    assert as_(officer).post(f"/api/calls/{call.pk}/notes", {"text": "  "}, format="json").status_code == 400
    assert as_(officer).post(f"/api/calls/{call.pk}/notes", {}, format="json").status_code == 400
    assert as_(officer).post(f"/api/calls/{other_call.pk}/notes", {"text": "x"}, format="json").status_code == 404
    assert as_(civilian).post(f"/api/calls/{call.pk}/notes", {"text": "x"}, format="json").status_code == 403
    assert not call.notes.filter(kind="text").exists()


# --- assign-unit ----------------------------------------------------------------------------------

def test_assign_and_remove_unit(as_, dispatcher, call, unit, events, django_capture_on_commit_callbacks):
    client = as_(dispatcher)
    with django_capture_on_commit_callbacks(execute=True):
        added = client.put(f"/api/calls/{call.pk}/assign-unit",
                           {"action": "add", "unitId": str(unit.pk), "unitName": "1-Adam-12"}, format="json")
    assert added.status_code == 200
    assert added.json()["status"] == "assigned" and added.json()["primaryUnitId"] == str(unit.pk)
    assert "unitsAssignedTo911" in names(events)
    removed = client.put(f"/api/calls/{call.pk}/assign-unit", {"action": "remove", "unitName": "1-adam-12"},
                         format="json")
    assert removed.status_code == 200
    assert removed.json()["assignedUnits"] == [] and removed.json()["status"] == "pending"


def test_assign_unit_by_game_id(as_, dispatcher, call, unit):
    response = as_(dispatcher).put(f"/api/calls/{call.pk}/assign-unit",
                                   {"action": "add", "unitId": "officer_42", "unitName": ""}, format="json")
    assert response.json()["assignedUnits"][0]["unitName"] == "1-Adam-12"


def test_assign_unit_bad_input(as_, dispatcher, call, unit, other_unit):
    client = as_(dispatcher)
    for body in ({"action": "hold", "unitId": str(unit.pk)}, {"action": "add"},
                 {"action": "add", "unitId": str(other_unit.pk)}, {"action": "remove", "unitId": str(unit.pk)}):
        response = client.put(f"/api/calls/{call.pk}/assign-unit", body, format="json")
        assert response.status_code == 400, (body, response.json())
    assert "add, remove" in client.put(f"/api/calls/{call.pk}/assign-unit", {"action": "x", "unitId": "1"},
                                       format="json").json()["error"]
    assert not call.assignments.exists()


def test_assign_to_closed_call_conflicts(as_, dispatcher, call, unit):
    from calls import services

    services.call_close(call=call, by=dispatcher)
    response = as_(dispatcher).put(f"/api/calls/{call.pk}/assign-unit", {"action": "add", "unitId": str(unit.pk)},
                                   format="json")
    assert response.status_code == 409
