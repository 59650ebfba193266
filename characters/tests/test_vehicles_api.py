from __future__ import annotations

import pytest

from cad.core.errors import Conflict
from characters import services
from characters.models import Vehicle

pytestmark = pytest.mark.django_db


def _live(community):
    return Vehicle.objects.for_community(community).filter(archived_at__isnull=True)


def test_register_normalises_plate(as_, civilian, civ_char, community, django_capture_on_commit_callbacks, events):
    with django_capture_on_commit_callbacks(execute=True):
        r = as_(civilian).post("/api/vehicles", {"characterId": str(civ_char.pk), "plate": "abc 123", "make": "Vapid",
                                                 "model": "Dominator", "year": 2020}, format="json")
    assert r.status_code == 201, r.content
    v = r.json()["vehicle"]
    assert v["plate"] == "ABC123" and v["characterId"] == str(civ_char.pk) and v["ownerName"] == "Carl Civvy"
    assert v["isStolen"] is False and v["registrationStatus"] == "valid" and v["insuranceStatus"] == "valid"
    assert [n for n, _ in events] == [("vehicle-registered",)]


@pytest.mark.parametrize("payload, field", [
    ({"plate": "A"}, "plate"),
    ({"plate": "TOOLONG123"}, "plate"),
    ({"plate": "AB$12"}, "plate"),
    ({"plate": "ABC123", "year": "soon"}, "year"),
    ({"plate": "ABC123", "registrationStatus": "maybe"}, "registrationStatus"),
    ({"plate": "ABC123", "vin": "!!"}, "vin"),
    ({"plate": "ABC123", "characterId": "00000000-0000-0000-0000-000000000000"}, "characterId"),
])
def test_register_bad_input(as_, admin, civ_char, community, payload, field):
    payload = {"characterId": str(civ_char.pk), **payload}
    r = as_(admin).post("/api/vehicles", payload, format="json")
    assert r.status_code == 400, r.content
    assert field in r.json()["fields"], r.json()
    assert not _live(community).exists()


def test_duplicate_plate_is_409_naming_vehicle_and_owner(as_, civilian, civ_char, community):
    first = services.vehicle_register(community=community, owner=civ_char, plate="ABC123")
    r = as_(civilian).post("/api/vehicles", {"characterId": str(civ_char.pk), "plate": "abc-123"}, format="json")
    assert r.status_code == 409
    body = r.json()
    assert body["error"] == "Plate ABC123 is already registered"
    assert body["vehicleId"] == str(first.pk) and body["ownerCharacterId"] == str(civ_char.pk)
    assert _live(community).count() == 1


def test_same_plate_in_other_community_is_fine(community, other_community, civ_char, foreign_char):
    services.vehicle_register(community=community, owner=civ_char, plate="ABC123")
    services.vehicle_register(community=other_community, owner=foreign_char, plate="ABC123")


def test_service_conflict_carries_ids(community, civ_char):
    v = services.vehicle_register(community=community, owner=civ_char, plate="XYZ9")
    with pytest.raises(Conflict) as err:
        services.vehicle_register(community=community, owner=None, plate="xyz9")
    assert err.value.extra == {"vehicle_id": str(v.pk), "owner_character_id": str(civ_char.pk)}


def test_civilian_registers_only_for_own_character(as_, civilian, officer_char, officer, civ_char, community):
    r = as_(civilian).post("/api/vehicles", {"characterId": str(officer_char.pk), "plate": "NOPE1"}, format="json")
    assert r.status_code == 403
    r = as_(officer).post("/api/vehicles", {"characterId": str(civ_char.pk), "plate": "NOPE1"}, format="json")
    assert r.status_code == 403
    r = as_(civilian).post("/api/vehicles", {"plate": "NOPE1"}, format="json")
    assert r.status_code == 400
    assert not _live(community).exists()


