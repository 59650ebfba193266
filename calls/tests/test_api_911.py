"""000 §2's 911 board (/api/dispatch/911...) and 001's /api/911-calls."""

from __future__ import annotations

import pytest

from calls import services
from calls.models import Call
from calls.tests.conftest import names, payload

# --- /api/dispatch/911 ----------------------------------------------------------------------------


def test_911_board_lists_open_caller_calls(as_, officer, community, make_call, django_assert_max_num_queries):
    calls = [make_call(community, x=1.0, y=2.0, z=3.0) for _ in range(4)]
    make_call(community, origin="RADIO DISPATCH")
    services.call_close(call=make_call(community), by=None)
    with django_assert_max_num_queries(12):
        response = as_(officer).get("/api/dispatch/911")
    assert response.status_code == 200
    assert {c["_id"] for c in response.json()} == {str(c.pk) for c in calls}
    assert response.json()[0]["assignedUnits"] == []


def test_911_markers(as_, officer, community, make_call):
    call = make_call(community, x=-1042.5, y=-2745.3, z=21.3)
    response = as_(officer).get(f"/api/dispatch/911/markers?communityId={community.pk}")
    assert response.status_code == 200
    marker = response.json()[0]
    assert marker["callId"] == str(call.pk) and marker["coordinates"] == {"x": -1042.5, "y": -2745.3, "z": 21.3}


def test_911_reads_need_a_member_with_role(as_, civilian, outsider, community, client, call):
    for path in ("/api/dispatch/911", "/api/dispatch/911/markers"):
        assert as_(civilian).get(path).status_code == 403
        assert as_(outsider).get(f"{path}?communityId={community.pk}").status_code == 403
        assert client.get(f"{path}?communityId={community.pk}").status_code in (401, 403)


def test_911_assign_by_ids_and_names(as_, dispatcher, call, unit, unit2, events,
                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_(dispatcher).post(f"/api/dispatch/911/{call.pk}/assign",
                                        {"unitIds": [str(unit.pk)], "unitNames": ["2-boy-15"]}, format="json")
    assert response.status_code == 200
    assert [u["unitName"] for u in response.json()["assignedUnits"]] == ["1-Adam-12", "2-Boy-15"]
    assigned = payload(events, "unitsAssignedTo911")
    assert {u["unitName"] for u in assigned["units"]} == {"1-Adam-12", "2-Boy-15"}
    assert assigned["incidentNumber"] == call.incident_number


def test_911_assign_bad_input_changes_nothing(as_, dispatcher, call, unit, other_unit):
    client = as_(dispatcher)
    for body in ({}, {"unitIds": []}, {"unitIds": "abc"}, {"unitIds": [str(unit.pk), str(other_unit.pk)]},
                 {"unitNames": ["Nobody"]}):
        response = client.post(f"/api/dispatch/911/{call.pk}/assign", body, format="json")
        assert response.status_code == 400, (body, response.json())
    assert not call.assignments.exists()


def test_911_close(as_, dispatcher, call, unit, events, django_capture_on_commit_callbacks):
    services.call_assign_unit(call=call, unit=unit, by=dispatcher)
    with django_capture_on_commit_callbacks(execute=True):
        response = as_(dispatcher).post(f"/api/dispatch/911/{call.pk}/close",
                                        {"disposition": "Arrest Made", "notes": "Weapon recovered."}, format="json")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["disposition"]) == ("closed", "Arrest Made")
    assert payload(events, "911CallClosed")["disposition"] == "Arrest Made"


# --- 001 /api/911-calls ---------------------------------------------------------------------------


def test_list_911_calls_with_filters(as_, officer, community, make_call, unit, django_assert_max_num_queries):
    open_calls = [make_call(community, description=f"call {i}") for i in range(3)]
    ended = make_call(community, description="ended one")
    services.call_close(call=ended, by=None)
    services.call_assign_unit(call=open_calls[0], unit=unit, by=None)
    client = as_(officer)
    with django_assert_max_num_queries(14):
        data = client.get("/api/911-calls").json()
    assert data["totalCount"] == 3 and len(data["calls"]) == 3
    assert client.get("/api/911-calls?includeEnded=true").json()["totalCount"] == 4
    assert client.get("/api/911-calls?includeEnded=true&skip=3").json()["calls"][0]["_id"] in {
        str(c.pk) for c in [*open_calls, ended]}
    by_unit = client.get(f"/api/911-calls?assignedUnit={unit.pk}").json()
    assert [c["_id"] for c in by_unit["calls"]] == [str(open_calls[0].pk)]
    assert client.get("/api/911-calls?query=call 1").json()["totalCount"] == 1
    assert client.get(f"/api/911-calls?query=%23{ended.number}&includeEnded=true").json()["totalCount"] == 1


@pytest.mark.parametrize("query", ["skip=-1", "skip=x", "take=1000", "assignedUnit=nope", "department=1"])
def test_list_911_calls_bad_params(as_, officer, query):
    assert as_(officer).get(f"/api/911-calls?{query}").status_code == 400


