"""Real community scripts, unmodified (issue 9): each test sends the request a public SnailyCAD or CDE CAD
FiveM script sends, only the URL and the token changed, and checks the effect through the API."""

from __future__ import annotations

import pytest

from cad.core.models import CallType
from calls.models import Call
from calls.tests.conftest import names

SNAILY_911 = {"name": "Jane Smith", "location": "Legion Square", "postal": None,
              "description": "Someone is robbing the store", "gtaMapPosition": {"x": 195.2, "y": -933.1, "z": 30.7,
                                                                               "heading": 144.0}}


def snaily(client, api_token):
    """SnailyCAD's scripts: its API-token header, and `is-from-dispatch: true` on every request."""
    client.credentials(HTTP_SNAILY_CAD_API_TOKEN=api_token, HTTP_IS_FROM_DISPATCH="true")
    return client


@pytest.fixture
def snaily_server(api_token):
    from rest_framework.test import APIClient

    return snaily(APIClient(), api_token)


def test_snailycad_911_script_creates_a_911_call(snaily_server, community, dispatcher, as_, events,
                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = snaily_server.post("/v1/911-calls", SNAILY_911, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["id"] and body["caseNumber"] == body["call"]["caseNumber"]
    call = as_(dispatcher).get(f"/api/911-calls/{body['id']}").json()
    default = CallType.objects.for_community(community).order_by("position", "name").first()
    assert (call["x"], call["y"], call["z"]) == (195.2, -933.1, 30.7)
    assert (call["postal"], call["caller"], call["callType"], call["callTypeId"]) == ("", "Jane Smith", default.name,
                                                                                      str(default.pk))
    assert call["origin"] == "CALLER"
    # It is on CDE's 911 board and raised the 911 events.
    assert [c["_id"] for c in as_(dispatcher).get("/api/dispatch/911").json()] == [body["id"]]
    assert {"new911Call", "911Alert"} <= set(names(events))


def test_snailycad_911_script_with_approval_on_goes_straight_to_the_board(snaily_server, community, as_, dispatcher):
    community.call911_approval = True
    community.save(update_fields=["call911_approval"])
    response = snaily_server.post("/v1/911-calls", SNAILY_911, format="json")
    assert response.status_code == 201 and response.json()["call"]["approval"] == "none"
    assert len(as_(dispatcher).get("/api/dispatch/911").json()) == 1


def test_snailycad_token_header_on_every_snaily_route(snaily_server, community, other_community, make_call):
    call = make_call(community)
    other = make_call(other_community, by_user=None)
    assert snaily_server.get("/v1/911-calls").json()["totalCount"] == 1
    assert snaily_server.get(f"/v1/911-calls/{call.pk}").json()["_id"] == str(call.pk)
    assert snaily_server.get(f"/v1/911-calls/{other.pk}").status_code == 404
    assert snaily_server.put(f"/v1/911-calls/{call.pk}", {"postal": "90211"}, format="json").json()["postal"] == "90211"
    assert snaily_server.post("/v1/dispatch/aop", {"aop": "Sandy Shores"}, format="json").json() == {
        "areaOfPlay": "Sandy Shores"}
    assert snaily_server.get("/v1/dispatch").json()["areaOfPlay"] == "Sandy Shores"
    assert snaily_server.post("/v1/dispatch/signal-100", {"value": True}, format="json").status_code == 200
    assert snaily_server.get("/v1/dispatch/tones").status_code == 200
    assert snaily_server.post("/v1/dispatch/units/search", {"query": "1A"}, format="json").status_code == 200
    bolo = snaily_server.post("/v1/bolos", {"type": "VEHICLE", "description": "Stolen", "plate": "ABC123"},
                              format="json")
    assert bolo.status_code == 201, bolo.json()
    assert snaily_server.get("/v1/bolos?type=VEHICLE").status_code == 200
    assert snaily_server.put(f"/v1/911-calls/{call.pk}/end").json()["status"] == "closed"
    # The same routes under /api/ accept the header as well.
    assert snaily_server.get("/api/911-calls").status_code == 200


def test_snailycad_header_bad_token_wrong_community_and_bad_input(api_token, other_api_token, community):
    from rest_framework.test import APIClient

    bad = snaily(APIClient(), "cad_not-a-real-token")
    assert bad.post("/v1/911-calls", SNAILY_911, format="json").status_code == 401
    other = snaily(APIClient(), other_api_token)
    assert other.post("/v1/911-calls", {**SNAILY_911, "communityId": str(community.pk)},
                      format="json").status_code == 403
    client = snaily(APIClient(), api_token)
    assert client.post("/v1/911-calls", {**SNAILY_911, "gtaMapPosition": {"x": "far"}},
                       format="json").status_code == 400
    assert not Call.objects.for_community(community).exists()


def test_snailycad_v1_route_role_checks(as_, civilian):
    # A civilian may call 911 but not change the area of play, under /v1 as under /api.
    assert as_(civilian).post("/v1/dispatch/aop", {"aop": "x"}, format="json").status_code == 403
    assert as_(civilian).post("/v1/911-calls", SNAILY_911, format="json",
                              HTTP_IS_FROM_DISPATCH="true").status_code == 201


def test_snailycad_911_without_call_types_names_the_field(snaily_server, community):
    CallType.objects.for_community(community).update(archived_at="2020-01-01T00:00:00Z")
    response = snaily_server.post("/v1/911-calls", SNAILY_911, format="json")
    assert response.status_code == 400 and "type" in response.json()["fields"]


# --- CDE CAD's FiveM 911 and panic scripts ----------------------------------------------------------

CDE_911 = {"callType": "911 - There's a car accident at Legion Square!", "location": "Legion Square (Postal 7023)",
           "callerName": "John Doe", "postal": "7023", "coordinates": {"x": 195.2, "y": -933.1, "z": 30.7}}


@pytest.mark.parametrize("path", ["/api/fivem/911", "/api/civilian/fivem-911-call"])
def test_cde_911_script(path, api_token, community, as_, dispatcher, events, django_capture_on_commit_callbacks):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_X_API_KEY=api_token)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path, {**CDE_911, "communityId": str(community.pk)}, format="json")
    assert response.status_code == 201, response.json()
    call_id = response.json()["_id"]
    call = as_(dispatcher).get(f"/api/calls/{call_id}").json()
    assert (call["caller"], call["postal"], call["x"], call["y"], call["z"]) == ("John Doe", "7023", 195.2, -933.1,
                                                                                 30.7)
    assert call["callType"] == CDE_911["callType"] and call["origin"] == "CALLER"
    assert [c["_id"] for c in as_(dispatcher).get("/api/dispatch/911").json()] == [call_id]
    assert {"new911Call", "911Alert"} <= set(names(events))