def test_foreign_owner_is_400(as_, civilian, foreign_char, community):
    r = as_(civilian).post("/api/vehicles", {"characterId": str(foreign_char.pk), "plate": "FOR1"}, format="json")
    assert r.status_code == 400 and "characterId" in r.json()["fields"]
    assert _live(community).count() == 0


def test_list_scoping_and_filters(as_, civilian, officer, civ_char, officer_char, community,
                                  django_assert_max_num_queries):
    services.vehicle_register(community=community, owner=civ_char, plate="CIV1")
    services.vehicle_register(community=community, owner=officer_char, plate="COP1", is_stolen=True)
    for i in range(10):
        services.vehicle_register(community=community, owner=officer_char, plate=f"FLEET{i}")
    assert [v["plate"] for v in as_(civilian).get("/api/vehicles").json()] == ["CIV1"]
    client = as_(officer)
    with django_assert_max_num_queries(10):
        everyone = client.get("/api/vehicles").json()
    assert len(everyone) == 12
    assert [v["plate"] for v in client.get("/api/vehicles?isStolen=true").json()] == ["COP1"]
    assert [v["plate"] for v in client.get("/api/vehicles?plate=civ").json()] == ["CIV1"]
    assert len(client.get(f"/api/vehicles?characterId={civ_char.pk}").json()) == 1
    assert client.get("/api/vehicles?characterId=nope").status_code == 400
    r = client.get("/api/vehicles?limit=5&offset=10")
    assert r["X-Total-Count"] == "12" and [v["plate"] for v in r.json()] == ["FLEET8", "FLEET9"]
    assert len(client.get("/api/vehicles?limit=abc").json()) == 12  # a bad limit falls back to the default


def test_update_and_stolen(as_, civilian, officer, admin, civ_char, community, django_capture_on_commit_callbacks,
                           events):
    v = services.vehicle_register(community=community, owner=civ_char, plate="CIV1")
    other = services.vehicle_register(community=community, owner=None, plate="TAKEN1")
    assert as_(officer).patch(f"/api/vehicles/{v.pk}", {"color": "Red"}, format="json").status_code == 403
    r = as_(civilian).patch(f"/api/vehicles/{v.pk}", {"plate": other.plate}, format="json")
    assert r.status_code == 409 and r.json()["vehicleId"] == str(other.pk)
    r = as_(civilian).patch(f"/api/vehicles/{v.pk}", {"year": 1700}, format="json")
    assert r.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        r = as_(civilian).patch(f"/api/vehicles/{v.pk}", {"color": "Red", "isStolen": True}, format="json")
    assert r.status_code == 200 and r.json()["isStolen"] is True and r.json()["color"] == "Red"
    assert ("vehicle-stolen",) in [n for n, _ in events]
    v.refresh_from_db()
    assert v.is_stolen and v.color == "Red" and v.plate == "CIV1" and v.year is None
    assert as_(admin).patch(f"/api/vehicles/{v.pk}", {"insuranceStatus": "none"}, format="json").status_code == 200


def test_deregister_archives_and_frees_plate(as_, civilian, civ_char, community):
    v = services.vehicle_register(community=community, owner=civ_char, plate="CIV1")
    assert as_(civilian).delete(f"/api/vehicles/{v.pk}").status_code == 204
    v.refresh_from_db()
    assert v.archived_at is not None
    again = services.vehicle_register(community=community, owner=civ_char, plate="CIV1")
    assert again.pk != v.pk


def test_set_stolen_service_is_idempotent(community, civ_char, django_capture_on_commit_callbacks, events):
    v = services.vehicle_register(community=community, owner=civ_char, plate="CIV1")
    with django_capture_on_commit_callbacks(execute=True):
        services.vehicle_set_stolen(vehicle=v, stolen=True)
        services.vehicle_set_stolen(vehicle=v, stolen=True)
        services.vehicle_set_stolen(vehicle=v, stolen=False)
    assert [n for n, _ in events] == [("vehicle-stolen",), ("vehicle-recovered",)]
    assert v.is_stolen is False
