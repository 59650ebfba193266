from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bolos.models import Bolo

pytestmark = pytest.mark.django_db

EXAMPLE_CDE = {
    "reason": "Armed Robbery Suspect",
    "description": "Suspect robbed First National Bank, fled on foot heading east",
    "priority": "critical",
    "subjectFirstName": "John",
    "subjectLastName": "Doe",
    "subjectDOB": "1990-04-01",
    "subjectDescription": "Male, 6ft, wearing black hoodie and jeans",
    "vehiclePlate": "xyz 9876",
    "vehicleMake": "Ford",
    "vehicleModel": "F-150",
    "vehicleYear": "2022",
    "vehicleColor": "Black",
    "vehicleDescription": "Lifted, tinted windows, aftermarket bumper",
}
EXAMPLE_SNAILY = {"type": "VEHICLE", "description": "Stolen vehicle", "plate": "abc123", "model": "Honda Civic",
               "color": "Red"}


def _names(events):
    return [names[0] for names, _ in events]


# --- create ---------------------------------------------------------------------------------------------


def test_create_cde_shape(as_, officer, community, events, django_capture_on_commit_callbacks):
    expires = (timezone.now() + timedelta(hours=2)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        r = as_(officer).post("/api/bolos", {**EXAMPLE_CDE, "expiresAt": expires}, format="json")
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["success"] is True
    bolo = body["bolo"]
    assert bolo["_id"] == bolo["id"]
    assert bolo["communityId"] == str(community.pk)
    assert bolo["type"] == "vehicle"  # inferred from the vehicle fields
    assert bolo["subjectDOB"] == "1990-04-01" and "subjectDob" not in bolo
    assert bolo["vehiclePlate"] == "XYZ9876"
    assert bolo["vehicleYear"] == "2022"
    assert bolo["priority"] == "critical"
    assert bolo["isActive"] is True and bolo["viewedBy"] == []
    assert bolo["createdBy"] == str(officer.pk)
    assert bolo["createdByName"] == "officer_a"
    row = Bolo.objects.for_community(community).get(pk=bolo["id"])
    assert row.subject_dob == "1990-04-01" and row.created_by_user == officer
    assert _names(events) == ["new-bolo"]
    payload = events[0][1]
    assert payload["_id"] == bolo["id"] and payload["subjectDOB"] == "1990-04-01"
    assert payload["vehiclePlate"] == "XYZ9876" and payload["communityId"] == str(community.pk)


def test_create_cde_shape_person_and_other_types_inferred(as_, officer):
    person = as_(officer).post("/api/bolos", {"reason": "Missing", "description": "Elderly man",
                                              "subjectFirstName": "Al"}, format="json").json()["bolo"]
    other = as_(officer).post("/api/bolos", {"reason": "Event", "description": "Street race tonight"},
                              format="json").json()["bolo"]
    assert person["type"] == "person"
    assert other["type"] == "other"
    assert other["priority"] == "medium"


def test_create_snaily_shape_answers_upper_case(as_, officer, community):
    r = as_(officer).post("/api/bolos", EXAMPLE_SNAILY, format="json")
    assert r.status_code == 201, r.json()
    bolo = r.json()["bolo"]
    assert bolo["type"] == "VEHICLE"
    assert bolo["plate"] == bolo["vehiclePlate"] == "ABC123"
    assert bolo["model"] == bolo["vehicleModel"] == "Honda Civic"
    assert bolo["color"] == bolo["vehicleColor"] == "Red"
    assert Bolo.objects.for_community(community).get(pk=bolo["id"]).type == "vehicle"


def test_create_snaily_person_maps_name_and_color(as_, officer):
    r = as_(officer).post("/api/bolos", {"type": "PERSON", "description": "Wanted", "name": "Jane Q Roe",
                                         "color": "Red jacket"}, format="json")
    assert r.status_code == 201, r.json()
    bolo = r.json()["bolo"]
    assert (bolo["subjectFirstName"], bolo["subjectLastName"]) == ("Jane", "Q Roe")
    assert bolo["name"] == "Jane Q Roe"
    assert bolo["subjectDescription"] == bolo["color"] == "Red jacket"
    assert bolo["vehicleColor"] == ""


def test_dialects_round_trip_through_the_same_rows(as_, officer):
    client = as_(officer)
    made_snaily = client.post("/api/bolos", EXAMPLE_SNAILY, format="json").json()["bolo"]
    made_cde = client.post("/api/bolos", EXAMPLE_CDE, format="json").json()["bolo"]

    active = {b["id"]: b for b in client.get("/api/bolos/active").json()}
    assert set(active) == {made_snaily["id"], made_cde["id"]}
    assert active[made_snaily["id"]]["type"] == "vehicle"
    assert active[made_snaily["id"]]["vehiclePlate"] == "ABC123"
    assert active[made_snaily["id"]]["vehicleColor"] == "Red"

    listed = client.get("/api/bolos").json()
    assert listed["totalCount"] == 2
    by_id = {b["id"]: b for b in listed["bolos"]}
    assert by_id[made_cde["id"]]["type"] == "VEHICLE"
    assert by_id[made_cde["id"]]["plate"] == "XYZ9876"
    assert by_id[made_cde["id"]]["model"] == "F-150"
    assert by_id[made_cde["id"]]["color"] == "Black"


@pytest.mark.parametrize("body, field", [
    ({"reason": "x"}, "description"),
    ({"description": "no reason and no type"}, "reason"),
    ({"description": "   ", "type": "OTHER"}, "description"),
    ({"description": "d", "type": "BOAT"}, "type"),
    ({"description": "d", "reason": "r", "priority": "extreme"}, "priority"),
    ({"description": "d", "reason": "r", "expiresAt": "next tuesday"}, "expiresAt"),
    ({"description": "d", "reason": "r", "expiresAt": "2001-01-01T00:00:00Z"}, "expiresAt"),
    ({"description": "d", "reason": "r", "vehicleYear": "20x2"}, "vehicleYear"),
    ({"description": "d", "reason": "r", "vehiclePlate": "A" * 20}, "vehiclePlate"),
    ({"description": "d", "reason": "r", "subjectFirstName": ["not", "text"]}, "subjectFirstName"),
    ({"description": "d", "reason": "r", "suspectId": "not-a-uuid"}, "suspectId"),
])
def test_create_bad_input_is_400_and_creates_nothing(as_, officer, community, events, body, field,
                                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        r = as_(officer).post("/api/bolos", body, format="json")
    assert r.status_code == 400, r.json()
    assert field in r.json()["fields"]
    assert not Bolo.objects.for_community(community).exists()
    assert events == []


def test_create_type_error_names_allowed_values(as_, officer):
    r = as_(officer).post("/api/bolos", {"description": "d", "type": "BOAT"}, format="json")
    assert "vehicle, person, other" in r.json()["fields"]["type"][0]


def test_create_with_suspect_of_this_community_only(as_, officer, community, other_community):
    from records.models import Suspect

    mine = Suspect.objects.create(community=community, first_name="Sam")
    theirs = Suspect.objects.create(community=other_community, first_name="Tom")
    r = as_(officer).post("/api/bolos", {"description": "d", "reason": "r", "suspectId": str(theirs.pk)},
                          format="json")
    assert r.status_code == 400 and "suspectId" in r.json()["fields"]
    r = as_(officer).post("/api/bolos", {"description": "d", "reason": "r", "suspectId": str(mine.pk)},
                          format="json")
    assert r.status_code == 201 and r.json()["bolo"]["suspectId"] == str(mine.pk)


# --- boloPermission ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("setting, persona, allowed", [
    ("admin", "admin", True),
    ("admin", "supervisor", False),
    ("admin", "officer", False),
    ("supervisor", "admin", True),
    ("supervisor", "supervisor", True),
    ("supervisor", "dispatcher", False),
    ("supervisor", "officer", False),
    ("all", "dispatcher", True),
    ("all", "officer", True),
    ("all", "civilian", False),
])
def test_create_obeys_bolo_permission(request, as_, community, bolo_permission, setting, persona, allowed):
    bolo_permission(setting)
    user = request.getfixturevalue(persona)
    r = as_(user).post("/api/bolos", EXAMPLE_SNAILY, format="json")
    assert r.status_code == (201 if allowed else 403), r.json()
    assert Bolo.objects.for_community(community).exists() is allowed


