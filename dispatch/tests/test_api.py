"""Dispatch endpoints: success, bad input (400, nothing changed), another community (404), role (403)."""

from __future__ import annotations

import uuid

import pytest

from cad.core.models import Department
from dispatch import selectors, services
from dispatch.models import ActiveDispatcher, DispatchState, Tone, Unit
from dispatch.selectors import dispatch_state

pytestmark = pytest.mark.django_db


# --- 000: units and locations ---------------------------------------------------------------------
def test_units_list(as_, officer, unit, other_unit, django_assert_max_num_queries):
    client = as_(officer)
    with django_assert_max_num_queries(6):
        r = client.get("/api/dispatch/units")
    assert r.status_code == 200
    [row] = r.json()
    assert (row["_id"], row["unitName"], row["status"], row["job"]) == (str(unit.pk), "1-ADAM-12", "available", "police")
    assert row["assignedCalls"] == [] and row["communityId"] == str(unit.community_id)


def test_units_list_has_no_n_plus_one(as_, officer, community, make_character, django_assert_max_num_queries):
    for _ in range(8):
        services.duty_set(character=make_character(community, type="leo"), on=True)
    with django_assert_max_num_queries(6):
        assert len(as_(officer).get("/api/dispatch/units").json()) == 8


def test_units_list_filters_and_roles(as_, officer, civilian, outsider, server, unit, medic, community):
    services.duty_set(character=medic, on=True)
    assert [u["job"] for u in as_(officer).get("/api/dispatch/units?job=ems").json()] == ["ems"]
    assert as_(officer).get("/api/dispatch/units?job=pilot").status_code == 400
    assert as_(civilian).get("/api/dispatch/units").status_code == 403
    assert as_(outsider).get(f"/api/dispatch/units?communityId={community.pk}").status_code == 403
    assert len(server.get("/api/dispatch/units").json()) == 2


def test_locations(as_, officer, civilian, outsider, server, other_server, community):
    services.position_update(community_id=community.pk, unit_id="officer_42", unit_name="1-Adam-12", x=1, y=2, z=3,
                             heading=90, job="police", status="patrolling", postal="345")
    [row] = server.get("/api/dispatch/locations").json()
    assert {k: row[k] for k in ("unitId", "unitName", "x", "heading", "job", "postal")} == {
        "unitId": "officer_42", "unitName": "1-Adam-12", "x": 1.0, "heading": 90.0, "job": "police", "postal": "345"}
    assert row["updatedAt"] == row["timestamp"]
    assert as_(officer).get("/api/dispatch/locations").status_code == 200
    assert other_server.get("/api/dispatch/locations").json() == []
    assert as_(outsider).get(f"/api/dispatch/locations?communityId={community.pk}").status_code == 403
    assert len(as_(civilian).get("/api/dispatch/locations").json()) == 1  # any member
    from rest_framework.test import APIClient

    assert APIClient().get(f"/api/dispatch/locations?communityId={community.pk}").status_code in (401, 403)


def test_delete_location(server, other_server, as_, officer, community, events, django_capture_on_commit_callbacks):
    services.position_update(community_id=community.pk, unit_id="officer_42", unit_name="1-Adam-12", x=1, y=2, z=3)
    assert other_server.delete("/api/dispatch/location/officer_42").status_code == 404
    assert as_(officer).delete("/api/dispatch/location/officer_42").status_code == 403
    assert selectors.current_locations(community.pk)
    with django_capture_on_commit_callbacks(execute=True):
        r = server.delete("/api/dispatch/location/officer_42")
    assert r.status_code == 200 and selectors.current_locations(community.pk) == {}
    assert events[-1] == (("unitLocationRemoved",), {"unitId": "officer_42", "unitName": "1-Adam-12"})
    assert server.delete("/api/dispatch/location/officer_42").status_code == 404


# --- duty -----------------------------------------------------------------------------------------
def test_duty_on_and_off(as_, officer, leo, events, django_capture_on_commit_callbacks):
    client = as_(officer)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/api/dispatch/duty", {"characterId": str(leo.pk), "action": "on"}, format="json")
    assert r.status_code == 200 and r.json()["onDuty"] is True and r.json()["unit"]["unitName"] == "1-ADAM-12"
    assert events[-1][0] == ("unit-status-updated", "userStatusUpdate")
    r = client.post("/api/dispatch/duty", {"characterId": str(leo.pk), "action": "off"}, format="json")
    assert r.json() == {"onDuty": False, "unit": r.json()["unit"]} and r.json()["unit"]["status"] == "offline"


