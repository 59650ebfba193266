from __future__ import annotations

import pytest

from bolos.models import Bolo
from bolos.selectors import active_bolo_for_plate

pytestmark = pytest.mark.django_db


def _bolo_events(events):
    return [(names[0], data) for names, data in events if "bolo" in names[0]]


# --- 001: POST /api/bolos/mark-stolen/:vehicleId --------------------------------------------------------


def test_mark_stolen_opens_one_vehicle_bolo(as_, officer, community, make_vehicle, events,
                                            django_capture_on_commit_callbacks):
    vehicle = make_vehicle(community, plate="ABC123", color="Black")
    client = as_(officer)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/api/bolos/mark-stolen/{vehicle.pk}", {"value": True, "color": "Red", "plate": "abc123"},
                        format="json")
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["vehicle"] == {"id": str(vehicle.pk), "plate": "ABC123", "isStolen": True}
    bolo = body["bolo"]
    assert bolo["type"] == "VEHICLE" and bolo["plate"] == "ABC123" and bolo["color"] == "Red"
    assert bolo["stolenVehicleId"] == str(vehicle.pk) and bolo["isActive"] is True
    vehicle.refresh_from_db()
    assert vehicle.is_stolen is True
    assert active_bolo_for_plate(community, "abc123").pk == Bolo.objects.for_community(community).get().pk
    assert [name for name, _ in _bolo_events(events)] == ["new-bolo"]
    assert any(names[0] == "vehicle-stolen" for names, _ in events)

    again = client.post(f"/api/bolos/mark-stolen/{vehicle.pk}", {}, format="json")  # value defaults to true
    assert again.status_code == 200 and again.json()["bolo"]["id"] == bolo["id"]
    assert Bolo.objects.for_community(community).count() == 1


def test_mark_recovered_closes_the_bolo(as_, officer, community, make_vehicle, events,
                                        django_capture_on_commit_callbacks):
    vehicle = make_vehicle(community)
    client = as_(officer)
    bolo_id = client.post(f"/api/bolos/mark-stolen/{vehicle.pk}", {"value": True}, format="json").json()["bolo"]["id"]
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/api/bolos/mark-stolen/{vehicle.pk}", {"value": False}, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["vehicle"]["isStolen"] is False
    assert r.json()["bolo"]["id"] == bolo_id and r.json()["bolo"]["isActive"] is False
    vehicle.refresh_from_db()
    assert vehicle.is_stolen is False
    assert active_bolo_for_plate(community, vehicle.plate) is None
    assert _bolo_events(events) == [("bolo-removed", {"id": bolo_id})]
    # Recovering again changes nothing and closes nothing.
    r = client.post(f"/api/bolos/mark-stolen/{vehicle.pk}", {"value": False}, format="json")
    assert r.status_code == 200 and r.json()["bolo"] is None


def test_mark_stolen_without_bolo_permission_flags_vehicle_only(as_, officer, community, make_vehicle,
                                                                bolo_permission):
    bolo_permission("admin")
    vehicle = make_vehicle(community)
    r = as_(officer).post(f"/api/bolos/mark-stolen/{vehicle.pk}", {"value": True}, format="json")
    assert r.status_code == 200 and r.json()["bolo"] is None
    vehicle.refresh_from_db()
    assert vehicle.is_stolen is True
    assert not Bolo.objects.for_community(community).exists()


def test_mark_stolen_bad_input(as_, officer, community, make_vehicle):
    vehicle = make_vehicle(community)
    client = as_(officer)
    for body in ({"value": "maybe"}, {"value": True, "color": "x" * 41}, {"value": True, "plate": "P" * 33}):
        r = client.post(f"/api/bolos/mark-stolen/{vehicle.pk}", body, format="json")
        assert r.status_code == 400, body
    vehicle.refresh_from_db()
    assert vehicle.is_stolen is False
    assert not Bolo.objects.for_community(community).exists()


