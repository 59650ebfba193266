"""The board's pages and actions without a browser: roles, tenancy, bad input, query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from calls import services as calls
from calls.inputs import CallInput
from calls.models import Call, CallNote, PanicAlert
from dispatch.models import Unit
from dispatch.selectors import dispatch_state

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def call(community, dispatcher):
    return calls.call_create(community=community, by_user=dispatcher,
        data=CallInput(call_type="Traffic stop", location="Main St"))


@pytest.fixture
def their_call(other_community):
    return calls.call_create(community=other_community,
        data=CallInput(call_type="Their call", location="Elsewhere"))


def test_board_roles(client, community, dispatcher, supervisor, admin, officer, civilian):
    assert client.get("/dispatch")["Location"].startswith("/login")
    for user in (dispatcher, supervisor, admin, officer):
        response = client_for(user).get("/dispatch")
        assert response.status_code == 200
        html = response.content.decode()
        assert 'aria-label="Call queue"' in html and 'aria-label="Units"' in html
        assert ("New call" in html) == (user != officer)
    assert client_for(civilian).get("/dispatch").status_code == 403
    for path in ("/dispatch/queue", "/dispatch/units", "/dispatch/header", "/dispatch/panics", "/dispatch/bolos"):
        assert client_for(civilian).get(path).status_code == 403
        assert client_for(officer).get(path).status_code == 200


BOARD_QUERIES = 19  # 18 + the dispatch state (area of play, Signal 100), dispatch's own row since issue 16


def test_board_query_count_does_not_grow_with_calls_or_units(community, dispatcher, make_unit):
    client = client_for(dispatcher)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/dispatch").status_code == 200
        return len(queries)

    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            unit = make_unit(community, f"U-{i}", job=("police", "fire", "ems", "tow")[i % 4])
            call = calls.call_create(community=community, by_user=dispatcher,
                data=CallInput(call_type=f"Call {i}", location="X", priority=1 + i % 3))
            calls.call_assign_units(call=call, units=[unit], by=dispatcher)

    add(3, 0)
    small = count()
    add(12, 3)
    assert count() == small
    # Pinned, not only flat: a new query on the board is a decision (raise this with the reason).
    assert small == BOARD_QUERIES


def test_units_column_shares_one_status_picker(community, dispatcher, officer, make_unit):
    for i in range(4):
        make_unit(community, f"1-A-{i}")
    html = client_for(dispatcher).get("/dispatch").content.decode()
    assert html.count('id="unit-status-select"') == 1 and html.count("<option value=\"10-8\"") == 1
    assert all(f'aria-label="Status for 1-A-{i}"' in html for i in range(4))
    assert 'data-callsign="1-A-0" data-code="10-8"' in html  # what the picker selects when it opens
    html = client_for(officer).get("/dispatch").content.decode()
    assert "unit-status-dialog" not in html and "Status for 1-A-0" not in html


def test_another_communitys_call_is_404_everywhere(community, dispatcher, their_call, make_unit, other_community):
    client = client_for(dispatcher)
    assert client.get(f"/dispatch?call={their_call.pk}").status_code == 404
    assert client.get("/dispatch?call=not-a-uuid").status_code == 404
    assert client.get(f"/dispatch/calls/{their_call.pk}", **HTMX).status_code == 404
    assert client.get(f"/dispatch/calls/{their_call.pk}/row").status_code == 404
    for action in ("notes", "assign", "status", "close", "edit", "attach-self"):
        response = client.post(f"/dispatch/calls/{their_call.pk}/{action}", {"text": "x", "status": "enroute"}, **HTMX)
        assert response.status_code == 404, action
    their_unit = make_unit(other_community, "X-1")
    assert client.post(f"/dispatch/units/{their_unit.pk}/status", {"status": "busy"}, **HTMX).status_code == 404
    assert not CallNote.objects.for_community(other_community).filter(text="x").exists()
    html = client.get("/dispatch").content.decode()
    assert "Their call" not in html and "X-1" not in html


def test_note_add_and_bad_input(community, dispatcher, officer, call):
    client = client_for(dispatcher)
    response = client.post(f"/dispatch/calls/{call.pk}/notes", {"text": "   "}, **HTMX)
    assert response.status_code == 422 and "This field is required" in response.content.decode()
    assert not call.notes.filter(kind="text").exists()
    response = client.post(f"/dispatch/calls/{call.pk}/notes", {"text": "Suspect fled"}, **HTMX)
    assert response.status_code == 200 and "Suspect fled" in response.content.decode()
    assert call.notes.filter(text="Suspect fled", author=dispatcher).exists()
    assert client_for(officer).post(f"/dispatch/calls/{call.pk}/notes", {"text": "no"}, **HTMX).status_code == 403
    # Without htmx the form post redirects back to the board with the call open.
    response = client.post(f"/dispatch/calls/{call.pk}/notes", {"text": "Plain post"})
    assert response.status_code == 302 and response["Location"] == f"/dispatch?call={call.pk}"


def test_assign_remove_and_officer_attaches_self(community, dispatcher, officer, call, make_unit, other_community):
    unit = make_unit(community, "1-A-1")
    their = make_unit(other_community, "9-Z-9")
    client = client_for(dispatcher)
    for bad in ("", "not-a-uuid", str(their.pk)):
        response = client.post(f"/dispatch/calls/{call.pk}/assign", {"unit": bad}, **HTMX)
        assert response.status_code in (404, 422), bad
    assert not call.assignments.exists()
    assert client.post(f"/dispatch/calls/{call.pk}/assign", {"unit": str(unit.pk)}, **HTMX).status_code == 200
    assert call.assignments.filter(unit=unit).exists()
    assert client_for(officer).post(f"/dispatch/calls/{call.pk}/assign", {"unit": str(unit.pk)},
                                    **HTMX).status_code == 403
    assert client.post(f"/dispatch/calls/{call.pk}/units/{unit.pk}/remove", **HTMX).status_code == 200
    assert not call.assignments.filter(unit=unit).exists()

    mine = make_unit(community, "1-A-2", user=officer)
    officer_client = client_for(officer)
    assert officer_client.post(f"/dispatch/calls/{call.pk}/attach-self", **HTMX).status_code == 200
    assert call.assignments.filter(unit=mine).exists()


def test_call_create_status_close_and_edit_conflict(community, dispatcher, officer, call):
    client = client_for(dispatcher)
    response = client.post("/dispatch/calls", {"location": "", "priority": "9"}, **HTMX)
    assert response.status_code == 422 and response["HX-Retarget"] == "#new-call-form-holder"
    assert Call.objects.for_community(community).count() == 1
    response = client.post("/dispatch/calls", {"call_type": "Robbery", "location": "Bank", "postal": "101",
                                                "priority": "1", "origin": "CALLER", "description": "Armed"}, **HTMX)
    assert response.status_code == 200
    robbery = Call.objects.for_community(community).get(call_type="Robbery")
    assert (robbery.priority, robbery.origin, robbery.created_by) == (1, "CALLER", dispatcher)
    assert client_for(officer).post("/dispatch/calls", {"call_type": "X", "location": "Y", "priority": "2",
                                                        "origin": "CALLER"}, **HTMX).status_code == 403

    assert client.post(f"/dispatch/calls/{call.pk}/status", {"status": "bogus"}, **HTMX).status_code == 422
    assert client.post(f"/dispatch/calls/{call.pk}/status", {"status": "enroute"}, **HTMX).status_code == 200
    call.refresh_from_db()
    assert call.status == "enroute"

    # Two dispatchers open the editor; the second save does not overwrite the first.
    version = call.updated_at.isoformat()
    form = {"call_type": call.call_type, "location": "First edit", "postal": "", "priority": "2", "caller": "",
            "description": "", "title": "", "version": version}
    assert client.post(f"/dispatch/calls/{call.pk}/edit", form, **HTMX).status_code == 200
    response = client.post(f"/dispatch/calls/{call.pk}/edit", {**form, "location": "Second edit"}, **HTMX)
    assert response.status_code == 422 and "Someone else changed this call" in response.content.decode()
    call.refresh_from_db()
    assert call.location == "First edit"

    assert client.post(f"/dispatch/calls/{call.pk}/close", {"disposition": ""}, **HTMX).status_code == 422
    assert client.post(f"/dispatch/calls/{call.pk}/close", {"disposition": "Handled"}, **HTMX).status_code == 200
    call.refresh_from_db()
    assert (call.status, call.disposition) == ("closed", "Handled")
    assert client.get(f"/dispatch/calls/{call.pk}/row").status_code == 204  # off the queue


def test_unit_status_from_the_units_column(community, dispatcher, officer, make_unit):
    unit = make_unit(community, "1-A-7")
    client = client_for(dispatcher)
    assert client.post(f"/dispatch/units/{unit.pk}/status", {"status": "10-99-nope"}, **HTMX).status_code == 422
    unit.refresh_from_db()
    assert unit.state == "available"
    assert client.post(f"/dispatch/units/{unit.pk}/status", {"status": "busy"}, **HTMX).status_code == 200
    assert Unit.objects.for_community(community).get(pk=unit.pk).state == "busy"
    assert client_for(officer).post(f"/dispatch/units/{unit.pk}/status", {"status": "available"},
                                    **HTMX).status_code == 403


def test_panic_acknowledge_once_roles_and_tenancy(community, other_community, dispatcher, officer, make_unit,
                                                  outsider, events, django_capture_on_commit_callbacks):
    unit = make_unit(community, "1-A-9")
    with django_capture_on_commit_callbacks(execute=True):
        call = calls.panic_trigger(community=community, character=unit.character, location="Paleto", postal="1")
    panic = PanicAlert.objects.for_community(community).get(call=call)
    html = client_for(dispatcher).get("/dispatch").content.decode()
    assert 'role="alertdialog"' in html and "1-A-9" in html and "Acknowledge" in html

    assert client_for(officer).post(f"/dispatch/panics/{panic.pk}/acknowledge", **HTMX).status_code == 403
    assert client_for(outsider).post(f"/dispatch/panics/{panic.pk}/acknowledge", **HTMX).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(dispatcher).post(f"/dispatch/panics/{panic.pk}/acknowledge", **HTMX)
    assert response.status_code == 200 and "alertdialog" not in response.content.decode()
    panic.refresh_from_db()
    assert panic.acknowledged_by == dispatcher and panic.acknowledged_at is not None
    first = panic.acknowledged_at
    with django_capture_on_commit_callbacks(execute=True):
        client_for(dispatcher).post(f"/dispatch/panics/{panic.pk}/acknowledge", **HTMX)
    panic.refresh_from_db()
    assert panic.acknowledged_at == first
    assert [names for names, _ in events].count(("panic-acknowledged",)) == 1
    assert call.notes.filter(text__startswith="Panic acknowledged by").count() == 1


def test_command_line(community, dispatcher, officer, make_unit, call):
    make_unit(community, "4-D-4")
    client = client_for(dispatcher)
    response = client.post("/dispatch/command", {"line": "frobnicate"}, **HTMX)
    assert response.status_code == 422 and "Unknown command" in response.content.decode()
    response = client.post("/dispatch/command", {"line": f"assign {call.number} 4-D-4"}, **HTMX)
    assert response.status_code == 200 and "Assigned 4-D-4" in response.content.decode()
    response = client.post("/dispatch/command", {"line": "status 4-d-4 busy"}, **HTMX)
    assert response.status_code == 200
    response = client.post("/dispatch/command", {"line": "new Fight @ Pier #22 p1"}, **HTMX)
    assert response.status_code == 200
    assert Call.objects.for_community(community).filter(call_type="Fight", postal="22", priority=1).exists()
    response = client.post("/dispatch/command", {"line": f"note {call.number} on my way"}, **HTMX)
    assert call.notes.filter(text="on my way").exists()
    response = client.post("/dispatch/command", {"line": "ack"}, **HTMX)
    assert response.status_code == 422 and "No panic" in response.content.decode()
    assert client_for(officer).post("/dispatch/command", {"line": "ack"}, **HTMX).status_code == 403


def test_attach_person_and_vehicle(community, other_community, dispatcher, officer, call):
    from characters.models import Character, Vehicle

    jane = Character.objects.create(community=community, type="civilian", first_name="Jane", last_name="Doe",
                                     ssn="300-00-0001", license_number="DL-777")
    Character.objects.create(community=community, type="civilian", first_name="John", last_name="Roe",
                             ssn="300-00-0002", license_number="DL-778")
    car = Vehicle.objects.create(community=community, owner=jane, plate="CAD123", make="Vapid", model="Stanier")
    theirs = Character.objects.create(community=other_community, type="civilian", first_name="Far", last_name="Away",
                                      ssn="300-00-0003", license_number="DL-999")
    client = client_for(dispatcher)
    url = f"/dispatch/calls/{call.pk}/attach"
    for bad in ("", "Nobody Here", "DL-999", theirs.full_name):
        assert client.post(url, {"query": bad}, **HTMX).status_code == 422, bad
    assert not call.attached_civilians.exists()
    assert client.post(url, {"query": "jane doe"}, **HTMX).status_code == 200
    assert client.post(url, {"query": "cad 123"}, **HTMX).status_code == 200
    assert list(call.attached_civilians.all()) == [jane] and list(call.attached_vehicles.all()) == [car]
    assert client_for(officer).post(url, {"query": "DL-778"}, **HTMX).status_code == 403


def test_suggestions_nearest_available_units_by_live_position(community, dispatcher, make_unit):
    from dispatch.services import position_update
    from postals.services import postal_table_replace

    near, far, busy = make_unit(community, "N-1"), make_unit(community, "F-2"), make_unit(community, "B-3",
                                                                                          state="busy")
    for unit, x in ((near, 110.0), (far, 900.0), (busy, 100.0)):
        position_update(community_id=community.pk, unit_id=str(unit.pk), x=x, y=0.0, z=0.0)
    client = client_for(dispatcher)
    placed = calls.call_create(community=community, by_user=dispatcher,
        data=CallInput(call_type="Fight", location="X", x=100.0, y=0.0))
    html = client.get(f"/dispatch/calls/{placed.pk}/suggestions", **HTMX).content.decode()
    assert html.index("N-1") < html.index("F-2") and "B-3" not in html
    assert "Dispatch N-1" in html and 'data-suggestion="1"' in html

    by_postal = calls.call_create(community=community, by_user=dispatcher,
        data=CallInput(call_type="Fight", location="Y", postal="2000"))
    html = client.get(f"/dispatch/calls/{by_postal.pk}/suggestions", **HTMX).content.decode()
    assert "no coordinates" in html
    postal_table_replace(community=community, entries=[{"code": "2000", "x": 880.0, "y": 0.0}])
    html = client.get(f"/dispatch/calls/{by_postal.pk}/suggestions", **HTMX).content.decode()
    assert html.index("F-2") < html.index("N-1")


def test_board_carries_the_communitys_sound_settings(community, dispatcher):
    from cad.core import services as core

    sounds = [{"event": "new_call", "enabled": True, "volume": 0.5, "custom_url": "/media/sounds/ding.ogg"},
              {"event": "panic", "enabled": True, "volume": 0.9, "custom_url": None},
              {"event": "bolo", "enabled": False, "volume": 0.6, "custom_url": None},
              {"event": "announcement", "enabled": True, "volume": 0.3, "custom_url": "https://evil.example/x.mp3"}]
    core.community_update(community=community, sounds=sounds)
    html = client_for(dispatcher).get("/dispatch").content.decode()
    assert 'data-sound-volume="90"' in html and 'data-sounds-off="bolo"' in html
    assert 'data-sound-urls="{&quot;call&quot;: &quot;/media/sounds/ding.ogg&quot;}"' in html
    # The MDT plays alerts too (a new assignment): the same settings.
    mdt = client_for(dispatcher).get("/mdt").content.decode()
    assert 'data-sound-volume="90"' in mdt and 'data-sounds-off="bolo"' in mdt and "/media/sounds/ding.ogg" in mdt


def test_tones_and_header_actions(community, dispatcher, officer):
    from dispatch.models import ActiveDispatcher, Tone

    client = client_for(dispatcher)
    assert client.post("/dispatch/tone", {"description": ""}, **HTMX).status_code == 422
    assert client.post("/dispatch/tone", {"description": "Structure fire"}, **HTMX).status_code == 422  # no audience
    assert not Tone.objects.for_community(community).exists()
    response = client.post("/dispatch/tone", {"description": "Structure fire", "ems_fd": "on"}, **HTMX)
    assert response.status_code == 200 and "EMS / Fire: Structure fire" in response.content.decode()
    assert client_for(officer).post("/dispatch/tone", {"description": "x", "leo": "on"}, **HTMX).status_code == 403

    assert client.post("/dispatch/aop", {"aop": ""}, **HTMX).status_code == 422
    assert client.post("/dispatch/aop", {"aop": "Los Santos"}, **HTMX).status_code == 200
    assert dispatch_state(community).area_of_play == "Los Santos"
    assert client.post("/dispatch/signal100", {"value": "1"}, **HTMX).status_code == 200
    assert dispatch_state(community).signal100 is True
    assert "SIGNAL 100 in effect" in client.get("/dispatch/header").content.decode()
    assert client.post("/dispatch/active", {"value": "1"}, **HTMX).status_code == 200
    assert ActiveDispatcher.objects.for_community(community).filter(user=dispatcher).exists()
    for path in ("/dispatch/aop", "/dispatch/signal100", "/dispatch/active"):
        assert client_for(officer).post(path, {"aop": "x", "value": "0"}, **HTMX).status_code == 403


def _row(html: str, call) -> str:
    start = html.index(f'id="call-row-{call.pk}"')
    return html[start:html.index("</li>", start)]


def _flagged(html: str, call) -> bool:
    row = _row(html, call)
    return "Overdue</span>" in row and 'flag-overdue" hidden' not in row


def test_overdue_follows_the_communitys_per_status_thresholds(community, dispatcher, make_unit):
    from datetime import timedelta

    from cad.core import services as core_services

    client = client_for(dispatcher)
    waiting = calls.call_create(community=community, by_user=dispatcher, data=CallInput(call_type="Waiting", location="A"))
    busy = calls.call_create(community=community, by_user=dispatcher, data=CallInput(call_type="Busy", location="B"))
    calls.call_assign_units(call=busy, units=[make_unit(community, "1-A-1")], by=dispatcher)
    six_minutes_ago = waiting.status_changed_at - timedelta(minutes=6)
    Call.objects.for_community(community).filter(pk__in=[waiting.pk, busy.pk]).update(
        status_changed_at=six_minutes_ago, last_activity_at=six_minutes_ago)

    html = client.get("/dispatch").content.decode()  # defaults: pending 2, assigned 5 minutes
    assert _flagged(html, waiting) and _flagged(html, busy)

    # A note is activity, not a status change: the call is still stuck.
    calls.call_add_note(call=waiting, text="Still waiting", by_user=dispatcher)
    assert _flagged(client.get("/dispatch").content.decode(), waiting)

    core_services.community_update(community=community, overdue_minutes={"pending": 10})
    html = client.get("/dispatch").content.decode()
    assert not _flagged(html, waiting) and not _flagged(html, busy)  # assigned: no threshold, never
    assert "data-overdue-at" in _row(html, waiting) and "data-overdue-at" not in _row(html, busy)

    # A status change restarts the clock.
    core_services.community_update(community=community, overdue_minutes={"pending": 2, "enroute": 1})
    calls.call_set_status(call=waiting, status="enroute", by=dispatcher)
    waiting.refresh_from_db()
    assert waiting.status_changed_at > six_minutes_ago
    assert not _flagged(client.get("/dispatch").content.decode(), waiting)
    assert _flagged(client.get(f"/dispatch/calls/{busy.pk}/row").content.decode(), busy) is False


def test_unit_time_in_status_moves_only_when_the_status_does(community, dispatcher, make_unit):
    from dispatch import services as dispatch_services

    unit = dispatch_services.unit_set_status(unit=make_unit(community, "1-A-5"), status="10-8")
    before = unit.status_changed_at
    dispatch_services.unit_set_radio_channel(unit=unit, channel="2")
    dispatch_services.unit_set_state(unit=unit, state="available")  # 10-8 again: no change
    unit.refresh_from_db()
    assert unit.status_changed_at == before
    dispatch_services.unit_set_status(unit=unit, status="10-6")
    unit.refresh_from_db()
    assert unit.status_changed_at > before and unit.state == "busy"
    html = client_for(dispatcher).get("/dispatch").content.decode()
    start = html.index('data-callsign="1-A-5"')
    assert unit.status_changed_at.isoformat() in html[start:html.index("</li>", start)]


def test_unit_migration_fills_time_in_status_from_last_activity(community, make_unit):
    import importlib
    from datetime import timedelta

    from django.apps import apps

    fill = importlib.import_module("dispatch.migrations.0004_unit_status_changed_at").fill
    active, idle = make_unit(community, "1-A-8"), make_unit(community, "1-A-9")
    earlier = active.created_at - timedelta(hours=2)
    Unit.objects.for_community(community).filter(pk=active.pk).update(last_activity_at=earlier)
    Unit.objects.for_community(community).filter(pk=idle.pk).update(last_activity_at=None, on_duty_since=earlier)
    fill(apps, None)
    assert {u.pk: u.status_changed_at for u in Unit.objects.for_community(community)} == {
        active.pk: earlier, idle.pk: earlier}