def test_cde_911_script_bad_input_other_community_and_role(api_token, other_api_token, community, as_):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_X_API_KEY=api_token)
    assert client.post("/api/fivem/911", {**CDE_911, "coordinates": {"x": "here"}}, format="json").status_code == 400
    assert client.post("/api/fivem/911", [CDE_911], format="json").status_code == 400
    other = APIClient()
    other.credentials(HTTP_X_API_KEY=other_api_token)
    assert other.post("/api/fivem/911", {**CDE_911, "communityId": str(community.pk)},
                      format="json").status_code == 403
    assert APIClient().post("/api/fivem/911", CDE_911, format="json").status_code in (401, 403)
    assert not Call.objects.for_community(community).exists()


def test_cde_911_long_sentence_and_default_type(server, community):
    sentence = "911 - " + "help " * 60
    response = server.post("/api/fivem/911", {**CDE_911, "callType": sentence}, format="json")
    assert response.status_code == 201
    call = response.json()["call"]
    assert call["callType"] == sentence.strip()[:120] and call["description"] == sentence.strip()
    plain = server.post("/api/fivem/911", {"callerName": "Ann", "location": "Paleto", "message": "Fire!"},
                        format="json").json()["call"]
    default = CallType.objects.for_community(community).order_by("position", "name").first()
    assert (plain["callType"], plain["description"]) == (default.name, "Fire!")