@pytest.mark.parametrize("body", [{"action": "on"}, {"characterId": "x", "action": "on"}, {"action": "maybe"}])
def test_duty_bad_input(as_, officer, leo, body):
    body = {"characterId": str(leo.pk), **body} if "characterId" not in body and body.get("action") == "maybe" else body
    r = as_(officer).post("/api/dispatch/duty", body, format="json")
    assert r.status_code == 400 and "error" in r.json()
    assert not Unit.objects.for_community(leo.community_id).exists()


def test_duty_forbidden_and_foreign(as_, officer, civilian, dispatcher, outsider, community, other_community, medic,
                                    make_character):
    civ = make_character(community, user=officer, type="civilian")
    assert as_(officer).post("/api/dispatch/duty", {"characterId": str(civ.pk), "action": "on"},
                             format="json").status_code == 403  # civilians never go on duty
    assert as_(officer).post("/api/dispatch/duty", {"characterId": str(medic.pk), "action": "on"},
                             format="json").status_code == 403  # not their character
    assert as_(civilian).post("/api/dispatch/duty", {"characterId": str(medic.pk), "action": "on"},
                              format="json").status_code == 403
    foreign = make_character(other_community, type="leo")
    assert as_(officer).post("/api/dispatch/duty", {"characterId": str(foreign.pk), "action": "on"},
                             format="json").status_code == 404
    assert not Unit.objects.for_community(community).exists()
    assert as_(dispatcher).post("/api/dispatch/duty", {"characterId": str(medic.pk), "action": "on"},
                                format="json").json()["onDuty"] is True


def test_fivem_duty(server, other_server, leo, community, make_character):
    r = server.post("/fivem/duty", {"character_id": str(leo.pk), "action": "on"}, format="json")
    assert r.status_code == 200 and r.json() == {"on_duty": True}
    assert other_server.post("/fivem/duty", {"character_id": str(leo.pk), "action": "off"},
                             format="json").status_code == 404
    bad = server.post("/fivem/duty", {"character_id": str(leo.pk), "action": "toggle"}, format="json")
    assert bad.status_code == 400 and "action" in bad.json()["fields"]
    civ = make_character(community, type="civilian")
    assert server.post("/fivem/duty", {"character_id": str(civ.pk), "action": "on"}, format="json").status_code == 403
    assert server.post("/fivem/duty", {"character_id": str(leo.pk), "action": "off"}, format="json").json() == {
        "on_duty": False}


def test_fivem_livemap_and_sounds(server, other_server, leo, community, as_, civilian):
    services.position_update(community_id=community.pk, unit_id=str(leo.pk), character_id=str(leo.pk),
                             unit_name="[K-1] John Smith", x=-1234.5, y=4567.8, z=28, heading=182.3, origin="fivem")
    [row] = server.get("/fivem/livemap").json()["units"]
    assert {k: row[k] for k in ("character_id", "name", "x", "y", "z", "heading")} == {
        "character_id": str(leo.pk), "name": "[K-1] John Smith", "x": -1234.5, "y": 4567.8, "z": 28.0, "heading": 182.3}
    assert isinstance(row["updated_at"], int) and row["updated_at"] > 1_700_000_000_000
    assert other_server.get("/fivem/livemap").json() == {"units": []}
    sounds = server.get("/fivem/sounds").json()
    assert sounds[0] == {"event": "new_call", "enabled": True, "volume": 0.7, "custom_url": None}
    assert as_(civilian).get("/fivem/sounds").status_code == 403


# --- 001: dispatch state, AOP, Signal 100, dispatchers ---------------------------------------------
def test_dispatch_state(as_, dispatcher, officer, community, civilian):
    ActiveDispatcher.objects.create(community=community, user=dispatcher)
    DispatchState.objects.create(community=community, area_of_play="Sandy Shores")
    body = as_(dispatcher).get("/api/dispatch").json()
    assert body["areaOfPlay"] == "Sandy Shores" and body["activeDispatchersCount"] == 1
    assert str(body["userActiveDispatcher"]["userId"]) == str(dispatcher.pk)
    assert as_(officer).get("/api/dispatch").json()["userActiveDispatcher"] is None
    assert as_(civilian).get("/api/dispatch").status_code == 403