def test_mark_stolen_other_community_and_roles(as_, officer, civilian, community, other_community,
                                               make_vehicle):
    theirs = make_vehicle(other_community)
    mine = make_vehicle(community)
    assert as_(officer).post(f"/api/bolos/mark-stolen/{theirs.pk}", {"value": True}, format="json").status_code == 404
    assert as_(officer).post("/api/bolos/mark-stolen/bad-id", {"value": True}, format="json").status_code == 404
    assert as_(civilian).post(f"/api/bolos/mark-stolen/{mine.pk}", {"value": True}, format="json").status_code == 403
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert theirs.is_stolen is False and mine.is_stolen is False


# --- 004: POST /fivem/bolos ---------------------------------------------------------------------------------


def test_fivem_create_returns_the_full_row(server, as_, officer, community, make_character, events,
                                           django_capture_on_commit_callbacks):
    deputy = make_character(community, type="leo", first_name="Ann", last_name="Lee")
    with django_capture_on_commit_callbacks(execute=True):
        r = server.post("/fivem/bolos", {"description": "Red Dodge Charger, armed suspect", "plate": "abc123",
                                         "created_by": str(deputy.pk)}, format="json")
    assert r.status_code == 201, r.json()
    row = r.json()
    assert "_id" not in row and row["id"]
    assert row["type"] == "vehicle" and row["vehicle_plate"] == "ABC123" and row["plate"] == "ABC123"
    assert row["created_by"] == str(deputy.pk) and row["created_by_name"] == "Ann Lee"
    assert row["community_id"] == str(community.pk) and row["is_active"] is True
    assert "subject_dob" in row
    assert [name for name, _ in _bolo_events(events)] == ["new-bolo"]
    # Same row in 000's active list.
    active = as_(officer).get("/api/bolos/active").json()
    assert [b["id"] for b in active] == [row["id"]]
    assert active[0]["createdByCharacterId"] == str(deputy.pk)


def test_fivem_create_person_type_and_no_character(server, community):
    r = server.post("/fivem/bolos", {"description": "Male in red hoodie", "type": "person"}, format="json")
    assert r.status_code == 201 and r.json()["type"] == "person"
    assert r.json()["created_by"] is None and r.json()["created_by_name"] == "test server"


@pytest.mark.parametrize("body, field", [
    ({}, "description"),
    ({"description": "d", "type": "boat"}, "type"),
    ({"description": "d", "created_by": "not-a-uuid"}, "created_by"),
    ({"description": "d", "plate": "X" * 33}, "plate"),
])
def test_fivem_create_bad_input(server, community, body, field):
    r = server.post("/fivem/bolos", body, format="json")
    assert r.status_code == 400, r.json()
    assert field in r.json()["fields"]
    assert not Bolo.objects.for_community(community).exists()


def test_fivem_other_community_character_and_token(server, other_server, community, other_community,
                                                   make_character):
    theirs = make_character(other_community, type="leo")
    r = server.post("/fivem/bolos", {"description": "d", "created_by": str(theirs.pk)}, format="json")
    assert r.status_code == 400 and "created_by" in r.json()["fields"]
    r = other_server.post("/fivem/bolos", {"description": "from B"}, format="json")
    assert r.status_code == 201
    assert not Bolo.objects.for_community(community).exists()
    assert Bolo.objects.for_community(other_community).count() == 1


def test_fivem_character_type_and_bolo_permission(server, community, make_character, bolo_permission):
    tow = make_character(community, type="tow")
    r = server.post("/fivem/bolos", {"description": "d", "created_by": str(tow.pk)}, format="json")
    assert r.status_code == 403
    bolo_permission("admin")  # the token acts as a supervisor
    assert server.post("/fivem/bolos", {"description": "d"}, format="json").status_code == 403
    assert not Bolo.objects.for_community(community).exists()


def test_fivem_user_without_role_is_403(as_, civilian, community):
    assert as_(civilian).post("/fivem/bolos", {"description": "d"}, format="json").status_code == 403