def test_list_911_calls_role(as_, civilian, outsider, community):
    assert as_(civilian).get("/api/911-calls").status_code == 403
    assert as_(outsider).get(f"/api/911-calls?communityId={community.pk}").status_code == 403


def test_create_911_call_as_civilian(as_, civilian, community, events, django_capture_on_commit_callbacks):
    body = {"name": "John Doe", "location": "123 Main Street", "postal": "90210",
            "description": "Suspicious activity", "type": "Suspicious Activity", "situationCode": "10-37",
            "status": "closed", "origin": "OBSERVED"}
    with django_capture_on_commit_callbacks(execute=True):
        response = as_(civilian).post("/api/911-calls", body, format="json")
    assert response.status_code == 201, response.json()
    call = response.json()["call"]
    assert (call["caller"], call["name"], call["origin"], call["status"]) == ("John Doe", "John Doe", "CALLER",
                                                                              "pending")
    assert call["situationCode"] == "10-37" and call["callTypeId"] is not None
    assert "911Alert" in names(events)


def test_create_911_call_from_dispatch_is_still_a_911_call(as_, dispatcher, community, events,
                                                            django_capture_on_commit_callbacks):
    """001: `is-from-dispatch: true` only skips the approval queue; the call is a 911 call (CALLER)."""
    from cad.core.models import CallType

    robbery = CallType.objects.for_community(community).get(name="Robbery")
    with django_capture_on_commit_callbacks(execute=True):
        response = as_(dispatcher).post("/api/911-calls", {"type": str(robbery.pk), "location": "Fleeca"},
                                        format="json", HTTP_IS_FROM_DISPATCH="true")
    assert response.status_code == 201
    assert response.json()["call"]["origin"] == "CALLER"
    assert response.json()["call"]["callType"] == "Robbery"
    assert {"new911Call", "911Alert"} <= set(names(events))
    # A dispatcher may still log a radio call here by naming the origin.
    radio = as_(dispatcher).post("/api/911-calls", {"type": "Robbery", "origin": "RADIO DISPATCH"}, format="json",
                                 HTTP_IS_FROM_DISPATCH="true")
    assert radio.status_code == 201 and radio.json()["call"]["origin"] == "RADIO DISPATCH"


def test_create_911_call_bad_input_and_role(as_, civilian, dispatcher, community, other_community):
    from cad.core.models import CallType

    foreign = CallType.objects.for_community(other_community).first()
    assert as_(dispatcher).post("/api/911-calls", {"type": str(foreign.pk)}, format="json").status_code == 400
    assert as_(dispatcher).post("/api/911-calls", {"gtaMapPosition": {"x": "west"}}, format="json").status_code == 400
    assert as_(dispatcher).post("/api/911-calls", {"location": "x", "origin": "nowhere"},
                                format="json").status_code == 400
    assert not Call.objects.for_community(community).exists()
    # A civilian's `is-from-dispatch` is ignored (SnailyCAD's script sends it for everyone), not refused,
    # and a civilian cannot set the origin.
    response = as_(civilian).post("/api/911-calls", {"type": "Robbery", "origin": "RADIO DISPATCH"}, format="json",
                                  HTTP_IS_FROM_DISPATCH="true")
    assert response.status_code == 201 and response.json()["call"]["origin"] == "CALLER"


def test_get_911_call_by_id_or_case_number(as_, officer, call, other_call):
    client = as_(officer)
    assert client.get(f"/api/911-calls/{call.pk}").json()["caseNumber"] == call.number
    assert client.get(f"/api/911-calls/{call.number}").json()["_id"] == str(call.pk)
    assert client.get(f"/api/911-calls/{other_call.pk}").status_code == 404
    assert client.get("/api/911-calls/99999").status_code == 404


def test_update_911_call(as_, dispatcher, officer, call, other_call):
    response = as_(dispatcher).put(f"/api/911-calls/{call.pk}", {"description": "Updated", "postal": "90211"},
                                   format="json")
    assert response.status_code == 200 and response.json()["postal"] == "90211"
    assert as_(dispatcher).put(f"/api/911-calls/{call.pk}", {"postal": "9" * 21}, format="json").status_code == 400
    assert as_(dispatcher).put(f"/api/911-calls/{other_call.pk}", {"postal": "1"}, format="json").status_code == 404
    assert as_(officer).put(f"/api/911-calls/{call.pk}", {"postal": "1"}, format="json").status_code == 403
    call.refresh_from_db()
    assert call.postal == "90211"


def test_end_911_call(as_, dispatcher, officer, call, other_call):
    assert as_(officer).put(f"/api/911-calls/{call.pk}/end").status_code == 403
    assert as_(dispatcher).put(f"/api/911-calls/{other_call.pk}/end").status_code == 404
    response = as_(dispatcher).put(f"/api/911-calls/{call.number}/end")
    assert response.status_code == 200 and response.json()["ended"] is True
    assert as_(dispatcher).put(f"/api/911-calls/{call.pk}/end").status_code == 409
