"""Every command and keybind of cad_mdt, run as a player would, checked in the CAD."""

from __future__ import annotations

import pytest

from bolos.models import Bolo
from calls.models import Call, CallAssignment
from characters.models import Vehicle
from dispatch import selectors as dispatch_selectors
from dispatch.models import Unit
from records.models import Citation, Report

from .scenes import CIVILIAN_DISCORD, on_duty

DUTY_COMMANDS = ["/cadcall Fight in progress", "/respond 1", "/onscene", "/closecall", "/clearcall", "/scenecommand",
                 "/releasescene", "/status 10-6", "/lookup ABC123", "/report Title | Body", "/citation x v 1 1",
                 "/ts ABC123", "/stolenvehicle ABC123", "/recovervehicle ABC123", "/bolo ABC123 Red car"]


def test_duty_requirement_then_duty_on_and_off(game, world):
    game.join(1, discord="100000000000000001", name="Officer")
    game.command(1, "/cadchar 1")
    before = len(game.requests)
    for line in DUTY_COMMANDS:
        game.command(1, line)
        assert "You must be on duty" in game.last_chat(1), line
    game.press(1, "F9")
    assert "You must be on duty" in game.last_chat(1)
    assert len(game.requests) == before  # refused in the game: nothing reached the CAD
    game.command(1, "/duty")
    unit = Unit.objects.for_community(world["community"]).get(character=world["leo"], on_duty=True)
    assert "You are on duty as 1-ADAM-12" in game.last_chat(1) and unit.name == "1-ADAM-12"
    game.command(1, "/duty")
    assert "You are off duty." in game.last_chat(1)
    assert not Unit.objects.for_community(world["community"]).filter(character=world["leo"], on_duty=True).exists()


def test_duty_needs_a_character_the_cad_accepts_and_the_ace_when_configured(game, world):
    game.join(2, discord=CIVILIAN_DISCORD, name="Civ")  # one civilian character: auto-selected
    game.command(2, "/duty")
    assert game.last_chat(2).startswith("Duty change failed:")
    assert game.player(2)["onDuty"] is False
    game.world.server.Config.DutyAce = "cad_mdt.duty"
    game.join(1, discord="100000000000000001", name="Officer")
    game.command(1, "/cadchar 1")
    game.command(1, "/duty")
    assert "not allowed to go on duty" in game.last_chat(1)
    game.allow(1, "cad_mdt.duty")
    game.command(1, "/duty")
    assert game.player(1)["onDuty"] is True


def test_911_and_cadcall_fill_postal_and_location(game, world):
    game.join(2, discord=CIVILIAN_DISCORD, name="Civ", at=(-790.0, 905.0, 30.0, 0.0))
    game.advance(3500)  # the client reports its street and zone
    game.command(2, "/911 Shots fired near the fountain")
    call = Call.objects.for_community(world["community"]).get()
    assert call.title == "Shots fired near the fountain" and call.created_by_character_id == world["jane"].pk
    assert call.postal == "303" and (call.x, call.y) == (-790.0, 905.0)  # raw coordinates, nearest postal
    assert call.location == "Vespucci Boulevard / San Andreas Avenue, Legion Square"
    assert call.origin == "CALLER"
    assert "Call #1 created: Shots fired near the fountain (postal 303)" in game.last_chat(2)
    on_duty(game, world)
    game.command(1, "/cadcall 10-50 MVA | two cars, one on its roof")
    mva = Call.objects.for_community(world["community"]).get(number=2)
    assert (mva.title, mva.description, mva.origin, mva.postal) == ("10-50 MVA", "two cars, one on its roof",
                                                                    "OBSERVED", "101")
    # without text: the form opens; its fields take the same path
    game.command(2, "/911")
    form = game.client_events(2, "cad_mdt:openForm")[-1]["args"][0]
    assert form["name"] == "call911" and [f["name"] for f in form["fields"]] == ["title", "description"]
    game.submit_form(2, "call911", {"title": "Noise complaint", "description": "Loud music"})
    assert Call.objects.for_community(world["community"]).filter(title="Noise complaint").exists()