@pytest.mark.parametrize("setting, allowed", [("admin", False), ("supervisor", True), ("all", True)])
def test_api_token_acts_as_supervisor(server, community, bolo_permission, setting, allowed):
    bolo_permission(setting)
    r = server.post("/api/bolos", EXAMPLE_SNAILY, format="json")
    assert r.status_code == (201 if allowed else 403), r.json()
    if allowed:
        assert r.json()["bolo"]["createdBy"] is None
        assert r.json()["bolo"]["createdByName"] == "test server"


def test_outsider_cannot_create_in_another_community(as_, outsider, community):
    r = as_(outsider).post("/api/bolos", {**EXAMPLE_SNAILY, "communityId": str(community.pk)}, format="json")
    assert r.status_code == 403
    assert not Bolo.objects.for_community(community).exists()


# --- reads ------------------------------------------------------------------------------------------------


def test_active_excludes_expired_deactivated_and_other_communities(as_, officer, community, other_community,
                                                                    make_bolo):
    now = timezone.now()
    live = make_bolo(community, expires_at=now + timedelta(hours=1))
    forever = make_bolo(community)
    make_bolo(community, expires_at=now - timedelta(seconds=1))
    make_bolo(community, is_active=False)
    make_bolo(other_community)
    r = as_(officer).get("/api/bolos/active")
    assert r.status_code == 200
    assert {b["id"] for b in r.json()} == {str(live.pk), str(forever.pk)}


