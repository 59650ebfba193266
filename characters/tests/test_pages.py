"""The civilian pages (server side): every action's success, bad input (the form's error, nothing
changed), another member's or community's rows (404), and who may (the page checks roles itself)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from cad.core import services as core_services

from ..models import Character, Vehicle, Weapon, WeaponLicenseApplication
from .factories import enable_dmv, enable_weapons, make_character


@pytest.fixture
def civ(client, civilian):
    client.force_login(civilian)
    return client


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, "PNG")
    return buf.getvalue()


def test_signed_out_goes_to_sign_in(client, community):
    r = client.get("/characters")
    assert r.status_code == 302 and "/login" in r["Location"]


def test_list_shows_only_my_characters(civ, community, civ_char, officer_char, foreign_char):
    body = civ.get("/characters").content.decode()
    assert "Carl Civvy" in body and "Olivia Officer" not in body and "Fred Foreign" not in body
    assert "New character" in body and 'href="/911"' in body


def test_create_character(civ, community, civilian):
    r = civ.post("/characters/new", {"first_name": "Jane", "last_name": "Doe", "type": "civilian",
                                     "date_of_birth": "1990-04-15"})
    assert r.status_code == 302
    jane = Character.objects.for_community(community).get(first_name="Jane")
    assert jane.user == civilian and r["Location"] == f"/characters/{jane.pk}"


@pytest.mark.parametrize("data", [
    {"first_name": "", "last_name": "Doe", "type": "civilian"},
    {"first_name": "Jane", "last_name": "Doe", "type": "leo"},  # a civilian member may not play leo
    {"first_name": "Jane", "last_name": "Doe", "type": "civilian", "date_of_birth": "someday"},
    {"first_name": "Jane", "last_name": "Doe", "type": "wizard"},
])
def test_bad_character_changes_nothing(civ, community, data):
    r = civ.post("/characters/new", data)
    assert r.status_code == 400
    assert not Character.objects.for_community(community).filter(last_name="Doe").exists()


def test_officer_may_play_leo(client, community, officer):
    client.force_login(officer)
    r = client.post("/characters/new", {"first_name": "Olly", "last_name": "Cop", "type": "leo", "callsign": "1-A-1"})
    assert r.status_code == 302


def test_someone_elses_character_is_not_found(civ, community, officer_char, foreign_char):
    for character in (officer_char, foreign_char):
        assert civ.get(f"/characters/{character.pk}").status_code == 404
        assert civ.post(f"/characters/{character.pk}/edit", {"first_name": "X", "last_name": "Y",
                                                             "type": "civilian"}).status_code == 404
        assert civ.post(f"/characters/{character.pk}/archive").status_code == 404
    assert civ.get("/characters/not-a-uuid").status_code == 404
    officer_char.refresh_from_db()
    assert officer_char.first_name == "Olivia" and officer_char.archived_at is None


def test_edit_and_archive(civ, community, civ_char):
    r = civ.post(f"/characters/{civ_char.pk}/edit", {"first_name": "Carla", "last_name": "Civvy",
                                                     "type": "civilian"})
    assert r.status_code == 302
    civ_char.refresh_from_db()
    assert civ_char.first_name == "Carla"
    assert civ.post(f"/characters/{civ_char.pk}/edit", {"first_name": "", "last_name": "Civvy",
                                                        "type": "civilian"}).status_code == 400
    assert civ.post(f"/characters/{civ_char.pk}/archive").status_code == 302
    civ_char.refresh_from_db()
    assert civ_char.archived_at is not None  # archived, never deleted
    assert civ.get(f"/characters/{civ_char.pk}").status_code == 404


def test_activate(civ, community, civilian, civ_char):
    other = make_character(community, civilian, first="Second", last="Self")
    assert civ.post(f"/characters/{other.pk}/activate", {"next": "https://evil.example/"}).status_code == 302
    from characters.services import active_character

    assert active_character(civilian, community) == other


def test_mugshot(civ, community, civ_char, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = civ.post(f"/characters/{civ_char.pk}/mugshot", {"mugshot": SimpleUploadedFile("m.png", _png(), "image/png")})
    assert r.status_code == 302
    civ_char.refresh_from_db()
    assert civ_char.mugshot
    assert civ.get(civ_char.mugshot.url).status_code == 200  # through the private media view
    r = civ.post(f"/characters/{civ_char.pk}/mugshot", {"mugshot": SimpleUploadedFile("m.png", b"not an image")})
    assert r.status_code == 400


def test_vehicle_register_stolen_recovered_deregister(civ, community, civ_char, server):
    r = civ.post(f"/characters/{civ_char.pk}/vehicles", {"plate": "abc 123", "make": "Vapid", "model": "Dominator"})
    assert r.status_code == 302
    vehicle = Vehicle.objects.for_community(community).get(plate="ABC123")
    assert civ.post(f"/characters/{civ_char.pk}/vehicles", {"plate": "ABC123"}).status_code == 400  # taken
    assert civ.post(f"/characters/{civ_char.pk}/vehicles", {"plate": "!"}).status_code == 400
    assert civ.post(f"/vehicles/{vehicle.pk}/stolen", {"stolen": "maybe"}).status_code == 400
    assert civ.post(f"/vehicles/{vehicle.pk}/stolen", {"stolen": "true"}).status_code == 302
    vehicle.refresh_from_db()
    assert vehicle.is_stolen
    assert server.get("/fivem/lookup/plate/ABC123").json()["flags"]["is_stolen"] is True
    assert civ.post(f"/vehicles/{vehicle.pk}/stolen", {"stolen": "false"}).status_code == 302
    vehicle.refresh_from_db()
    assert not vehicle.is_stolen
    r = civ.post(f"/vehicles/{vehicle.pk}/edit", {"plate": "ABC123", "make": "Bravado", "year": "2020"})
    assert r.status_code == 302
    vehicle.refresh_from_db()
    assert (vehicle.make, vehicle.year) == ("Bravado", 2020)
    assert civ.post(f"/vehicles/{vehicle.pk}/edit", {"plate": "ABC123", "year": "1066"}).status_code == 400
    assert civ.post(f"/vehicles/{vehicle.pk}/deregister").status_code == 302
    vehicle.refresh_from_db()
    assert vehicle.archived_at is not None


def test_someone_elses_vehicle_is_not_found(civ, community, officer_char, foreign_char):
    for owner in (officer_char, foreign_char):
        v = Vehicle.objects.create(community_id=owner.community_id, owner=owner,
                                                     plate=f"P{str(owner.pk)[:5]}".upper())
        for path in (f"/vehicles/{v.pk}/edit", f"/vehicles/{v.pk}/deregister"):
            assert civ.post(path, {"plate": "ZZZ999"}).status_code == 404
        assert civ.post(f"/vehicles/{v.pk}/stolen", {"stolen": "true"}).status_code == 404
        v.refresh_from_db()
        assert not v.is_stolen and v.archived_at is None


def test_licences_are_read_only_with_points(civ, community, civ_char):
    enable_dmv(community)
    from characters import services

    services.license_issue(character=civ_char, license_class="E")
    services.license_points_add(character=civ_char, points=3, source="Speeding")
    body = civ.get(f"/characters/{civ_char.pk}").content.decode()
    assert "Driving licence" in body and "Speeding" in body and "Expires" in body


def test_weapons(civ, community, civ_char):
    assert civ.post(f"/characters/{civ_char.pk}/weapons", {"serial_number": "SN1"}).status_code == 400  # module off
    enable_weapons(community)
    assert civ.post(f"/characters/{civ_char.pk}/weapons", {"serial_number": "SN-1", "make": "Colt"}).status_code == 302
    assert Weapon.objects.for_community(community).filter(owner=civ_char).count() == 1
    assert civ.post(f"/characters/{civ_char.pk}/weapon-license", {"notes": "Hunting"}).status_code == 302
    assert civ.post(f"/characters/{civ_char.pk}/weapon-license", {"notes": "Again"}).status_code == 400  # pending
    assert WeaponLicenseApplication.objects.for_community(community).filter(character=civ_char).count() == 1
    assert "Pending" in civ.get(f"/characters/{civ_char.pk}").content.decode()


def test_non_member_gets_no_community_page(client, db):
    lonely = core_services.user_ensure(username="lonely", password="pw")
    client.force_login(lonely)
    assert client.get("/characters").status_code == 403


def test_navigation_switcher(civ, community, civilian, civ_char, officer_char):
    second = make_character(community, civilian, first="Second", last="Self")
    body = civ.get("/characters").content.decode()
    assert 'id="character-switch"' in body and "Second Self" in body and "Olivia" not in body
    assert civ.post("/characters/active", {"character": str(second.pk), "next": "/characters"}).status_code == 302
    from characters.services import active_character

    assert active_character(civilian, community) == second
    civ.post("/characters/active", {"character": str(officer_char.pk)})  # someone else's: refused
    civ.post("/characters/active", {"character": "junk"})
    assert active_character(civilian, community) == second