def test_incoming_call_overlay_f6_responds_f7_dismisses_and_the_call_commands(game, world):
    unit = on_duty(game, world)
    game.join(2, discord=CIVILIAN_DISCORD, name="Civ", at=(1490.0, 1510.0, 30.0, 0.0))
    game.command(2, "/911 Robbery at the store")
    game.advance(15000)  # the poll
    shown = [m for m in game.nui(1) if m["type"] == "incoming:show"]
    assert shown and shown[-1]["call"]["title"] == "Robbery at the store" and shown[-1]["sound"]["event"] == "new_call"
    assert shown[-1]["keys"] == {"respond": "F6", "dismiss": "F7"}
    assert any("Robbery at the store" in n for n in game.notifications(1))
    assert not [m for m in game.nui(2) if m["type"] == "incoming:show"]  # off-duty players are not disturbed
    assert game.press(1, "F6") == "cad_respond"
    call = Call.objects.for_community(world["community"]).get(title="Robbery at the store")
    assignment = CallAssignment.objects.for_community(world["community"]).get(call=call, unit=unit)
    assert assignment.state == "enroute"
    assert game.waypoint(1) == {"x": 1490.0, "y": 1510.0}
    assert game.player(1)["callNumber"] == call.number
    game.command(1, "/onscene")
    assignment.refresh_from_db()
    assert assignment.state == "on_scene" and "On scene at call #1" in game.last_chat(1)
    game.command(1, "/scenecommand")
    call.refresh_from_db()
    assert call.scene_commander_id == unit.pk
    game.command(1, "/releasescene")
    call.refresh_from_db()
    assert call.scene_commander_id is None
    game.command(1, "/clearcall")
    assert not CallAssignment.objects.for_community(world["community"]).filter(call=call, unit=unit).exists()
    assert "Cleared from call #1" in game.last_chat(1) and "callId" not in game.player(1)
    game.command(1, f"/respond #{call.number}")
    game.command(1, "/closecall")
    call.refresh_from_db()
    assert call.closed_at is not None and "Call #1 closed." in game.last_chat(1)
    # F7: a second call is dismissed without responding
    game.command(2, "/911 Suspicious person")
    game.advance(15000)
    requests = len(game.requests_to("/fivem/respond"))
    assert game.press(1, "F7") == "cad_dismiss"
    assert game.nui(1)[-1]["type"] == "incoming:hide" and "incoming" not in game.player(1)
    assert len(game.requests_to("/fivem/respond")) == requests
    game.press(1, "F6")  # nothing shown any more: nothing happens
    assert len(game.requests_to("/fivem/respond")) == requests


def test_status_list_and_set_off_a_call(game, world):
    unit = on_duty(game, world)
    game.command(1, "/status")
    listing = game.last_chat(1)
    assert "10-8 - Available" in listing and "10-97 - On Scene" in listing
    game.command(1, "/status 10-6")
    unit.refresh_from_db()
    assert (unit.state, unit.status_code.code, unit.current_call_id) == ("busy", "10-6", None)
    assert "Status set to 10-6" in game.last_chat(1)
    game.command(1, "/status 10-99")
    assert game.last_chat(1).startswith("Status change failed:") and "10-8" in game.last_chat(1)


def test_vehicles_lookups_traffic_stop_and_bolo(game, world):
    game.join(2, discord=CIVILIAN_DISCORD, name="Civ")
    game.enter_vehicle(2, "ABC 123 ", make="VAPID", model_name="DOMINATOR", colour=0)
    game.command(2, "/regvehicle")
    vehicle = Vehicle.objects.for_community(world["community"]).get(plate="ABC123")
    assert (vehicle.owner_id, vehicle.make, vehicle.model, vehicle.color) == (world["jane"].pk, "VAPID", "DOMINATOR",
                                                                              "Black")
    game.command(2, "/regvehicle")
    assert "already registered" in game.last_chat(2)
    on_duty(game, world)
    game.command(1, "/lookup ABC123")
    assert "ABC123: Black VAPID DOMINATOR, owner Jane Doe. no flags" in game.last_chat(1)
    game.command(1, "/lookup Jane Doe")
    assert "Jane Doe" in game.last_chat(1) and "ABC123" in game.last_chat(1)
    game.command(1, "/stolenvehicle abc123")
    vehicle.refresh_from_db()
    assert vehicle.is_stolen is True
    game.command(1, "/ts ABC123")
    stop = Call.objects.for_community(world["community"]).get(title="Traffic Stop - ABC123")
    unit = Unit.objects.for_community(world["community"]).get(character=world["leo"], on_duty=True)
    assert CallAssignment.objects.for_community(world["community"]).get(call=stop, unit=unit).state == "on_scene"
    assert "[STOLEN]" in game.last_chat(1) and f"call #{stop.number}" in game.last_chat(1)
    assert game.player(1)["callId"] == str(stop.pk)
    game.command(1, "/recovervehicle ABC123")
    vehicle.refresh_from_db()
    assert vehicle.is_stolen is False
    game.command(1, "/bolo xyz987 Red Dodge Charger, armed suspect")
    bolo = Bolo.objects.for_community(world["community"]).get(vehicle_plate="XYZ987")
    assert (bolo.vehicle_plate, bolo.description) == ("XYZ987", "Red Dodge Charger, armed suspect")
    alerts = game.client_events(1, "cad_mdt:alert")
    assert alerts and alerts[-1]["args"][0]["kind"] == "bolo"
    # deregistering: only the owner's player may
    game.command(1, "/delvehicle ABC123")
    assert "not registered to one of your characters" in game.last_chat(1)
    game.command(2, "/delvehicle ABC123")
    assert "ABC123 deregistered." in game.last_chat(2)
    assert not Vehicle.objects.for_community(world["community"]).filter(plate="ABC123", archived_at__isnull=True).exists()