def test_reads_need_leo_access(as_, civilian, outsider, community):
    for path in ("/api/bolos/active", "/api/bolos/search?query=x", "/api/bolos"):
        assert as_(civilian).get(path).status_code == 403
        assert as_(outsider).get(f"{path}{'&' if '?' in path else '?'}communityId={community.pk}").status_code == 403


def test_active_list_has_no_n_plus_one(as_, officer, dispatcher, community, make_bolo):
    client = as_(officer)
    make_bolo(community).viewed_by.add(officer)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/bolos/active").status_code == 200
        return len(ctx)

    one = count()
    for _ in range(6):
        make_bolo(community).viewed_by.add(officer, dispatcher)
    assert count() == one
    with CaptureQueriesContext(connection) as ctx:
        client.get("/api/bolos?includeAll=true")
    listed_once = len(ctx)
    make_bolo(community).viewed_by.add(officer)
    with CaptureQueriesContext(connection) as ctx:
        client.get("/api/bolos?includeAll=true")
    assert len(ctx) == listed_once


def test_search(as_, officer, community, other_community, make_bolo):
    robbery = make_bolo(community, reason="Armed robbery", vehicle_plate="XYZ9876")
    person = make_bolo(community, subject_first_name="Jane", subject_last_name="Roe", vehicle_make="Vapid")
    old = make_bolo(community, reason="Old robbery", is_active=False)
    make_bolo(other_community, reason="Armed robbery")
    client = as_(officer)
    found = client.get("/api/bolos/search", {"query": "robbery"}).json()
    assert [b["id"] for b in found] == [str(robbery.pk), str(old.pk)]  # active first
    assert found[1]["isActive"] is False
    assert [b["id"] for b in client.get("/api/bolos/search", {"query": "jane vapid"}).json()] == [str(person.pk)]
    assert [b["id"] for b in client.get("/api/bolos/search", {"query": "xyz-98"}).json()] == [str(robbery.pk)]


@pytest.mark.parametrize("params", [{}, {"query": "  "}, {"query": "x" * 201}])
def test_search_bad_input(as_, officer, params):
    r = as_(officer).get("/api/bolos/search", params)
    assert r.status_code == 400 and "query" in r.json()["fields"]


