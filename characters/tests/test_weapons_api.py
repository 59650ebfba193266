from __future__ import annotations

import pytest

from characters import services
from characters.models import Weapon, WeaponLicenseApplication

from .factories import enable_weapons

pytestmark = pytest.mark.django_db


def test_module_off_is_403(as_, civilian, supervisor, civ_char, community):
    r = as_(civilian).post("/api/weapons", {"characterId": str(civ_char.pk), "serialNumber": "S1"}, format="json")
    assert r.status_code == 403 and r.json()["error"] == "The weapons module is disabled for this community"
    assert as_(supervisor).get("/api/weapon-license-applications").status_code == 403
    assert not Weapon.objects.for_community(community).exists()


def test_register_list_conflict(as_, civilian, officer, civ_char, officer_char, community,
                                django_capture_on_commit_callbacks, events, django_assert_max_num_queries):
    enable_weapons(community)
    with django_capture_on_commit_callbacks(execute=True):
        r = as_(civilian).post("/api/weapons", {"characterId": str(civ_char.pk), "serialNumber": "sn-001",
                                                "make": "Colt", "model": "M1911", "caliber": ".45 ACP"}, format="json")
    assert r.status_code == 201, r.content
    w = r.json()["weapon"]
    assert w["serialNumber"] == "SN-001" and w["ownerName"] == "Carl Civvy"
    assert [n for n, _ in events] == [("weapon-registered",)]
    r = as_(officer).post("/api/weapons", {"characterId": str(officer_char.pk), "serialNumber": "SN-001"},
                          format="json")
    assert r.status_code == 409 and r.json()["weaponId"] == w["id"]
    for i in range(5):
        services.weapon_register(community=community, owner=officer_char, serial_number=f"DUTY{i}")
    assert [x["id"] for x in as_(civilian).get("/api/weapons").json()] == [w["id"]]
    with django_assert_max_num_queries(10):
        assert len(as_(officer).get("/api/weapons").json()) == 6
    assert len(as_(officer).get("/api/weapons?serialNumber=duty").json()) == 5


def test_register_bad_input_and_roles(as_, civilian, officer, civ_char, foreign_char, community,
                                      other_community):
    enable_weapons(community)
    enable_weapons(other_community)
    for payload, field in (({"serialNumber": "S1"}, "characterId"),
                           ({"characterId": str(civ_char.pk), "serialNumber": "bad serial!"}, "serialNumber"),
                           ({"characterId": str(foreign_char.pk), "serialNumber": "S1"}, "characterId")):
        r = as_(civilian).post("/api/weapons", payload, format="json")
        assert r.status_code == 400 and field in r.json()["fields"], r.content
    r = as_(officer).post("/api/weapons", {"characterId": str(civ_char.pk), "serialNumber": "S1"}, format="json")
    assert r.status_code == 403
    assert not Weapon.objects.for_community(community).exists()
    w = services.weapon_register(community=community, owner=civ_char, serial_number="S2")
    assert as_(officer).patch(f"/api/weapons/{w.pk}", {"caliber": "9mm"}, format="json").status_code == 403
    assert as_(civilian).patch(f"/api/weapons/{w.pk}", {"caliber": "9mm"}, format="json").json()["caliber"] == "9mm"
    assert as_(officer).delete(f"/api/weapons/{w.pk}").status_code == 403
    assert as_(civilian).delete(f"/api/weapons/{w.pk}").status_code == 204
    w.refresh_from_db()
    assert w.archived_at is not None


def test_license_application_flow(as_, civilian, officer, supervisor, civ_char, officer_char, community,
                                  django_capture_on_commit_callbacks, events):
    enable_weapons(community)
    assert services.weapons_license_status(civ_char) == "none"
    r = as_(civilian).post("/api/weapon-license-applications", {"characterId": str(civ_char.pk),
                                                                "notes": "Hunting"}, format="json")
    assert r.status_code == 201, r.content
    app = r.json()["application"]
    assert app["status"] == "pending" and app["characterName"] == "Carl Civvy"
    assert services.weapons_license_status(civ_char) == "pending"
    r = as_(civilian).post("/api/weapon-license-applications", {"characterId": str(civ_char.pk)}, format="json")
    assert r.status_code == 409
    # Applying for someone else's character, deciding as a civilian or officer: 403.
    r = as_(civilian).post("/api/weapon-license-applications", {"characterId": str(officer_char.pk)}, format="json")
    assert r.status_code == 403
    for user in (civilian, officer):
        assert as_(user).post(f"/api/weapon-license-applications/{app['id']}/approve").status_code == 403
    assert as_(officer).get("/api/weapon-license-applications?status=pending").json()[0]["id"] == app["id"]

    r = as_(supervisor).post(f"/api/weapon-license-applications/{app['id']}/deny", {"reason": "x" * 3000},
                             format="json")
    assert r.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        r = as_(supervisor).post(f"/api/weapon-license-applications/{app['id']}/deny", {"reason": "Record"},
                                 format="json")
    assert r.status_code == 200 and r.json()["application"]["status"] == "denied"
    assert r.json()["application"]["decidedBy"] == str(supervisor.pk)
    assert ("weapon-license-decided",) in [n for n, _ in events]
    assert services.weapons_license_status(civ_char) == "denied"
    r = as_(supervisor).post(f"/api/weapon-license-applications/{app['id']}/approve")
    assert r.status_code == 409

    second = services.weapon_license_apply(character=civ_char)
    r = as_(supervisor).post(f"/api/weapon-license-applications/{second.pk}/approve")
    assert r.status_code == 200 and r.json()["application"]["status"] == "approved"
    assert services.weapons_license_status(civ_char) == "approved"
    r = as_(civilian).post("/api/weapon-license-applications", {"characterId": str(civ_char.pk)}, format="json")
    assert r.status_code == 409
    assert WeaponLicenseApplication.objects.for_community(community).count() == 2


def test_the_game_server_decides_applications(server, civ_char, community):
    enable_weapons(community)
    app = services.weapon_license_apply(character=civ_char)
    # The community's game server acts as a supervisor.
    r = server.post(f"/api/weapon-license-applications/{app.pk}/approve")
    assert r.status_code == 200 and r.json()["application"]["decidedBy"] is None


def test_decide_service_checks_role(community, civ_char, civilian, outsider):
    enable_weapons(community)
    app = services.weapon_license_apply(character=civ_char)
    from cad.core.errors import Forbidden

    for by in (civilian, outsider, None):
        with pytest.raises(Forbidden):
            services.weapon_license_decide(application=app, approve=True, by=by)
