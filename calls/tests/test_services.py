"""The call lifecycle through `calls.services`: numbering, status consistency, units, events, panic."""

from __future__ import annotations

import pytest

from cad.core.errors import Conflict, Invalid
from cad.core.models import CallType
from calls import services
from calls.choices import (
    CallOrigin,
    CallStatus,
    parse_origin,
    parse_priority,
    parse_status,
    status_for_dialect,
)
from calls.inputs import CallInput
from calls.models import Call
from calls.tests.conftest import names, payload
from dispatch.models import Unit


def test_numbers_are_sequential_per_community(community, other_community, make_call):
    a1, a2 = make_call(community), make_call(community)
    b1 = make_call(other_community, by_user=None)
    assert (a1.number, a2.number, b1.number) == (1, 2, 1)
    assert a2.incident_number == f"INC-{a2.created_at:%Y}-000002"


def test_numbers_are_never_reused_after_archive(community, make_call, admin):
    first = make_call(community)
    services.call_archive(call=first, by=admin, reason="test")
    assert make_call(community).number == 2


def test_create_resolves_configured_call_type_by_id_or_name(community, dispatcher):
    robbery = CallType.objects.for_community(community).get(name="Robbery")
    by_id = services.call_create(community=community, by_user=dispatcher,
        data=CallInput(call_type_id=str(robbery.pk)))
    by_name = services.call_create(community=community, by_user=dispatcher,
        data=CallInput(call_type="robbery"))
    free = services.call_create(community=community, by_user=dispatcher,
        data=CallInput(call_type="Cat in tree"))
    assert (by_id.call_type_ref, by_id.call_type, by_id.code) == (robbery, "Robbery", "10-31")
    assert by_name.call_type_ref == robbery
    assert (free.call_type_ref, free.call_type) == (None, "Cat in tree")
    assert (by_id.priority, free.priority) == (1, 2)  # the configured type's default priority
    explicit = services.call_create(community=community, by_user=dispatcher,
        data=CallInput(call_type="Robbery", priority="low"))
    assert explicit.priority == 3


def test_create_rejects_another_communitys_call_type(community, other_community, dispatcher):
    foreign = CallType.objects.for_community(other_community).first()
    with pytest.raises(Invalid):
        services.call_create(community=community, by_user=dispatcher,
            data=CallInput(call_type_id=str(foreign.pk)))
    assert not Call.objects.for_community(community).exists()


