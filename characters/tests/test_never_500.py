"""Garbage in every write endpoint of the app: a 4xx (a PATCH naming no field of the resource is a 200 no-op), never a 500, and
nothing written."""

from __future__ import annotations

import pytest

from characters import services
from characters.models import Character, DrivingLicense, Vehicle, Weapon, WeaponLicenseApplication

from .factories import enable_dmv, enable_weapons

pytestmark = pytest.mark.django_db

GARBAGE = [
    [], "string", 12, None, {"": None}, [1, 2],
    {"firstName": ["x"], "lastName": {"a": 1}, "type": 5, "flags": [None], "dateOfBirth": 7},
    {"characterId": ["x"], "plate": 12345678901, "year": "1e9", "isStolen": "maybe", "vin": None},
    {"characterId": {"id": 1}, "class": ["E"], "status": None, "suspendedUntil": "tomorrow", "clearOverride": "x"},
    {"serialNumber": None, "characterId": 0, "make": ["a"]},
    {"reason": ["x"], "notes": {"a": 1}},
    {"discord_id": ["x"], "user_id": -1, "first_name": None, "character_id": 3.5, "stolen": None},
]


def _counts(community):
    return tuple(m.objects.for_community(community).count()
                 for m in (Character, Vehicle, DrivingLicense, Weapon, WeaponLicenseApplication))


def test_garbage_never_500(as_, admin, server, civ_char, community):
    enable_dmv(community)
    enable_weapons(community)
    vehicle = services.vehicle_register(community=community, owner=civ_char, plate="KEEP1")
    lic = services.license_issue(character=civ_char, license_class="E")
    weapon = services.weapon_register(community=community, owner=civ_char, serial_number="KEEP1")
    app = services.weapon_license_apply(character=civ_char)
    before = _counts(community)
    api = as_(admin)
    api_targets = [
        ("post", "/api/characters"), ("patch", f"/api/characters/{civ_char.pk}"),
        ("put", f"/api/characters/{civ_char.pk}"), ("post", f"/api/characters/{civ_char.pk}/mugshot"),
        ("post", "/api/vehicles"), ("patch", f"/api/vehicles/{vehicle.pk}"), ("put", f"/api/vehicles/{vehicle.pk}"),
        ("post", "/api/licenses"), ("patch", f"/api/licenses/{lic.pk}"),
        ("post", "/api/weapons"), ("patch", f"/api/weapons/{weapon.pk}"),
        ("post", "/api/weapon-license-applications"),
    ]
    fivem_targets = [("post", "/fivem/player-connect"), ("post", "/fivem/create-character"),
                     ("post", "/fivem/vehicles"), ("patch", "/fivem/vehicles/KEEP1/stolen"),
                     ("delete", "/fivem/vehicles/%%%")]
    for client, targets in ((api, api_targets), (server, fivem_targets)):
        for method, url in targets:
            for body in GARBAGE:
                r = getattr(client, method)(url, body, format="json")
                # A PATCH naming none of the resource's fields is a valid no-op; the rest is refused.
                ok = (200,) if method == "patch" and (body is None or isinstance(body, dict)) else ()
                assert 400 <= r.status_code < 500 or r.status_code in ok, (
                    method, url, body, r.status_code, r.content[:300])
            r = getattr(client, method)(url, b"{not json", content_type="application/json")
            assert 400 <= r.status_code < 500, (method, url, r.status_code)
    for body in ([], "string", 12, [1, 2], {"reason": ["x"]}, {"reason": {"a": 1}}):
        r = api.post(f"/api/weapon-license-applications/{app.pk}/deny", body, format="json")
        assert r.status_code == 400, (body, r.content)
    assert _counts(community) == before
    civ_char.refresh_from_db()
    vehicle.refresh_from_db()
    lic.refresh_from_db()
    app.refresh_from_db()
    assert (civ_char.first_name, vehicle.plate, lic.status, app.status) == ("Carl", "KEEP1", "valid", "pending")
