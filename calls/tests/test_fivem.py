"""004's /fivem/* call routes, as the game-server resource uses them (Bearer token, snake_case)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from calls import services
from calls.models import Call
from calls.tests.conftest import payload


def _count(community) -> int:
    return Call.objects.for_community(community).count()


# --- POST /fivem/calls ----------------------------------------------------------------------------

def test_create_call_from_game(server, community, sse_events, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = server.post("/fivem/calls", {"title": "10-50 MVA", "location": "Route 1", "postal": "334",
                                                "priority": 1}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["call_number"], body["title"], body["priority"], body["status"]) == (1, "10-50 MVA", 1, "pending")
    assert body["origin"] == "CALLER" and "callNumber" not in body
    assert [name for name, _ in sse_events] == ["new_call"]
    assert sse_events[0][1]["call_number"] == 1


def test_call_created_by_on_duty_character_is_observed(server, unit, civ):
    observed = server.post("/fivem/calls", {"title": "Traffic Stop", "created_by": str(unit.character_id)},
                           format="json").json()
    assert observed["origin"] == "OBSERVED"
    public = server.post("/fivem/calls", {"title": "Noise", "created_by": str(civ.pk)}, format="json").json()
    assert (public["origin"], public["caller"]) == ("CALLER", civ.full_name)


@pytest.mark.parametrize("body", [{}, {"title": ""}, {"title": "x", "priority": 4}, {"title": "x", "priority": "hi"},
                                  {"title": "x", "created_by": "nope"}, {"title": "x" * 201}])
def test_create_call_bad_input(server, community, body):
    response = server.post("/fivem/calls", body, format="json")
    assert response.status_code == 400
    assert "error" in response.json()
    assert _count(community) == 0


def test_create_call_other_communitys_character_is_404(server, community, other_unit):
    response = server.post("/fivem/calls", {"title": "x", "created_by": str(other_unit.character_id)},
                           format="json")
    assert response.status_code == 404
    assert _count(community) == 0


def test_fivem_needs_a_valid_token(client, as_, civilian):
    assert client.post("/fivem/calls", {"title": "x"}, content_type="application/json").status_code == 401
    assert client.post("/fivem/calls", {"title": "x"}, content_type="application/json",
                       HTTP_AUTHORIZATION="Bearer cad_nope").status_code == 401
    assert as_(civilian).post("/fivem/calls", {"title": "x"}, format="json").status_code == 403


# --- poll -----------------------------------------------------------------------------------------

def test_poll_calls_returns_last_30_seconds(server, community, other_community, make_call):
    fresh = make_call(community)
    old = make_call(community)
    Call.objects.for_community(community).filter(pk=old.pk).update(created_at=timezone.now() - timedelta(seconds=31))
    make_call(other_community, by_user=None)
    response = server.get("/fivem/poll-calls")
    assert response.status_code == 200
    assert [c["id"] for c in response.json()["calls"]] == [str(fresh.pk)]
    assert response.json()["calls"][0]["call_number"] == fresh.number


def test_poll_calls_other_server_sees_its_own(other_server, call):
    assert other_server.get("/fivem/poll-calls").json() == {"calls": []}


# --- respond / on-scene / unit-status -------------------------------------------------------------

def test_respond_then_on_scene(server, call, unit, sse_events, django_capture_on_commit_callbacks):
    body = {"character_id": str(unit.character_id), "call_id": str(call.number)}  # ID or call number
    with django_capture_on_commit_callbacks(execute=True):
        responded = server.post("/fivem/respond", body, format="json")
    assert responded.status_code == 200, responded.json()
    assert (responded.json()["call_status"], responded.json()["unit_status"]) == ("enroute", "enroute")
    assert "call_updated" in [name for name, _ in sse_events]
    on_scene = server.post("/fivem/on-scene", body, format="json")
    assert on_scene.json()["call_status"] == "on-scene"
    unit.refresh_from_db()
    assert (unit.state, unit.current_call_id) == ("on_scene", call.pk)


def test_on_scene_before_respond_conflicts(server, call, unit):
    response = server.post("/fivem/on-scene", {"character_id": str(unit.character_id), "call_id": str(call.pk)},
                           format="json")
    assert response.status_code == 409


def test_unit_status_on_call(server, call, unit):
    body = {"character_id": str(unit.character_id), "call_id": str(call.pk)}
    server.post("/fivem/respond", body, format="json")
    response = server.post("/fivem/unit-status", {**body, "status": "busy"}, format="json")
    assert response.status_code == 200 and response.json()["unit_status"] == "busy"
    unit.refresh_from_db()
    assert unit.state == "busy"
    bad = server.post("/fivem/unit-status", {**body, "status": "napping"}, format="json")
    assert bad.status_code == 400 and "available, enroute, on_scene, busy" in bad.json()["error"]


def test_progress_bad_input_off_duty_and_other_community(server, call, other_call, unit, civ, other_unit):
    assert server.post("/fivem/respond", {"call_id": str(call.pk)}, format="json").status_code == 400
    assert server.post("/fivem/respond", {"character_id": "x", "call_id": str(call.pk)},
                       format="json").status_code == 400
    # not on duty: 403
    assert server.post("/fivem/respond", {"character_id": str(civ.pk), "call_id": str(call.pk)},
                       format="json").status_code == 403
    # another community's call or character: 404
    assert server.post("/fivem/respond", {"character_id": str(unit.character_id), "call_id": str(other_call.pk)},
                       format="json").status_code == 404
    assert server.post("/fivem/respond", {"character_id": str(other_unit.character_id), "call_id": str(call.pk)},
                       format="json").status_code == 404
    assert not call.assignments.exists()


# --- scene command --------------------------------------------------------------------------------

def test_scene_command_take_and_release(server, call, unit, unit2, sse_events, django_capture_on_commit_callbacks):
    services.call_assign_units(call=call, units=[unit, unit2], by=None)
    take = {"character_id": str(unit.character_id), "call_id": str(call.pk), "take": True}
    with django_capture_on_commit_callbacks(execute=True):
        response = server.post("/fivem/scene-command", take, format="json")
    assert response.status_code == 200 and response.json()["scene_commander_id"] == str(unit.pk)
    assert payload([((n,), d) for n, d in sse_events], "call_updated")["scene_commander_id"] == str(unit.pk)
    rival = server.post("/fivem/scene-command", {**take, "character_id": str(unit2.character_id)}, format="json")
    assert rival.status_code == 409 and "1-Adam-12" in rival.json()["error"]
    released = server.post("/fivem/scene-command", {**take, "take": False}, format="json")
    assert released.json()["scene_commander_id"] is None


def test_scene_command_bad_input_and_other_community(server, call, other_call, unit):
    services.call_assign_unit(call=call, unit=unit, by=None)
    base = {"character_id": str(unit.character_id), "call_id": str(call.pk)}
    assert server.post("/fivem/scene-command", base, format="json").status_code == 400
    assert server.post("/fivem/scene-command", {**base, "take": "yes"}, format="json").status_code == 400
    assert server.post("/fivem/scene-command", {**base, "call_id": str(other_call.pk), "take": True},
                       format="json").status_code == 404
    call.refresh_from_db()
    assert call.scene_commander_id is None


# --- close / detach -------------------------------------------------------------------------------

def test_close_call(server, call, unit, sse_events, django_capture_on_commit_callbacks):
    services.call_assign_unit(call=call, unit=unit, by=None)
    with django_capture_on_commit_callbacks(execute=True):
        response = server.post(f"/fivem/calls/{call.pk}/close", {"character_id": str(unit.character_id)},
                               format="json")
    assert response.status_code == 200
    assert response.json() == {"message": "Call closed", "call_number": call.number}
    assert "call_closed" in [name for name, _ in sse_events]
    assert call.notes.filter(text__startswith="Call closed by 1-Adam-12").exists()
    assert server.post(f"/fivem/calls/{call.pk}/close", {}, format="json").status_code == 409


def test_close_call_bad_input_and_other_community(server, call, other_call):
    assert server.post(f"/fivem/calls/{call.pk}/close", {"disposition": "x" * 121},
                       format="json").status_code == 400
    assert server.post(f"/fivem/calls/{other_call.pk}/close", {}, format="json").status_code == 404
    assert server.post("/fivem/calls/42/close", {}, format="json").status_code == 404
    call.refresh_from_db()
    assert call.status == "pending"


def test_detach_adds_cleared_narrative(server, call, unit, unit2):
    services.call_assign_units(call=call, units=[unit, unit2], by=None)
    response = server.post(f"/fivem/calls/{call.pk}/detach", {"character_id": str(unit.character_id)},
                           format="json")
    assert response.status_code == 200
    assert response.json() == {"message": "Detached from call", "call_number": call.number}
    assert call.notes.filter(text="1-Adam-12 cleared from the call.").exists()
    assert [a.unit for a in call.assignments.all()] == [unit2]
    again = server.post(f"/fivem/calls/{call.pk}/detach", {"character_id": str(unit.character_id)}, format="json")
    assert again.status_code == 409


def test_detach_bad_input_off_duty_other_community(server, call, other_call, unit, civ):
    services.call_assign_unit(call=call, unit=unit, by=None)
    assert server.post(f"/fivem/calls/{call.pk}/detach", {}, format="json").status_code == 400
    assert server.post(f"/fivem/calls/{call.pk}/detach", {"character_id": str(civ.pk)},
                       format="json").status_code == 403
    assert server.post(f"/fivem/calls/{other_call.pk}/detach", {"character_id": str(unit.character_id)},
                       format="json").status_code == 404
    assert call.assignments.count() == 1


# --- panic ----------------------------------------------------------------------------------------

def test_panic(server, community, unit, events, sse_events, django_capture_on_commit_callbacks):
    body = {"character_id": str(unit.character_id), "location": "Strawberry Ave", "postal": "342",
            "coords": {"x": 243.7, "y": -1529.3, "z": 29.2}}
    with django_capture_on_commit_callbacks(execute=True):
        response = server.post("/fivem/panic", body, format="json")
    assert response.status_code == 200
    data = response.json()
    assert data["ok"] is True and data["call_number"] == 1
    call = Call.objects.for_community(community).get(pk=data["call_id"])
    assert call.priority == 1 and call.title.startswith("PANIC — [1-Adam-12] ")
    assert "panic-button" in [n for sent, _ in events for n in sent]
    panic = dict(sse_events)["panic"]
    assert panic["call_number"] == 1 and panic["coords"] == {"x": 243.7, "y": -1529.3, "z": 29.2}


def test_panic_bad_input_off_duty_other_community(server, community, civ, other_unit):
    assert server.post("/fivem/panic", {}, format="json").status_code == 400
    assert server.post("/fivem/panic", {"character_id": str(civ.pk), "coords": {"x": "a"}},
                       format="json").status_code == 400
    assert server.post("/fivem/panic", {"character_id": str(civ.pk)}, format="json").status_code == 403
    assert server.post("/fivem/panic", {"character_id": str(other_unit.character_id)},
                       format="json").status_code == 404
    assert _count(community) == 0


def test_unit_status_without_call_sets_the_units_own_status(server, community, unit, other_unit):
    # the community's default status codes (10-8, 10-6, ...) are seeded with it
    body = {"character_id": str(unit.character_id)}
    busy = server.post("/fivem/unit-status", {**body, "status": "10-6"}, format="json")
    assert busy.status_code == 200, busy.json()
    assert busy.json()["unit_status"] == "busy" and busy.json()["status_code"] == "10-6"
    unit.refresh_from_db()
    assert (unit.state, unit.status_code.code, unit.current_call_id) == ("busy", "10-6", None)
    back = server.post("/fivem/unit-status", {**body, "status": "Available", "call_id": ""}, format="json")
    assert back.status_code == 200 and back.json()["unit_status"] == "available"
    # a code the community does not have: 400 naming its codes; nothing changed
    bad = server.post("/fivem/unit-status", {**body, "status": "10-99"}, format="json")
    assert bad.status_code == 400 and "10-6" in bad.json()["error"]
    unit.refresh_from_db()
    assert unit.state == "available"
    # another community's character: 404; an off-duty one: 403
    foreign = server.post("/fivem/unit-status", {"character_id": str(other_unit.character_id), "status": "busy"},
                          format="json")
    assert foreign.status_code == 404
    unit.on_duty = False
    unit.save(update_fields=["on_duty"])
    assert server.post("/fivem/unit-status", {**body, "status": "busy"}, format="json").status_code == 403


def test_call_detail_by_id_or_number(server, other_server, call, client):
    by_number = server.get(f"/fivem/calls/{call.number}")
    assert by_number.status_code == 200 and by_number.json()["id"] == str(call.pk)
    assert server.get(f"/fivem/calls/{call.pk}").json()["call_number"] == call.number
    assert server.get("/fivem/calls/not-a-call").status_code == 404
    assert other_server.get(f"/fivem/calls/{call.pk}").status_code == 404
    assert client.get(f"/fivem/calls/{call.pk}").status_code == 401