def test_report_and_citation_inline_and_by_form(game, world):
    on_duty(game, world)
    game.command(1, "/report crash_report Two-car collision | Vehicle 1 ran the red light.")
    report = Report.objects.for_community(world["community"]).get()
    assert (report.type, report.title, report.body, report.author_id, report.status) == (
        "crash_report", "Two-car collision", "Vehicle 1 ran the red light.", world["leo"].pk, "pending")
    game.command(1, f"/citation {world['jane'].pk} Speeding in a school zone 250 3")
    citation = Citation.objects.for_community(world["community"]).get()
    assert (citation.character_id, citation.violation, float(citation.fine_amount), citation.points) == (
        world["jane"].pk, "Speeding in a school zone", 250.0, 3)
    game.command(1, "/citation Jane_Doe Jaywalking 50 0")
    assert Citation.objects.for_community(world["community"]).filter(violation="Jaywalking").exists()
    game.command(1, "/citation Nobody_Here Jaywalking 50 0")
    assert "No characters named" in game.last_chat(1)
    game.command(1, "/citation only three words")
    assert game.last_chat(1).startswith("Usage: /citation")
    game.command(1, "/report")
    form = game.client_events(1, "cad_mdt:openForm")[-1]["args"][0]
    assert form["name"] == "report" and game.client(1).focus is True
    game.submit_form(1, "report", {"type": "use_of_force", "title": "Taser deployed", "body": "Subject fled."})
    assert game.client(1).focus is False
    assert Report.objects.for_community(world["community"]).filter(type="use_of_force", title="Taser deployed").exists()


def test_f9_panic_blips_every_on_duty_unit_for_90_seconds(game, world, officer):
    on_duty(game, world)
    game.join(2, discord=CIVILIAN_DISCORD, name="Civ")
    game.move(1, 1505.0, 1490.0, 30.0)
    assert game.press(1, "F9") == "cad_panic"
    panic = Call.objects.for_community(world["community"]).get(priority=1)
    assert panic.title == "PANIC — [1-ADAM-12] John Smith" and panic.postal == "202"
    (blip,) = game.blips(1)
    assert blip["flashes"] is True and (blip["x"], blip["y"]) == (1505.0, 1490.0) and "PANIC" in blip["name"]
    assert game.blips(2) == []  # not on duty
    game.advance(89000)
    assert len(game.blips(1)) == 1
    game.advance(2000)
    assert game.blips(1) == []


def test_positions_one_batch_per_tick_and_unmoved_units_skipped(game, world, game_factory, community):
    from characters import services as character_services
    from dispatch import services as dispatch_services

    on_duty(game, world)
    second = character_services.character_create(community=community, user=None, first_name="Amy", last_name="Lee",
                                                  type="leo", callsign="2-ADAM-7")
    dispatch_services.duty_set(character=second, on=True)
    game.join(5, discord=None, name="NoDiscord")
    state = game.world.server.CadPlayers.get(5)
    state.character = game.to_lua({"id": str(second.pk), "first_name": "Amy", "last_name": "Lee", "callsign": "2-ADAM-7"})
    state.onDuty = True
    game.move(1, -1000.5, 2000.25, 31.5, 90.0)
    game.move(5, 1499.0, 1501.0, 20.0, 180.0)
    before = len(game.requests_to("/fivem/livemap/positions"))
    game.advance(2000)
    batches = game.requests_to("/fivem/livemap/positions")[before:]
    assert len(batches) == 1 and batches[0]["status"] == 200
    locations = dispatch_selectors.current_locations(community.pk)
    leo = locations[str(world["leo"].pk)]
    assert (leo["x"], leo["y"], leo["z"], leo["heading"]) == (-1000.5, 2000.25, 31.5, 90.0)  # raw, unscaled
    assert leo["unitName"] == "[1-ADAM-12] John Smith" and locations[str(second.pk)]["postal"] == "202"
    game.advance(2000)  # nobody moved
    assert len(game.requests_to("/fivem/livemap/positions")) == before + 1
    game.move(5, 1510.0, 1501.0, 20.0)
    game.advance(2000)
    last = game.requests_to("/fivem/livemap/positions")[-1]
    assert len(game.requests_to("/fivem/livemap/positions")) == before + 2
    import json

    assert [p["character_id"] for p in json.loads(last["body"])] == [str(second.pk)]
    sent = len(game.requests_to("/fivem/livemap/positions"))
    game.advance(20000)  # keep-alive: the CAD would drop units silent for 30 s, so each is resent once
    resent = [p["character_id"] for r in game.requests_to("/fivem/livemap/positions")[sent:]
              for p in json.loads(r["body"])]
    assert sorted(resent) == sorted([str(world["leo"].pk), str(second.pk)])


