from __future__ import annotations

import pytest

from characters import services
from characters.models import DrivingLicense

from .factories import enable_dmv

pytestmark = pytest.mark.django_db


def _licenses(community):
    return DrivingLicense.objects.for_community(community)


def test_module_off_is_403(as_, civilian, admin, civ_char, community):
    for client in (as_(civilian), as_(admin)):
        r = client.get("/api/licenses")
        assert r.status_code == 403 and r.json()["error"] == "The DMV module is disabled for this community"
    r = as_(civilian).post("/api/licenses", {"characterId": str(civ_char.pk), "class": "E"}, format="json")
    assert r.status_code == 403
    assert not _licenses(community).exists()


def test_self_register(as_, civilian, civ_char, community, django_capture_on_commit_callbacks, events):
    enable_dmv(community)
    with django_capture_on_commit_callbacks(execute=True):
        r = as_(civilian).post("/api/licenses", {"characterId": str(civ_char.pk), "class": "e"}, format="json")
    assert r.status_code == 201, r.content
    lic = r.json()["license"]
    assert lic["class"] == "E" and lic["className"] and lic["status"] == "valid" and lic["points"] == 0
    assert lic["characterId"] == str(civ_char.pk) and lic["suspendedUntil"] is None
    assert [n for n, _ in events] == [("license-updated",)]
    # One live license per character.
    r = as_(civilian).post("/api/licenses", {"characterId": str(civ_char.pk), "class": "A"}, format="json")
    assert r.status_code == 409 and r.json()["licenseId"] == lic["id"]


@pytest.mark.parametrize("payload, field", [
    ({"class": "Z"}, "class"),
    ({}, "class"),
    ({"class": "E", "characterId": "nope"}, "characterId"),
    ({"class": "E", "points": 5, "status": "gone"}, "status"),
    ({"class": "TOOLONGCLASS"}, "class"),
])
def test_register_bad_input(as_, admin, civ_char, community, payload, field):
    enable_dmv(community)
    payload = {"characterId": str(civ_char.pk), **payload}
    r = as_(admin).post("/api/licenses", payload, format="json")
    assert r.status_code == 400 and field in r.json()["fields"], r.content
    assert not _licenses(community).exists()


def test_points_are_read_only(as_, civilian, civ_char, community):
    enable_dmv(community)
    r = as_(civilian).post("/api/licenses", {"characterId": str(civ_char.pk), "class": "E", "points": 11},
                           format="json")
    assert r.status_code == 201 and r.json()["license"]["points"] == 0


def test_admin_issues_when_self_register_is_off(as_, civilian, officer, admin, civ_char, community):
    enable_dmv(community, self_register=False)
    r = as_(civilian).post("/api/licenses", {"characterId": str(civ_char.pk), "class": "E"}, format="json")
    assert r.status_code == 403
    assert not _licenses(community).exists()
    r = as_(admin).post("/api/licenses", {"characterId": str(civ_char.pk), "class": "M"}, format="json")
    assert r.status_code == 201 and r.json()["license"]["class"] == "M"


def test_self_register_only_own_and_plain(as_, civilian, officer, officer_char, civ_char, community):
    enable_dmv(community)
    r = as_(civilian).post("/api/licenses", {"characterId": str(officer_char.pk), "class": "E"}, format="json")
    assert r.status_code == 403
    r = as_(civilian).post("/api/licenses", {"characterId": str(civ_char.pk), "class": "E", "status": "revoked"},
                           format="json")
    assert r.status_code == 403
    assert not _licenses(community).exists()


def test_list_scoping_and_other_community(as_, civilian, officer, outsider, civ_char, officer_char, community,
                                          other_community, django_assert_max_num_queries):
    enable_dmv(community)
    enable_dmv(other_community)
    mine = services.license_issue(character=civ_char, license_class="E")
    services.license_issue(character=officer_char, license_class="A")
    assert [lic["id"] for lic in as_(civilian).get("/api/licenses").json()] == [str(mine.pk)]
    with django_assert_max_num_queries(10):
        assert len(as_(officer).get("/api/licenses").json()) == 2
    assert len(as_(officer).get("/api/licenses?status=suspended").json()) == 0
    assert as_(outsider).get("/api/licenses").json() == []


