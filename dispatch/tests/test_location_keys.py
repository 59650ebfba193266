"""Positions stay keyed by the sender's `unitId`; units list and current_locations agree on who is who.
And going off duty leaves archived calls alone."""

from __future__ import annotations

from calls import services as call_services
from calls.inputs import CallInput
from calls.models import CallNote
from dispatch import selectors, services
from dispatch.models import Unit


def test_units_and_locations_agree(as_, officer, server, community, unit, medic):
    Unit.objects.for_community(community).filter(pk=unit.pk).update(external_id="officer_42")
    ems = services.duty_set(character=medic, on=True)
    services.position_update(community_id=community.pk, unit_id="officer_42", unit_name="", x=1, y=2, z=3)
    services.position_update(community_id=community.pk, unit_id=str(ems.pk), unit_name="", x=4, y=5, z=6)
    services.position_update(community_id=community.pk, unit_id="stranger_7", unit_name="1-ADAM-12", x=7, y=8, z=9)

    units = {u["_id"]: u for u in as_(officer).get("/api/dispatch/units").json()}
    assert units[str(unit.pk)]["externalId"] == "officer_42"
    current = selectors.current_locations(community.pk)
    # Keyed as sent; the known ids point at their unit, the unknown one at nobody (not even by its name).
    assert set(current) == {"officer_42", str(ems.pk), "stranger_7"}
    assert current["officer_42"]["odId"] == str(unit.pk) and current["officer_42"]["unitName"] == "1-ADAM-12"
    assert current[str(ems.pk)]["odId"] == str(ems.pk) and current[str(ems.pk)]["unitName"] == ems.name
    assert current["stranger_7"]["odId"] is None
    assert {e["odId"] for e in server.get("/api/dispatch/locations").json()} <= set(units) | {None}

    # Off duty: every position of that unit leaves the map and the units list at once; the stranger stays.
    services.duty_set(character=unit.character, on=False)
    assert str(unit.pk) not in {u["_id"] for u in as_(officer).get("/api/dispatch/units").json()}
    assert set(selectors.current_locations(community.pk)) == {str(ems.pk), "stranger_7"}
    assert server.delete("/api/dispatch/location/stranger_7").status_code == 200
    assert set(selectors.current_locations(community.pk)) == {str(ems.pk)}


def test_off_duty_skips_archived_calls(unit, leo, community, dispatcher, events, monkeypatch,
                                      django_capture_on_commit_callbacks):
    live = call_services.call_create(community=community, by_user=dispatcher,
        data=CallInput(call_type="Theft", location="A"))
    gone = call_services.call_create(community=community, by_user=dispatcher,
        data=CallInput(call_type="Theft", location="B"))
    call_services.call_assign_unit(call=live, unit=unit, by=dispatcher)
    call_services.call_assign_unit(call=gone, unit=unit, by=dispatcher)  # its current call
    call_services.call_archive(call=gone, by=dispatcher, reason="Deleted")
    Unit.objects.for_community(community).filter(pk=unit.pk).update(current_call=gone)
    visited = []
    original = call_services.call_remove_unit
    monkeypatch.setattr(call_services, "call_remove_unit",
                        lambda **kw: visited.append(kw["call"].pk) or original(**kw))
    notes_before = CallNote.objects.for_community(community).filter(call=gone).count()
    events.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.duty_set(character=leo, on=False)
    assert visited == [live.pk]
    removed = [data for names, data in events if "unitRemovedFromCall" in names]
    assert [r["callId"] for r in removed] == [str(live.pk)]
    assert gone.assignments.filter(unit=unit).exists()  # the deleted call keeps its history
    assert CallNote.objects.for_community(community).filter(call=gone).count() == notes_before
    unit.refresh_from_db()
    assert (unit.on_duty, unit.current_call_id) == (False, None)