def test_wrong_token_is_reported_clearly(world, game_factory):
    game = game_factory("cad_wrong_token")
    game.join(1, discord="100000000000000001", name="Officer")
    assert any("refused the API token (401)" in line and "cad_token" in line for line in game.printed)
    game.command(1, "/cadchar")  # the player gets a plain answer too
    game.command(0, "/cadstatus")
    assert any("TOKEN REFUSED (401)" in line for line in game.printed)
    assert game.errors == []


def test_cadstatus_for_admins_only(game, world):
    game.join(1, discord="100000000000000001", name="Officer")
    game.command(1, "/cadstatus")
    assert "Only server admins" in game.last_chat(1)
    game.allow(1, "cad_mdt.admin")
    game.command(1, "/cadstatus")
    assert "connected, token accepted" in game.last_chat(1)


def test_rate_limited_requests_wait_and_retry(game, world, settings):
    """A 429 pauses the queue for retry_after (from the body: FiveM hides headers) or the configured wait,
    then the request goes again and succeeds."""
    from django.core.cache import cache

    game.join(1, discord="100000000000000001", name="Officer")
    game.command(1, "/cadchar 1")
    settings.FIVEM_RATE_LIMIT = "1/m"
    cache.clear()
    game.command(1, "/duty")  # POST /fivem/duty is the minute's one request; the unit read after it gets 429
    limited = [r for r in game.requests if r["status"] == 429]
    assert [r["url"].split("?")[0][-11:] for r in limited] == ["/fivem/unit"]
    import json

    body = json.loads(limited[-1]["response"])
    wait_ms = int(body["retry_after"] * 1000) if "retry_after" in body else 10000
    sent = len(game.requests)
    game.advance(wait_ms - 500)
    assert len(game.requests) == sent  # nothing sent while paused
    assert any("rate limiting this server (429)" in line for line in game.printed)
    settings.FIVEM_RATE_LIMIT = "3000/m"
    cache.clear()
    game.advance(1000)
    assert game.requests_to("/fivem/unit")[-1]["status"] == 200  # the same request, sent again
    assert Unit.objects.for_community(world["community"]).filter(character=world["leo"], on_duty=True).exists()
    assert game.player(1)["onDuty"] is True and "You are on duty as 1-ADAM-12." in game.last_chat(1)


def test_the_token_never_reaches_a_client(game, world):
    token = world["token"]
    manifest = game.to_python(game.world.manifest)
    client_files = manifest["shared_scripts"] + manifest["client_scripts"] + manifest["files"]
    assert "config.lua" not in client_files
    from .harness import RESOURCE

    for name in client_files:
        assert token not in (RESOURCE / name).read_text()
    on_duty(game, world)
    game.command(1, "/status")
    game.press(1, "F9")
    import json

    assert token not in json.dumps(game.client_events())


def test_player_leaving_goes_off_duty(game, world):
    on_duty(game, world)
    game.leave(1)
    assert not Unit.objects.for_community(world["community"]).filter(character=world["leo"], on_duty=True).exists()


@pytest.mark.parametrize("key, name", [("F6", "cad_respond"), ("F7", "cad_dismiss"), ("F9", "cad_panic")])
def test_keybinds_are_rebindable_key_mappings(game, world, key, name):
    game.join(1, discord="100000000000000001", name="Officer")
    mapping = game.to_python(game.client(1).keymaps)[name]
    assert mapping == {"description": mapping["description"], "mapper": "keyboard", "key": key}