def test_admin_override_over_api(as_, civilian, admin, supervisor, civ_char, community):
    enable_dmv(community)
    lic = services.license_issue(character=civ_char, license_class="E")
    services.license_points_add(character=civ_char, points=12)
    lic.refresh_from_db()
    assert lic.status == "suspended"
    for user in (civilian, supervisor):
        r = as_(user).patch(f"/api/licenses/{lic.pk}", {"status": "valid"}, format="json")
        assert r.status_code == 403
    r = as_(admin).patch(f"/api/licenses/{lic.pk}", {"status": "bogus"}, format="json")
    assert r.status_code == 400
    r = as_(admin).patch(f"/api/licenses/{lic.pk}", {"status": "valid", "class": "B"}, format="json")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "valid" and body["override"] is True and body["class"] == "B" and body["points"] == 12
    assert services.license_recalculate(license=lic).status == "valid"
    r = as_(admin).patch(f"/api/licenses/{lic.pk}", {"clearOverride": True}, format="json")
    assert r.json()["status"] == "suspended" and r.json()["override"] is False
    r = as_(admin).patch(f"/api/licenses/{lic.pk}", {"status": "suspended",
                                                     "suspendedUntil": "2030-01-01T00:00:00Z"}, format="json")
    assert r.json()["suspendedUntil"].startswith("2030-01-01") and r.json()["override"] is True


def test_archive_is_admin_only(as_, civilian, admin, civ_char, community):
    enable_dmv(community)
    lic = services.license_issue(character=civ_char, license_class="E")
    assert as_(civilian).delete(f"/api/licenses/{lic.pk}").status_code == 403
    assert as_(admin).delete(f"/api/licenses/{lic.pk}").status_code == 204
    lic.refresh_from_db()
    assert lic.archived_at is not None
    assert services.license_points_add(character=civ_char, points=3) is None
    # The character may hold a license again.
    services.license_issue(character=civ_char, license_class="E")


def test_clear_and_set_together_is_400(as_, admin, civ_char, community):
    enable_dmv(community)
    lic = services.license_issue(character=civ_char, license_class="E")
    r = as_(admin).patch(f"/api/licenses/{lic.pk}", {"status": "revoked", "clearOverride": True}, format="json")
    assert r.status_code == 400 and "clearOverride" in r.json()["fields"]
    lic.refresh_from_db()
    assert lic.status == "valid" and not lic.override


def test_form_encoded_registration(as_, civilian, civ_char, community):
    enable_dmv(community)
    r = as_(civilian).post("/api/licenses", {"characterId": str(civ_char.pk), "class": "E"})
    assert r.status_code == 201, r.content


def test_override_dates(as_, admin, civ_char, community):
    enable_dmv(community)
    lic = services.license_issue(character=civ_char, license_class="E")
    r = as_(admin).patch(f"/api/licenses/{lic.pk}", {"status": "valid", "suspendedUntil": "2030-01-01T00:00:00Z"},
                         format="json")
    assert r.status_code == 400 and "suspendedUntil" in r.json()["fields"]
    r = as_(admin).patch(f"/api/licenses/{lic.pk}", {"suspendedUntil": "not a date"}, format="json")
    assert r.status_code == 400
    lic.refresh_from_db()
    assert lic.status == "valid" and not lic.override
    # A date alone suspends until then; a status alone suspends until cleared.
    r = as_(admin).patch(f"/api/licenses/{lic.pk}", {"suspendedUntil": "2030-01-01T00:00:00Z"}, format="json")
    assert r.json()["status"] == "suspended" and r.json()["suspendedUntil"].startswith("2030")
    r = as_(admin).patch(f"/api/licenses/{lic.pk}", {"status": "suspended"}, format="json")
    assert r.json()["status"] == "suspended" and r.json()["suspendedUntil"] is None
    r = as_(admin).patch(f"/api/licenses/{lic.pk}", {"clearOverride": True}, format="json")
    assert r.json()["status"] == "valid" and r.json()["override"] is False
