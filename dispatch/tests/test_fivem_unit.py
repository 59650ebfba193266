"""GET /fivem/unit and GET /fivem/status-codes: what the game-server resource reads to resume a player's
duty and to list the `/status` codes."""

from __future__ import annotations

from dispatch import services


def test_unit_of_an_on_duty_character(server, leo, unit):
    services.unit_set_status(unit=unit, status="10-6")
    body = server.get("/fivem/unit", {"character_id": str(leo.pk)}).json()
    assert body["on_duty"] is True and body["callsign"] == unit.name and body["unit_id"] == str(unit.pk)
    assert (body["status"], body["state"], body["status_code"], body["call_id"]) == ("10-6", "busy", "10-6", None)


def test_unit_of_an_off_duty_character(server, leo):
    body = server.get("/fivem/unit", {"character_id": str(leo.pk)}).json()
    assert (body["on_duty"], body["status"], body["unit_id"]) == (False, "offline", None)


def test_unit_bad_input_other_community_and_auth(server, other_server, client, leo):
    assert server.get("/fivem/unit").status_code == 400
    assert server.get("/fivem/unit", {"character_id": "nope"}).status_code == 400
    assert other_server.get("/fivem/unit", {"character_id": str(leo.pk)}).status_code == 404
    assert client.get("/fivem/unit", {"character_id": str(leo.pk)}).status_code == 401


def test_status_codes(server, other_server, client, as_, civilian):
    codes = server.get("/fivem/status-codes").json()
    assert [c["code"] for c in codes][:2] == ["10-8", "10-6"]
    assert {"code": "10-97", "name": "On Scene", "state": "on_scene"} in codes
    assert client.get("/fivem/status-codes").status_code == 401
    assert as_(civilian).get("/fivem/status-codes").status_code == 403