def test_create_publishes_new_call_and_911_events_once(community, dispatcher, events,
                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call = services.call_create(community=community, by_user=dispatcher,
            data=CallInput(call_type="Robbery", priority="high", location="245 Vespucci Blvd",
                           caller="John Doe"))
    assert names(events) == ["new-911-call", "new-call", "newCall", "new911Call", "911Alert"]
    body = payload(events, "newCall")
    assert body["incidentNumber"] == call.incident_number and body["priority"] == "1"
    assert body["callNumber"] == call.number and body["callType"] == "Robbery"
    assert payload(events, "911Alert") == {"callId": str(call.pk), "incidentNumber": call.incident_number,
                                           "callNumber": call.number, "callType": "Robbery",
                                           "location": "245 Vespucci Blvd", "priority": "1"}


def test_radio_dispatch_call_is_not_a_911_call(community, dispatcher, events, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.call_create(community=community, by_user=dispatcher,
            data=CallInput(title="Patrol", origin="RADIO DISPATCH"))
    assert names(events) == ["new-911-call", "new-call", "newCall"]


def test_create_with_units_by_api_id_reports_unknown(community, dispatcher, unit, unit2, other_unit):
    call = services.call_create(community=community, by_user=dispatcher,
        data=CallInput(title="Traffic Stop",
                       unit_refs=["STEAM:110000100000abc", str(unit2.pk), "STEAM:nobody", str(other_unit.pk)]))
    assignments = list(call.assignments.order_by("assigned_at"))
    assert [a.unit for a in assignments] == [unit, unit2]
    assert [a.is_primary for a in assignments] == [True, False]
    assert call.status == CallStatus.ASSIGNED
    assert call.unresolved_unit_ids == ["STEAM:nobody", str(other_unit.pk)]
    unit.refresh_from_db()
    assert unit.current_call_id == call.pk


@pytest.mark.parametrize("bad", [{"priority": "urgent"}, {"status": "done"}, {"origin": 7}, {"x": "east"},
                                 {"metadata": [1]}])
def test_create_rejects_bad_values_naming_allowed_ones(community, dispatcher, bad):
    with pytest.raises(Invalid) as exc:
        services.call_create(community=community, by_user=dispatcher, data=CallInput(title="t", **bad))
    assert list(exc.value.fields) == [next(iter(bad))]
    assert not Call.objects.for_community(community).exists()


def test_dialect_mappings_are_lossless():
    for level, word in ((1, "high"), (2, "normal"), (3, "low")):
        assert parse_priority(word) == parse_priority(str(level)) == parse_priority(level) == level
    assert parse_status("active") == CallStatus.ASSIGNED and status_for_dialect("assigned") == "active"
    assert all(parse_status(status_for_dialect(s)) == s for s in CallStatus.values)
    assert [parse_origin(i) for i in range(4)] == [CallOrigin.CALLER, CallOrigin.RADIO_DISPATCH,
                                                    CallOrigin.OBSERVED, CallOrigin.WALK_UP]
    assert parse_origin("walk_up") == CallOrigin.WALK_UP and parse_origin("radio dispatch") == "RADIO DISPATCH"
    with pytest.raises(ValueError, match="low, normal, high"):
        parse_priority(True)


def test_progress_keeps_call_status_consistent(call, unit, unit2):
    services.call_assign_unit(call=call, unit=unit, by=None)
    assert Call.objects.for_community(call.community).get(pk=call.pk).status == CallStatus.ASSIGNED
    call = services.call_unit_progress(call=call, unit=unit2, state="enroute")  # responding assigns
    assert call.status == CallStatus.ENROUTE
    call = services.call_unit_progress(call=call, unit=unit2, state="on-scene")
    assert call.status == CallStatus.ON_SCENE
    unit2.refresh_from_db()
    assert (unit2.state, unit2.current_call_id) == ("on_scene", call.pk)
    # a later assignment never moves the call back
    call = services.call_unit_progress(call=call, unit=unit, state="enroute")
    assert call.status == CallStatus.ON_SCENE
    # removing the unit on scene lets the status fall back to what the remaining units imply
    call = services.call_remove_unit(call=call, unit=unit2, by=None)
    assert call.status == CallStatus.ENROUTE
    call = services.call_remove_unit(call=call, unit=unit, by=None)
    assert call.status == CallStatus.PENDING


def test_on_scene_needs_a_response_first(call, unit):
    with pytest.raises(Conflict):
        services.call_unit_progress(call=call, unit=unit, state="on_scene")
    with pytest.raises(Invalid):
        services.call_unit_progress(call=call, unit=unit, state="flying")
    assert not call.assignments.exists()


def test_removing_primary_promotes_next_and_clears_scene_command(call, unit, unit2, events,
                                                                 django_capture_on_commit_callbacks):
    services.call_assign_units(call=call, units=[unit, unit2], by=None)
    services.call_scene_command(call=call, unit=unit, take=True)
    with django_capture_on_commit_callbacks(execute=True):
        call = services.call_remove_unit(call=call, unit=unit, by=None, cleared=True)
    assert call.assignments.get().unit == unit2 and call.assignments.get().is_primary
    assert call.scene_commander_id is None
    unit.refresh_from_db()
    assert (unit.current_call_id, unit.state) == (None, "available")
    removed = payload(events, "unitRemovedFromCall")
    assert ("unitRemovedFromCall", "unitDetachedFromCall") in [sent for sent, _ in events]
    assert removed["odName"] == "1-Adam-12" and removed["reason"] == "Cleared"
    assert [u["unitName"] for u in removed["remainingUnits"]] == ["2-Boy-15"]
    assert call.notes.filter(text="1-Adam-12 cleared from the call.").exists()


def test_scene_command_has_one_holder(call, unit, unit2):
    services.call_assign_units(call=call, units=[unit, unit2], by=None)
    services.call_scene_command(call=call, unit=unit, take=True)
    services.call_scene_command(call=call, unit=unit, take=True)  # idempotent for the holder
    with pytest.raises(Conflict, match="held by 1-Adam-12"):
        services.call_scene_command(call=call, unit=unit2, take=True)
    with pytest.raises(Conflict):
        services.call_scene_command(call=call, unit=unit2, take=False)
    services.call_scene_command(call=call, unit=unit, take=False)
    call = services.call_scene_command(call=call, unit=unit2, take=True)
    assert call.scene_commander_id == unit2.pk


def test_scene_command_needs_the_unit_on_the_call(call, unit):
    with pytest.raises(Conflict):
        services.call_scene_command(call=call, unit=unit, take=True)


def test_close_releases_units_and_publishes(call, unit, dispatcher, events, django_capture_on_commit_callbacks):
    services.call_unit_progress(call=call, unit=unit, state="enroute")
    with django_capture_on_commit_callbacks(execute=True):
        call = services.call_close(call=call, by=dispatcher, disposition="Arrest Made", notes="One in custody.")
    assert (call.status, call.disposition, call.closing_notes) == ("closed", "Arrest Made", "One in custody.")
    assert call.closed_by == dispatcher and call.closed_at is not None
    unit.refresh_from_db()
    assert (unit.state, unit.current_call_id) == ("available", None)
    assert "call-status-updated" in names(events)
    assert payload(events, "911CallClosed")["disposition"] == "Arrest Made"
    with pytest.raises(Conflict):
        services.call_close(call=call, by=dispatcher)


def test_status_changes_write_narrative_and_touch_activity(call, dispatcher):
    before = call.last_activity_at
    call = services.call_set_status(call=call, status="enroute", by=dispatcher)
    assert call.last_activity_at > before
    assert call.notes.filter(kind="system", text__contains="pending to enroute").exists()
    call = services.call_set_status(call=call, status="closed", by=dispatcher)
    assert call.status == "closed"
    call = services.call_set_status(call=call, status="pending", by=dispatcher)  # reopen
    assert (call.status, call.closed_at) == ("pending", None)


def test_note_touches_activity_and_publishes(call, officer, events, django_capture_on_commit_callbacks):
    before = Call.objects.for_community(call.community).get(pk=call.pk).last_activity_at
    with django_capture_on_commit_callbacks(execute=True):
        note = services.call_add_note(call=call, text=" Suspect fled on foot ", by_user=officer)
    assert note.text == "Suspect fled on foot" and note.author_name == "officer_a"
    assert Call.objects.for_community(call.community).get(pk=call.pk).last_activity_at > before
    assert payload(events, "call-note-added")["note"]["addedBy"] == "officer_a"
    with pytest.raises(Invalid):
        services.call_add_note(call=call, text="   ", by_user=officer)


def test_archive_keeps_row_and_publishes_call_deleted(call, admin, unit, events,
                                                      django_capture_on_commit_callbacks):
    services.call_assign_unit(call=call, unit=unit, by=admin)
    with django_capture_on_commit_callbacks(execute=True):
        services.call_archive(call=call, by=admin, reason="Duplicate")
    row = Call.objects.for_community(call.community).get(pk=call.pk)
    assert row.archived_at is not None and row.archive_reason == "Duplicate"
    assert payload(events, "call-deleted") == {"callId": str(call.pk), "incidentNumber": call.incident_number,
                                               "callNumber": call.number, "deletedBy": "admin_a",
                                               "reason": "Duplicate"}
    assert Unit.objects.for_community(call.community).get(pk=unit.pk).current_call_id is None
    with pytest.raises(Conflict):
        services.call_archive(call=row, by=admin, reason="again")


def test_attach_is_idempotent_and_community_checked(call, civ, vehicle, other_community, make_character):
    services.call_attach_civilian(call=call, civilian=civ)
    services.call_attach_civilian(call=call, civilian=civ)
    services.call_attach_vehicle(call=call, vehicle=vehicle)
    assert list(call.attached_civilians.all()) == [civ] and list(call.attached_vehicles.all()) == [vehicle]
    with pytest.raises(Invalid):
        services.call_attach_civilian(call=call, civilian=make_character(other_community))


def test_panic_creates_priority_one_call_and_alert(community, unit, events, django_capture_on_commit_callbacks):
    character = unit.character
    with django_capture_on_commit_callbacks(execute=True):
        call = services.panic_trigger(community=community, character=character, location="Strawberry Ave",
                                      postal="342", coords={"x": 243.7, "y": -1529.3, "z": 29.2})
    assert call.priority == 1 and call.origin == CallOrigin.OBSERVED
    assert call.title == f"PANIC — [1-Adam-12] {character.full_name}"
    alert = payload(events, "panic-button")
    assert alert["officerName"] == character.full_name and alert["source"] == "fivem"
    assert alert["coordinates"] == {"x": 243.7, "y": -1529.3, "z": 29.2}
    assert alert["communityName"] == community.name


def test_active_911_calls_payload_for_realtime(community, make_call, unit, django_assert_max_num_queries):
    from calls import selectors

    calls = [make_call(community, x=1.0, y=2.0, z=3.0) for _ in range(5)]
    make_call(community, origin="OBSERVED")
    services.call_assign_unit(call=calls[0], unit=unit, by=None)
    with django_assert_max_num_queries(6):
        board = selectors.active_911_calls(community)
    assert {c["_id"] for c in board} == {str(c.pk) for c in calls}
    first = next(c for c in board if c["_id"] == str(calls[0].pk))
    assert first["status"] == "active" and first["priority"] == "3"  # Traffic Stop's default
    assert first["assignedUnits"][0]["unitName"] == "1-Adam-12"
    assert first["coordinates"] == {"x": 1.0, "y": 2.0, "z": 3.0}


def test_call_by_id_or_number(community, other_community, make_call):
    from cad.core.errors import NotFound
    from calls.selectors import call_by_id_or_number

    call = make_call(community)
    for value in (str(call.pk), call.number, f"#{call.number}", call.incident_number):
        assert call_by_id_or_number(community, value) == call
    for value in ("nope", "999", "", f"{call.pk}x"):
        with pytest.raises(NotFound):
            call_by_id_or_number(community, value)
    with pytest.raises(NotFound):
        call_by_id_or_number(other_community, call.pk)


def test_remove_unit_from_deleted_call_just_releases_it(call, unit, admin):
    """Duty-off detaches a unit from every call it is on, deleted ones included, without failing."""
    services.call_assign_unit(call=call, unit=unit, by=admin)
    services.call_archive(call=call, by=admin, reason="Duplicate")
    services.call_remove_unit(call=call, unit=unit, by=admin)
    unit.refresh_from_db()
    assert unit.current_call_id is None
    assert call.assignments.count() == 1  # history kept


def test_remove_unit_not_on_call_conflicts(call, unit):
    with pytest.raises(Conflict):
        services.call_remove_unit(call=call, unit=unit, by=None)


def test_going_off_duty_detaches_from_open_and_deleted_calls(community, make_call, unit, admin):
    from dispatch.services import duty_set

    open_call, deleted = make_call(community), make_call(community)
    services.call_unit_progress(call=deleted, unit=unit, state="enroute")
    services.call_archive(call=deleted, by=admin, reason="Duplicate")
    services.call_unit_progress(call=open_call, unit=unit, state="enroute")
    duty_set(character=unit.character, on=False)
    open_call = Call.objects.for_community(community).get(pk=open_call.pk)
    assert open_call.status == CallStatus.PENDING and not open_call.assignments.exists()
    unit.refresh_from_db()
    assert (unit.on_duty, unit.current_call_id) == (False, None)


def test_overlong_text_is_a_validation_error_not_a_database_error(community, dispatcher, call):
    with pytest.raises(Invalid) as exc:
        services.call_create(community=community, by_user=dispatcher, data=CallInput(call_type="x" * 121))
    assert "call_type" in exc.value.fields
    with pytest.raises(Invalid):
        services.call_update(call=call, by=dispatcher, postal="9" * 21)


def test_cancel_releases_units_and_tells_the_game(call, unit, dispatcher, events, sse_events,
                                                  django_capture_on_commit_callbacks):
    services.call_unit_progress(call=call, unit=unit, state="enroute")
    with django_capture_on_commit_callbacks(execute=True):
        call = services.call_set_status(call=call, status="cancelled", by=dispatcher)
    assert call.status == CallStatus.CANCELLED and call.closed_at is not None
    unit.refresh_from_db()
    assert (unit.state, unit.current_call_id) == ("available", None)
    assert payload(events, "call-status-updated")["newStatus"] == "cancelled"
    assert dict(sse_events)["call_closed"]["call_number"] == call.number
    with pytest.raises(Conflict):
        services.call_cancel(call=call, by=dispatcher)


def test_update_with_ending_status_goes_through_close(call, dispatcher, events, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call = services.call_update(call=call, by=dispatcher, description="Done here", status="closed")
    assert (call.status, call.description) == ("closed", "Done here")
    assert "911CallClosed" in names(events) and "callUpdated" in names(events)
    with pytest.raises(Invalid) as exc:
        services.call_update(call=call, by=dispatcher, number=5)
    assert exc.value.fields == {"number": ["Cannot be changed."]}


def test_recently_closed_calls(community, make_call):
    from calls import selectors

    calls = [make_call(community) for _ in range(8)]
    for call in calls[:7]:
        services.call_close(call=call, by=None)
    assert selectors.recently_closed_calls(community) == list(reversed(calls[1:7]))