def test_aop(as_, dispatcher, officer, outsider, community, events, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        r = as_(dispatcher).post("/api/dispatch/aop", {"aop": "Los Santos"}, format="json")
    assert r.json() == {"areaOfPlay": "Los Santos"}
    assert events[-1] == (("areaOfPlayUpdated", "aop-updated"),
                          {"areaOfPlay": "Los Santos", "aop": "Los Santos", "updatedBy": "dispatcher_a"})
    assert as_(dispatcher).post("/api/dispatch/aop", {"aop": ""}, format="json").status_code == 400
    assert as_(dispatcher).post("/api/dispatch/aop", {"aop": "x" * 201}, format="json").status_code == 400
    assert as_(officer).post("/api/dispatch/aop", {"aop": "Paleto"}, format="json").status_code == 403
    assert as_(outsider).post(f"/api/dispatch/aop?communityId={community.pk}", {"aop": "Paleto"},
                              format="json").status_code == 403
    assert dispatch_state(community).area_of_play == "Los Santos"


def test_signal_100(as_, dispatcher, officer, community, other_community, events, django_capture_on_commit_callbacks):
    from calls.models import Call

    call = Call.objects.create(community=community, number=1)
    foreign = Call.objects.create(community=other_community, number=1)
    with django_capture_on_commit_callbacks(execute=True):
        r = as_(dispatcher).post("/api/dispatch/signal-100", {"value": True, "callId": str(call.pk)}, format="json")
    assert r.json() == {"value": True, "callId": str(call.pk)}
    assert events[-1][0] == ("signal100", "signal-100") and events[-1][1]["callNumber"] == 1
    assert as_(dispatcher).post("/api/dispatch/signal-100", {"value": False, "callId": str(foreign.pk)},
                                format="json").json()["value"] is False
    assert as_(dispatcher).post("/api/dispatch/signal-100", {"value": True, "callId": str(foreign.pk)},
                                format="json").status_code == 400
    assert as_(dispatcher).post("/api/dispatch/signal-100", {"value": "perhaps"}, format="json").status_code == 400
    assert as_(officer).post("/api/dispatch/signal-100", {"value": True}, format="json").status_code == 403
    assert dispatch_state(community).signal100 is False


def test_dispatchers_state_and_active_dispatcher(as_, dispatcher, officer, server, community, other_community,
                                                 events, django_capture_on_commit_callbacks):
    client = as_(dispatcher)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/api/dispatch/dispatchers-state", {"value": True}, format="json")
    assert r.json()["activeDispatchersCount"] == 1 and r.json()["dispatcher"]["username"] == "dispatcher_a"
    assert events[-1][0] == ("activeDispatchersUpdated",)
    lspd = Department.objects.for_community(community).get(short_name="LSPD")
    foreign = Department.objects.for_community(other_community).first()
    r = client.put("/api/dispatch/active-dispatcher", {"activeDepartment": str(lspd.pk)}, format="json")
    assert r.json()["dispatcher"]["activeDepartment"] == str(lspd.pk)
    assert client.put("/api/dispatch/active-dispatcher", {"activeDepartment": str(foreign.pk)},
                      format="json").status_code == 400
    assert client.put("/api/dispatch/active-dispatcher", {"activeDepartment": None}, format="json").status_code == 200
    assert client.post("/api/dispatch/dispatchers-state", {"value": "x"}, format="json").status_code == 400
    assert as_(officer).post("/api/dispatch/dispatchers-state", {"value": True}, format="json").status_code == 403
    assert server.post("/api/dispatch/dispatchers-state", {"value": True}, format="json").status_code == 403
    r = client.post("/api/dispatch/dispatchers-state", {"value": False}, format="json")
    assert r.json() == {"dispatcher": None, "activeDispatchersCount": 0}
    assert client.put("/api/dispatch/active-dispatcher", {"activeDepartment": None}, format="json").status_code == 409


# --- 001: units search, radio channel -------------------------------------------------------------
def test_units_search(as_, dispatcher, officer, community, make_character, other_unit):
    for i in range(27):
        services.duty_set(character=make_character(community, type="leo", callsign=f"1-ADAM-{i}"), on=True)
    for i in range(3):
        services.duty_set(character=make_character(community, type="ems", callsign=f"MEDIC-ADAM-{i}"), on=True)
    found = as_(dispatcher).post("/api/dispatch/units/search", {"query": "adam"}, format="json").json()
    assert [u["job"] for u in found].count("police") == 25 and [u["job"] for u in found].count("ems") == 3
    assert as_(dispatcher).post("/api/dispatch/units/search", {"query": "bravo"}, format="json").json() == []
    assert as_(dispatcher).post("/api/dispatch/units/search", {"query": ""}, format="json").status_code == 400
    assert as_(officer).post("/api/dispatch/units/search", {"query": "adam"}, format="json").status_code == 403


def test_radio_channel(as_, dispatcher, officer, unit, other_unit, events, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        r = as_(dispatcher).put(f"/api/dispatch/radio-channel/{unit.pk}", {"radioChannel": "channel-1"}, format="json")
    assert r.status_code == 200 and r.json()["radioChannel"] == "channel-1"
    assert events[-1] == (("unitRadioChannelUpdated",),
                          {"unitId": str(unit.pk), "unitName": "1-ADAM-12", "radioChannel": "channel-1"})
    assert as_(dispatcher).put(f"/api/dispatch/radio-channel/{unit.pk}", {"radioChannel": "x" * 41},
                               format="json").status_code == 400
    assert as_(dispatcher).put(f"/api/dispatch/radio-channel/{other_unit.pk}", {"radioChannel": "2"},
                               format="json").status_code == 404
    assert as_(dispatcher).put("/api/dispatch/radio-channel/not-a-uuid", {"radioChannel": "2"},
                               format="json").status_code == 404
    assert as_(officer).put(f"/api/dispatch/radio-channel/{unit.pk}", {"radioChannel": "2"},
                            format="json").status_code == 403
    unit.refresh_from_db()
    assert unit.radio_channel == "channel-1"


# --- 001: tones -----------------------------------------------------------------------------------
def test_tones(as_, dispatcher, officer, community, events, django_capture_on_commit_callbacks):
    client = as_(dispatcher)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/api/dispatch/tones", {"description": "Major incident", "leoTone": True, "emsFdTone": True},
                        format="json")
    assert r.status_code == 201 and {t["type"] for t in r.json()["tones"]} == {"leo", "ems_fd"}
    assert events[-1][0] == ("tone", "toneUpdated") and events[-1][1]["description"] == "Major incident"
    client.post("/api/dispatch/tones", {"description": "Stand by", "leoTone": True}, format="json")
    tones = as_(officer).get("/api/dispatch/tones").json()
    assert sorted((t["type"], t["description"]) for t in tones) == [("ems_fd", "Major incident"), ("leo", "Stand by")]
    assert Tone.objects.for_community(community).count() == 2  # updated, not duplicated
    assert client.post("/api/dispatch/tones", {"description": "x"}, format="json").status_code == 400
    assert client.post("/api/dispatch/tones", {"leoTone": True}, format="json").status_code == 400
    assert as_(officer).post("/api/dispatch/tones", {"description": "x", "leoTone": True},
                             format="json").status_code == 403
    leo_tone = Tone.objects.for_community(community).get(type="leo")
    assert as_(officer).delete(f"/api/dispatch/tones/{leo_tone.pk}").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete(f"/api/dispatch/tones/{leo_tone.pk}").json() == {"success": True}
    assert events[-1][0] == ("toneUpdated",) and events[-1][1]["removedId"] == str(leo_tone.pk)
    assert [t["type"] for t in client.get("/api/dispatch/tones").json()] == ["ems_fd"]
    assert Tone.objects.for_community(community).get(pk=leo_tone.pk).archived_at is not None  # archived, kept
    assert client.delete(f"/api/dispatch/tones/{leo_tone.pk}").status_code == 404
    assert client.delete("/api/dispatch/tones/junk").status_code == 404


def test_tone_of_another_community_is_404(as_, outsider, dispatcher, community, other_community):
    tone = services.tone_set(community=community, description="x", leo=True, ems_fd=False)[0]
    assert as_(outsider).delete(f"/api/dispatch/tones/{tone.pk}").status_code == 404
    assert as_(outsider).get("/api/dispatch/tones").json() == []
    assert Tone.objects.for_community(community).get(pk=tone.pk).archived_at is None
    assert uuid.UUID(str(tone.pk))