def test_cde_panic_script(server, community, unit, as_, dispatcher, events, django_capture_on_commit_callbacks):
    body = {"callerName": "Officer Adams", "unitName": "1-Adam-12", "location": "Grove St", "postal": "112",
            "coordinates": {"x": 100.0, "y": -1800.5, "z": 28.0}}
    with django_capture_on_commit_callbacks(execute=True):
        response = server.post("/api/fivem/panic", body, format="json")
    assert response.status_code == 201, response.json()
    call = as_(dispatcher).get(f"/api/calls/{response.json()['_id']}").json()
    assert call["priority"] == "high" and call["title"].startswith("PANIC — [1-Adam-12]")
    assert (call["x"], call["y"], call["postal"]) == (100.0, -1800.5, "112")
    panic = next(data for n, data in events if "panic-button" in n)
    assert panic["callsign"] == "1-Adam-12" and panic["coordinates"]["x"] == 100.0


def test_cde_panic_from_an_unknown_player_still_alerts(server, community, events, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = server.post("/api/fivem/panic", {"callerName": "Deputy Roe", "location": "Sandy Shores"},
                               format="json")
    assert response.status_code == 201
    panic = next(data for n, data in events if "panic-button" in n)
    assert panic["officerName"] == "Deputy Roe" and panic["characterId"] is None


def test_cde_panic_bad_input_other_community_and_role(server, other_server, community, other_community, as_,
                                                      civilian, other_unit):
    assert server.post("/api/fivem/panic", {"location": "x"}, format="json").status_code == 400
    assert server.post("/api/fivem/panic", {"callerName": "A", "coordinates": {"y": 1}},
                       format="json").status_code == 400
    # Another community's character is not found here.
    assert server.post("/api/fivem/panic", {"characterId": str(other_unit.character_id)},
                       format="json").status_code == 400
    assert as_(civilian).post("/api/fivem/panic", {"callerName": "A"}, format="json").status_code == 403
    assert not Call.objects.for_community(community).exists()


def test_cde_calls_accepts_caller_name(server, as_, dispatcher):
    response = server.post("/api/calls", {"callType": "Robbery", "location": "Fleeca", "callerName": "Ann Lee",
                                          "coordinates": {"x": 1.5, "y": 2.5, "z": 3.5}}, format="json")
    assert response.status_code == 201
    call = as_(dispatcher).get(f"/api/calls/{response.json()['call']['_id']}").json()
    assert (call["caller"], call["x"]) == ("Ann Lee", 1.5)
    # `caller` wins when both are sent.
    both = server.post("/api/calls", {"callType": "Robbery", "location": "Fleeca", "callerName": "A", "caller": "B"},
                       format="json")
    assert both.json()["call"]["caller"] == "B"


def test_snailycad_911_list_pages_with_skip_and_take(snaily_server, community, make_call):
    for i in range(4):
        make_call(community, location=f"Spot {i}")
    page = snaily_server.get("/v1/911-calls?skip=1&take=2").json()
    assert page["totalCount"] == 4 and len(page["calls"]) == 2
    assert snaily_server.get("/v1/911-calls?take=101").status_code == 400
    assert len(snaily_server.get("/api/911-calls").json()["calls"]) == 4


def test_cde_lists_are_bounded_plain_arrays(server, community, make_call, settings):
    settings.API_PAGE_SIZE = 2
    for i in range(3):
        make_call(community, location=f"Spot {i}")
    response = server.get("/api/calls/pending")
    assert len(response.json()) == 2 and response["X-Total-Count"] == "3"
    assert len(server.get("/api/calls/pending?offset=2").json()) == 1
