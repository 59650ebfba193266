"""004's /fivem/* routes: token auth, snake_case, the token's community only."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from cad.core import services as core_services
from characters import services
from characters.models import Character, Vehicle

pytestmark = pytest.mark.django_db


def test_player_connect(server, officer, officer_char, community):
    from cad.core.models import Department

    lspd = Department.objects.for_community(community).get(short_name="LSPD")
    services.character_update(character=officer_char, department=lspd)
    r = server.post("/fivem/player-connect", {"discord_id": "100000000000000001"}, format="json")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["registered"] is True
    assert body["user"] == {"id": str(officer.pk), "username": "officer_a", "discord_id": "100000000000000001"}
    assert body["characters"] == [{"id": str(officer_char.pk), "first_name": "Olivia", "last_name": "Officer",
                                   "type": "leo", "callsign": "1-A-12", "dept_short": "LSPD"}]


def test_player_connect_unknown_or_foreign(server, other_server, officer, outsider):
    assert server.post("/fivem/player-connect", {"discord_id": "999"}, format="json").json() == {"registered": False}
    # A known Discord ID whose user is not a member of the token's community is not registered there.
    r = other_server.post("/fivem/player-connect", {"discord_id": "100000000000000001"}, format="json")
    assert r.json() == {"registered": False}
    r = server.post("/fivem/player-connect", {}, format="json")
    assert r.status_code == 400 and "discord_id" in r.json()["fields"]


def test_fivem_needs_a_token_or_supervisor(as_, officer, client):
    assert as_(officer).post("/fivem/player-connect", {"discord_id": "1"}, format="json").status_code == 403
    assert client.post("/fivem/player-connect", {"discord_id": "1"}, content_type="application/json").status_code in (
        401, 403)


def test_create_character(server, civilian, community):
    r = server.post("/fivem/create-character", {"user_id": civilian.pk, "first_name": "Gina", "last_name": "Game",
                                                "type": "tow"}, format="json")
    assert r.status_code == 201, r.content
    row = r.json()
    assert "_id" not in row and row["first_name"] == "Gina" and row["type"] == "tow"
    assert row["user_id"] == str(civilian.pk) and row["license_number"].startswith("DL-")
    assert Character.objects.for_community(community).get(pk=row["id"]).user == civilian


@pytest.mark.parametrize("payload, field", [
    ({"first_name": "A", "last_name": "B"}, "user_id"),
    ({"user_id": "abc", "first_name": "A", "last_name": "B"}, "user_id"),
    ({"user_id": "USER", "last_name": "B"}, "first_name"),
    ({"user_id": "USER", "first_name": "A", "last_name": "B", "type": "pilot"}, "type"),
])
def test_create_character_bad_input(server, civilian, community, payload, field):
    payload = {k: (civilian.pk if v == "USER" else v) for k, v in payload.items()}
    r = server.post("/fivem/create-character", payload, format="json")
    assert r.status_code == 400 and field in r.json()["fields"], r.content
    assert Character.objects.for_community(community).count() == 0


def test_create_character_user_must_be_member(server, outsider, community):
    stranger = get_user_model().objects.create(username="stranger")
    for user in (outsider, stranger):
        r = server.post("/fivem/create-character", {"user_id": str(user.pk), "first_name": "A", "last_name": "B"},
                        format="json")
        assert r.status_code == 400 and "user_id" in r.json()["fields"]
    assert Character.objects.for_community(community).count() == 0


def test_vehicles_register_conflict_delete_stolen(server, civ_char, community):
    r = server.post("/fivem/vehicles", {"character_id": str(civ_char.pk), "plate": "abc123", "make": "Vapid",
                                        "year": 2020}, format="json")
    assert r.status_code == 201, r.content
    row = r.json()
    assert row["plate"] == "ABC123" and row["character_id"] == str(civ_char.pk) and "_id" not in row
    assert row["make"] == "Vapid" and row["year"] == 2020 and row["is_stolen"] is False

    r = server.post("/fivem/vehicles", {"character_id": str(civ_char.pk), "plate": "ABC123"}, format="json")
    assert r.status_code == 409
    assert r.json() == {"error": "Plate ABC123 is already registered", "vehicle_id": row["id"],
                        "owner_character_id": str(civ_char.pk)}

    r = server.patch("/fivem/vehicles/abc123/stolen", {"stolen": True}, format="json")
    assert r.json() == {"ok": True, "plate": "ABC123", "is_stolen": True}
    r = server.patch("/fivem/vehicles/ABC123/stolen", {"stolen": "yes"}, format="json")
    assert r.status_code == 400
    assert Vehicle.objects.for_community(community).get(pk=row["id"]).is_stolen is True

    r = server.delete("/fivem/vehicles/abc123")
    assert r.status_code == 200 and r.json() == {"ok": True, "plate": "ABC123"}
    assert Vehicle.objects.for_community(community).get(pk=row["id"]).archived_at is not None
    assert server.delete("/fivem/vehicles/ABC123").status_code == 404
    assert server.patch("/fivem/vehicles/ABC123/stolen", {"stolen": False}, format="json").status_code == 404


def test_vehicles_bad_input(server, civ_char, community):
    for payload, field in (({"plate": "ABC123"}, "character_id"),
                           ({"character_id": str(civ_char.pk), "plate": "!"}, "plate"),
                           ({"character_id": "nope", "plate": "ABC123"}, "character_id")):
        r = server.post("/fivem/vehicles", payload, format="json")
        assert r.status_code == 400 and field in r.json()["fields"], r.content
    assert not Vehicle.objects.for_community(community).exists()


def test_vehicles_other_community(other_server, server, civ_char, foreign_char, community):
    services.vehicle_register(community=community, owner=civ_char, plate="HOME1")
    assert other_server.delete("/fivem/vehicles/HOME1").status_code == 404
    assert other_server.patch("/fivem/vehicles/HOME1/stolen", {"stolen": True}, format="json").status_code == 404
    r = other_server.post("/fivem/vehicles", {"character_id": str(civ_char.pk), "plate": "X1"}, format="json")
    assert r.status_code == 400
    assert Vehicle.objects.for_community(community).get(plate="HOME1").is_stolen is False
    # A token names its own community; asking for another is 403.
    r = server.post(f"/fivem/player-connect?community_id={foreign_char.community_id}", {"discord_id": "1"},
                    format="json")
    assert r.status_code == 403


def test_revoked_token_is_rejected(api_token, community):
    from rest_framework.test import APIClient

    token = community.api_tokens.get()
    core_services.token_revoke(token=token)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token}")
    assert client.post("/fivem/player-connect", {"discord_id": "1"}, format="json").status_code in (401, 403)
