from __future__ import annotations

import pytest

from cad.core.errors import Forbidden, Invalid
from calls.inputs import CallInput
from dispatch import selectors, services
from dispatch.models import Unit

pytestmark = pytest.mark.django_db


def test_duty_on_builds_the_unit_from_the_character(leo, events, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        unit = services.duty_set(character=leo, on=True)
    assert (unit.name, unit.job, unit.on_duty, unit.department_id) == ("1-ADAM-12", "police", True, leo.department_id)
    assert unit.api_ids == ["steam:110000100000001", "discord:100000000000000001"]
    assert unit.last_activity_at is not None
    assert events[-1][0] == ("unit-status-updated", "userStatusUpdate")
    assert events[-1][1]["unitId"] == str(unit.pk) and events[-1][1]["status"] == "10-8"
    assert events[-1][1]["state"] == "available"
    assert services.duty_set(character=leo, on=True).pk == unit.pk  # idempotent


def test_duty_on_generates_a_callsign_and_job(medic):
    unit = services.duty_set(character=medic, on=True)
    assert unit.job == "ems" and unit.name.startswith("MEDIC-")


def test_civilians_cannot_go_on_duty(community, make_character):
    with pytest.raises(Forbidden):
        services.duty_set(character=make_character(community, type="civilian"), on=True)
    assert not Unit.objects.for_community(community).exists()


def test_duty_off_keeps_the_row_and_clears_the_map(unit, leo, events, django_capture_on_commit_callbacks):
    services.position_update(community_id=unit.community_id, unit_id=str(leo.pk), x=1, y=2, z=3, origin="fivem")
    with django_capture_on_commit_callbacks(execute=True):
        off = services.duty_set(character=leo, on=False)
    assert off.pk == unit.pk and not Unit.objects.for_community(unit.community_id).get(pk=unit.pk).on_duty
    assert selectors.current_locations(unit.community_id) == {}
    names = [n for n, _ in events]
    assert ("unitLocationRemoved",) in names and ("unit-status-updated", "userStatusUpdate") in names
    assert services.duty_set(character=leo, on=False) is None


def test_unit_by_api_id_matches_every_spelling(unit, community, other_community):
    for spelling in ("STEAM:110000100000001", "110000100000001", "steam:110000100000001", "100000000000000001",
                     "discord:100000000000000001"):
        assert selectors.unit_by_api_id(community, spelling) == unit
    assert selectors.unit_by_api_id(community, "STEAM:999") is None
    assert selectors.unit_by_api_id(other_community, "110000100000001") is None


def test_units_by_ids_or_names(unit, community, other_unit):
    assert selectors.units_by_ids_or_names(community, ids=[str(unit.pk)]) == [unit]
    assert selectors.units_by_ids_or_names(community, names=["1-adam-12"]) == [unit]
    assert selectors.units_by_ids_or_names(community, ids=[str(other_unit.pk), "junk"], names=["9-BRAVO-9"]) == []
    assert selectors.unit_for_character(unit.character) == unit


def test_unit_set_state(unit, community, events, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.unit_set_state(unit=unit, state="busy", status_code="10-6")
    unit.refresh_from_db()
    assert unit.state == "busy" and unit.status_code.code == "10-6"
    assert events[-1][1]["status"] == "10-6"
    with pytest.raises(Invalid):
        services.unit_set_state(unit=unit, state="napping")
    with pytest.raises(Invalid):
        services.unit_set_state(unit=unit, state="busy", status_code="10-99")
    services.unit_set_state(unit=unit, state="on_scene", status_text="traffic stop")
    unit.refresh_from_db()
    assert (unit.status_code.code, unit.status_text) == ("10-97", "traffic stop")  # the state's default code
    services.unit_set_state(unit=unit, state="enroute")
    unit.refresh_from_db()
    assert (unit.status_code, unit.status_text, services.unit_status_label(unit)) == (None, "", "enroute")


def test_unit_set_status_takes_a_state_or_a_code(unit):
    assert services.unit_set_status(unit=unit, status="10-15").state == "busy"
    assert services.unit_set_status(unit=unit, status="10-7").state == "busy"  # out of service
    assert services.unit_set_status(unit=unit, status="available").status_code.code == "10-8"
    with pytest.raises(Invalid) as raised:
        services.unit_set_status(unit=unit, status="10-99")
    assert "10-8" in str(raised.value.detail)


def test_off_duty_units_cannot_change_status(unit, leo):
    services.duty_set(character=leo, on=False)
    with pytest.raises(Forbidden):
        services.unit_set_state(unit=unit, state="busy")


def test_duty_off_detaches_the_unit_from_its_calls(unit, leo, community, events, django_capture_on_commit_callbacks):
    from calls import services as calls_services
    from calls.models import CallAssignment

    call = calls_services.call_create(community=community,
        data=CallInput(title="Robbery", location="Vinewood"))
    calls_services.call_assign_unit(call=call, unit=unit)
    with django_capture_on_commit_callbacks(execute=True):
        services.duty_set(character=leo, on=False)
    assert not CallAssignment.objects.for_community(community).filter(unit=unit).exists()
    unit.refresh_from_db()
    assert unit.current_call_id is None and not unit.on_duty
    assert ("unitRemovedFromCall",) in [n for n, _ in events]


def test_duty_on_twice_keeps_one_unit(leo):
    assert services.duty_set(character=leo, on=True).pk == services.duty_set(character=leo, on=True).pk
    assert Unit.objects.for_community(leo.community_id).filter(character=leo).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_duty_on_from_parallel_connections_keeps_one_unit(leo):
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    def go(_):
        try:
            return services.duty_set(character=leo, on=True).pk
        finally:
            connection.close()

    with ThreadPoolExecutor(8) as pool:
        ids = set(pool.map(go, range(16)))
    assert len(ids) == 1
    assert Unit.objects.for_community(leo.community_id).filter(character=leo).count() == 1


def test_a_bare_position_shows_its_units_callsign_job_and_status(unit, leo, community, django_assert_num_queries):
    services.position_update(community_id=community.pk, unit_id=str(leo.pk), character_id=str(leo.pk),
                             x=1, y=2, z=3, origin="fivem")
    services.position_update(community_id=community.pk, unit_id="stranger", x=1, y=2, z=3)
    with django_assert_num_queries(1):
        found = selectors.current_locations(community.pk)
    assert {k: found[str(leo.pk)][k] for k in ("unitName", "job", "status")} == {
        "unitName": "1-ADAM-12", "job": "police", "status": "10-8"}
    assert (found["stranger"]["unitName"], found["stranger"]["job"]) == ("stranger", "")


def test_unit_and_tone_times_keep_the_text_the_encoder_wrote(leo, events, django_capture_on_commit_callbacks):
    """The payloads carry strings now (their declared type) but the same text the JSON encoder wrote for the
    datetime they used to hold, with and without microseconds (where `iso()` would add `.000`)."""
    import json
    from datetime import UTC, datetime

    from django.core.serializers.json import DjangoJSONEncoder

    from dispatch.payloads import encoded_time

    for moment in (datetime(2026, 1, 15, 14, 32, tzinfo=UTC), datetime(2026, 1, 15, 14, 32, 0, 123456, tzinfo=UTC)):
        assert json.dumps(encoded_time(moment)) == json.dumps(moment, cls=DjangoJSONEncoder)
    assert encoded_time(datetime(2026, 1, 15, 14, 32, tzinfo=UTC)) == "2026-01-15T14:32:00Z"
    assert encoded_time(None) is None
    with django_capture_on_commit_callbacks(execute=True):
        unit = services.duty_set(character=leo, on=True)
    unit.refresh_from_db()
    assert events[-1][1]["updatedAt"] == json.loads(json.dumps(unit.updated_at, cls=DjangoJSONEncoder))