def test_snaily_list_paging_type_query_include_all(as_, officer, community, make_bolo):
    now = timezone.now()
    for i in range(37):
        make_bolo(community, type="vehicle", vehicle_plate=f"P{i:03d}")
    person = make_bolo(community, type="person", subject_first_name="Zed")
    expired = make_bolo(community, type="person", expires_at=now - timedelta(minutes=5))
    client = as_(officer)

    first = client.get("/api/bolos", {"skip": 0}).json()
    assert first["totalCount"] == 38 and len(first["bolos"]) == 35
    second = client.get("/api/bolos", {"skip": 35}).json()
    assert len(second["bolos"]) == 3
    assert not {b["id"] for b in first["bolos"]} & {b["id"] for b in second["bolos"]}

    people = client.get("/api/bolos", {"type": "PERSON"}).json()
    assert [b["id"] for b in people["bolos"]] == [str(person.pk)] and people["bolos"][0]["type"] == "PERSON"
    assert client.get("/api/bolos", {"type": "person"}).json()["totalCount"] == 1
    everyone = client.get("/api/bolos", {"type": "PERSON", "includeAll": "true"}).json()
    assert {b["id"] for b in everyone["bolos"]} == {str(person.pk), str(expired.pk)}
    assert client.get("/api/bolos", {"query": "zed"}).json()["totalCount"] == 1


@pytest.mark.parametrize("params", [{"skip": -1}, {"skip": "abc"}, {"type": "BOAT"}])
def test_snaily_list_bad_input(as_, officer, params):
    assert as_(officer).get("/api/bolos", params).status_code == 400


def test_retrieve_and_other_community_404(as_, officer, community, other_community, make_bolo):
    mine = make_bolo(community)
    theirs = make_bolo(other_community)
    client = as_(officer)
    assert client.get(f"/api/bolos/{mine.pk}").json()["id"] == str(mine.pk)
    assert client.get(f"/api/bolos/{theirs.pk}").status_code == 404
    assert client.get("/api/bolos/not-a-uuid").status_code == 404


# --- update -----------------------------------------------------------------------------------------------


def test_update_is_partial(as_, officer, community, make_bolo, events, django_capture_on_commit_callbacks):
    bolo = make_bolo(community, reason="Robbery", description="Old", priority="low", vehicle_plate="AAA111",
                     subject_dob="1980-01-01")
    with django_capture_on_commit_callbacks(execute=True):
        r = as_(officer).put(f"/api/bolos/{bolo.pk}", {
            "priority": "high", "description": "Updated: heading west", "vehicleDescription": "Dented",
            "subjectDOB": "1981-02-02",
        }, format="json")
    assert r.status_code == 200, r.json()
    out = r.json()["bolo"]
    assert out["priority"] == "high" and out["description"] == "Updated: heading west"
    assert out["vehicleDescription"] == "Dented" and out["subjectDOB"] == "1981-02-02"
    bolo.refresh_from_db()
    assert (bolo.reason, bolo.vehicle_plate, bolo.priority) == ("Robbery", "AAA111", "high")
    assert _names(events) == ["bolo-updated"]
    assert events[0][1]["priority"] == "high" and events[0][1]["_id"] == str(bolo.pk)


def test_update_in_snaily_shape(as_, officer, community, make_bolo):
    bolo = make_bolo(community, type="vehicle", vehicle_plate="AAA111")
    r = as_(officer).put(f"/api/bolos/{bolo.pk}", {"type": "VEHICLE", "plate": "bbb-222", "color": "Blue"},
                         format="json")
    assert r.status_code == 200 and r.json()["bolo"]["type"] == "VEHICLE"
    bolo.refresh_from_db()
    assert (bolo.vehicle_plate, bolo.vehicle_color) == ("BBB222", "Blue")


@pytest.mark.parametrize("body", [
    {"priority": "extreme"}, {"description": ""}, {"type": "boat"}, {"expiresAt": "2001-01-01T00:00:00Z"},
    {"type": None},
])
def test_update_bad_input_changes_nothing(as_, officer, community, make_bolo, events, body,
                                          django_capture_on_commit_callbacks):
    bolo = make_bolo(community, priority="low", description="Keep", type="other")
    with django_capture_on_commit_callbacks(execute=True):
        r = as_(officer).put(f"/api/bolos/{bolo.pk}", body, format="json")
    assert r.status_code == 400, r.json()
    bolo.refresh_from_db()
    assert (bolo.priority, bolo.description, bolo.type, bolo.expires_at) == ("low", "Keep", "other", None)
    assert events == []


