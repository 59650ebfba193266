"""Stolen / recovered through any dialect is one service (`characters.services.vehicle_mark_stolen`): a vehicle
stolen through one route and recovered through another leaves no open BOLO."""

from __future__ import annotations

from bolos.models import Bolo
from characters import services
from characters.models import Vehicle


def _open_bolos(community, vehicle):
    return list(Bolo.objects.for_community(community).filter(stolen_vehicle=vehicle, is_active=True))


def test_stolen_in_fivem_recovered_in_rest(server, as_, civilian, civ_char, community, events,
                                         django_capture_on_commit_callbacks):
    v = services.vehicle_register(community=community, owner=civ_char, plate="TWIN1", make="Vapid")
    with django_capture_on_commit_callbacks(execute=True):
        r = server.patch("/fivem/vehicles/twin1/stolen", {"stolen": True}, format="json")
    assert r.status_code == 200 and r.json() == {"ok": True, "plate": "TWIN1", "is_stolen": True}
    [bolo] = _open_bolos(community, v)
    assert bolo.vehicle_plate == "TWIN1" and bolo.type == "vehicle"
    assert {"vehicle-stolen", "new-bolo"} <= {n for names, _ in events for n in names}
    # The same call again reuses the open BOLO.
    assert server.patch("/fivem/vehicles/TWIN1/stolen", {"stolen": True}, format="json").status_code == 200
    assert len(_open_bolos(community, v)) == 1

    events.clear()
    with django_capture_on_commit_callbacks(execute=True):
        r = as_(civilian).patch(f"/api/vehicles/{v.pk}", {"isStolen": False}, format="json")
    assert r.status_code == 200 and r.json()["isStolen"] is False
    assert _open_bolos(community, v) == []
    assert {"vehicle-recovered", "bolo-removed"} <= {n for names, _ in events for n in names}


def test_stolen_in_rest_or_snaily_recovered_in_fivem(server, as_, admin, officer, civ_char, community):
    v = services.vehicle_register(community=community, owner=civ_char, plate="TWIN2")
    r = as_(admin).patch(f"/api/vehicles/{v.pk}", {"isStolen": True, "color": "Blue"}, format="json")
    assert r.status_code == 200 and r.json()["isStolen"] is True
    assert len(_open_bolos(community, v)) == 1
    r = server.patch("/fivem/vehicles/TWIN2/stolen", {"stolen": False}, format="json")
    assert r.json() == {"ok": True, "plate": "TWIN2", "is_stolen": False}
    assert _open_bolos(community, v) == []

    assert as_(officer).post(f"/api/bolos/mark-stolen/{v.pk}", {"value": True}, format="json").status_code == 200
    assert len(_open_bolos(community, v)) == 1
    assert server.patch("/fivem/vehicles/TWIN2/stolen", {"stolen": False}, format="json").status_code == 200
    assert _open_bolos(community, v) == []
    v.refresh_from_db()
    assert v.is_stolen is False


def test_bolo_permission_still_holds(server, as_, civilian, civ_char, community):
    """The token acts as supervisor; a civilian owner flags the car but may not open a BOLO."""
    community.bolo_permission = "admin"
    community.save(update_fields=["bolo_permission"])
    v = services.vehicle_register(community=community, owner=civ_char, plate="TWIN3")
    r = server.patch("/fivem/vehicles/TWIN3/stolen", {"stolen": True}, format="json")
    assert r.status_code == 200 and r.json()["is_stolen"] is True
    assert _open_bolos(community, v) == []
    community.bolo_permission = "all"
    community.save(update_fields=["bolo_permission"])
    r = as_(civilian).patch(f"/api/vehicles/{v.pk}", {"isStolen": False}, format="json")
    r = as_(civilian).patch(f"/api/vehicles/{v.pk}", {"isStolen": True}, format="json")
    assert r.status_code == 200 and r.json()["isStolen"] is True
    assert _open_bolos(community, v) == []


def test_bad_input_other_community_and_role(server, other_server, as_, officer, civ_char, community):
    v = services.vehicle_register(community=community, owner=civ_char, plate="TWIN4")
    assert server.patch("/fivem/vehicles/TWIN4/stolen", {"stolen": "yes"}, format="json").status_code == 400
    assert as_(officer).patch(f"/api/vehicles/{v.pk}", {"isStolen": True}, format="json").status_code == 403
    assert other_server.patch("/fivem/vehicles/TWIN4/stolen", {"stolen": True}, format="json").status_code == 404
    assert Vehicle.objects.for_community(community).get(pk=v.pk).is_stolen is False
    assert _open_bolos(community, v) == []