def test_update_other_community_404_and_role_403(as_, officer, supervisor, community, other_community,
                                                 make_bolo, bolo_permission):
    theirs = make_bolo(other_community, priority="low")
    assert as_(supervisor).put(f"/api/bolos/{theirs.pk}", {"priority": "high"}, format="json").status_code == 404
    assert as_(supervisor).put("/api/bolos/nope", {"priority": "high"}, format="json").status_code == 404
    mine = make_bolo(community, priority="low")
    bolo_permission("supervisor")
    assert as_(officer).put(f"/api/bolos/{mine.pk}", {"priority": "high"}, format="json").status_code == 403
    assert as_(supervisor).put(f"/api/bolos/{mine.pk}", {"priority": "high"}, format="json").status_code == 200
    theirs.refresh_from_db()
    assert theirs.priority == "low"


def test_expires_at_can_be_cleared(as_, officer, community, make_bolo):
    bolo = make_bolo(community, expires_at=timezone.now() + timedelta(hours=1))
    r = as_(officer).put(f"/api/bolos/{bolo.pk}", {"expiresAt": None}, format="json")
    assert r.status_code == 200 and r.json()["bolo"]["expiresAt"] is None


# --- deactivate -------------------------------------------------------------------------------------------


def test_delete_deactivates_and_keeps_the_row(as_, officer, community, make_bolo, events,
                                              django_capture_on_commit_callbacks):
    bolo = make_bolo(community)
    client = as_(officer)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.delete(f"/api/bolos/{bolo.pk}")
    assert r.status_code == 200 and r.json()["bolo"]["isActive"] is False
    bolo.refresh_from_db()
    assert bolo.is_active is False and bolo.deactivated_at is not None and bolo.deactivated_by == officer
    assert client.get("/api/bolos/active").json() == []
    assert client.get("/api/bolos").json()["totalCount"] == 0
    assert client.get("/api/bolos", {"includeAll": "true"}).json()["totalCount"] == 1
    assert events == [(("bolo-removed",), {"id": str(bolo.pk)})]
    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete(f"/api/bolos/{bolo.pk}").status_code == 200
    assert len(events) == 1  # published once


def test_delete_other_community_404_and_role_403(as_, officer, community, other_community, make_bolo,
                                                 bolo_permission, civilian):
    theirs = make_bolo(other_community)
    assert as_(officer).delete(f"/api/bolos/{theirs.pk}").status_code == 404
    assert as_(officer).delete("/api/bolos/12").status_code == 404
    mine = make_bolo(community)
    assert as_(civilian).delete(f"/api/bolos/{mine.pk}").status_code == 403
    bolo_permission("admin")
    assert as_(officer).delete(f"/api/bolos/{mine.pk}").status_code == 403
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert theirs.is_active and mine.is_active


# --- viewed -----------------------------------------------------------------------------------------------


def test_viewed_is_idempotent_per_user(as_, officer, dispatcher, community, make_bolo):
    bolo = make_bolo(community)
    for _ in range(2):
        r = as_(officer).post(f"/api/bolos/{bolo.pk}/viewed")
        assert r.status_code == 200
    assert r.json()["bolo"]["viewedBy"] == [str(officer.pk)]
    as_(dispatcher).post(f"/api/bolos/{bolo.pk}/viewed")
    assert set(bolo.viewed_by.values_list("pk", flat=True)) == {officer.pk, dispatcher.pk}


def test_viewed_other_community_role_and_token(as_, officer, civilian, server, community, other_community,
                                               make_bolo):
    theirs = make_bolo(other_community)
    mine = make_bolo(community)
    assert as_(officer).post(f"/api/bolos/{theirs.pk}/viewed").status_code == 404
    assert as_(officer).post("/api/bolos/zzz/viewed").status_code == 404
    assert as_(civilian).post(f"/api/bolos/{mine.pk}/viewed").status_code == 403
    assert server.post(f"/api/bolos/{mine.pk}/viewed").status_code == 403  # a token is not a person
    assert not mine.viewed_by.exists() and not theirs.viewed_by.exists()
