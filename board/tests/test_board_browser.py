"""The dispatcher's board in headless Chromium, live, without reloading the page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from calls import services as calls
from calls.inputs import CallInput
from calls.models import Call, CallAssignment, PanicAlert
from dispatch.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_board(page, open_as, user):
    open_as(page, user, "/dispatch")
    expect(page.get_by_role("status", name="Connection")).to_have_text("Live")
    return page


def queue_titles(page) -> list[str]:
    return page.get_by_role("region", name="Call queue").locator(".call-title").all_inner_texts()


def test_live_board_calls_notes_assignment_units_panic_aop(page, new_page, open_as, community, dispatcher, admin,
                                                          api, make_unit, axe, screenshot):
    adam = make_unit(community, "1-Adam-12")
    make_unit(community, "2-Boy-15")
    make_unit(community, "M-7", job="ems")
    calls.call_create(community=community, by_user=dispatcher,
        data=CallInput(call_type="Noise complaint", priority=3, location="Grove St"))
    board = open_board(page, open_as, dispatcher)
    queue = board.get_by_role("region", name="Call queue")
    units = board.get_by_role("region", name="Units")
    expect(queue).to_contain_text("Noise complaint")
    expect(units.get_by_role("group", name="Police")).to_contain_text("1-Adam-12")
    expect(units.get_by_role("group", name="EMS")).to_contain_text("M-7")

    # A call created through the REST API appears, in priority order, without a reload.
    response = api.post("/fivem/calls", json={"title": "10-50 MVA", "location": "Route 68", "postal": "334",
                                              "priority": 1, "description": "Two cars, one on its roof"})
    assert response.status_code in (200, 201), response.text
    expect(queue).to_contain_text("10-50 MVA")
    assert queue_titles(board) == ["10-50 MVA", "Noise complaint"]
    mva = Call.objects.for_community(community).get(title="10-50 MVA")

    # Selecting it shows its detail.
    queue.get_by_role("link", name=re.compile(r"10-50 MVA")).click()
    incident = board.get_by_role("region", name="Incident")
    expect(incident).to_contain_text("Two cars, one on its roof")
    expect(incident).to_contain_text("Route 68")

    # A note added through the API appears in the timeline; one added in the page is stored.
    calls.call_add_note(call=mva, text="Caller says fuel leaking", by_user=admin)
    expect(incident.get_by_role("region", name="Timeline")).to_contain_text("Caller says fuel leaking")
    incident.get_by_label("Note").fill("Fire requested")
    incident.get_by_role("button", name="Add note").click()
    expect(incident.get_by_role("region", name="Timeline")).to_contain_text("Fire requested")
    assert mva.notes.filter(text="Fire requested", author=dispatcher).exists()

    # Assigning a unit in the page is visible through the API and in the units column.
    incident.get_by_label("Unit", exact=True).select_option(label="1-Adam-12 (Available)")
    incident.get_by_role("button", name="Assign").click()
    expect(incident.get_by_role("list", name="Units on this call")).to_contain_text("1-Adam-12")
    polled = api.get("/fivem/poll-calls").json()["calls"]
    assert CallAssignment.objects.for_community(community).filter(call=mva, unit=adam).exists()
    assert any(c["id"] == str(mva.pk) for c in polled)
    expect(units.locator(f'[data-unit-id="{adam.pk}"]')).to_contain_text(f"#{mva.number}")

    # A unit status change from /fivem/unit-status moves it live.
    response = api.post("/fivem/unit-status", json={"character_id": str(adam.character_id), "call_id": str(mva.pk),
                                                    "status": "on_scene"})
    assert response.status_code == 200, response.text
    expect(units.locator(f'[data-unit-id="{adam.pk}"]')).to_contain_text("On Scene")

    # A dispatcher sets a unit's status from the units column, by keyboard: one shared picker serves
    # every row and opens for the row's unit with its current status selected.
    boy = units.get_by_role("button", name="Status for 2-Boy-15")
    boy.focus()
    board.keyboard.press("Enter")
    picker = board.get_by_role("dialog", name="Status for 2-Boy-15")
    expect(picker).to_be_visible()
    expect(picker.get_by_label("Status")).to_have_value("10-8")
    expect(picker.get_by_label("Status")).to_be_focused()
    picker.get_by_label("Status").select_option("10-6")
    board.keyboard.press("Tab")
    expect(picker.get_by_role("button", name="Set status")).to_be_focused()
    board.keyboard.press("Enter")
    expect(picker).to_be_hidden()
    expect(units.locator('[data-callsign="2-Boy-15"]')).to_contain_text("10-6 · Busy")
    assert Unit.objects.for_community(community).get(name="2-Boy-15").state == "busy"
    # The same picker, opened for another unit, shows that unit's status, not the last one set.
    units.get_by_role("button", name="Status for 1-Adam-12").click()
    expect(board.get_by_role("dialog", name="Status for 1-Adam-12").get_by_label("Status")).not_to_have_value("10-6")
    board.keyboard.press("Escape")

    # An area-of-play change and an announcement appear live.
    response = api.post("/api/dispatch/aop", json={"aop": "Blaine County"})
    assert response.status_code in (200, 201), response.text
    expect(board.get_by_label("Area of play")).to_have_value("Blaine County")
    response = api.post("/api/announcements", json={"title": "Server restart", "message": "At 04:00 UTC", "priority": "warning"})
    assert response.status_code in (200, 201), response.text
    expect(board.get_by_role("list", name="Announcements")).to_contain_text("Server restart")

    # A panic from /fivem/panic raises the overlay (with its alarm) on every open board.
    second = open_board(new_page(), open_as, admin)
    response = api.post("/fivem/panic", json={"character_id": str(adam.character_id), "location": "Sandy Shores",
                                              "postal": "1011"})
    assert response.status_code == 200, response.text
    for one in (board, second):
        overlay = one.get_by_role("alertdialog")
        expect(overlay).to_contain_text("1-Adam-12")
        expect(overlay).to_contain_text("Sandy Shores")
        expect(overlay).to_contain_text("1011")
    assert board.evaluate("() => window.cadSound.alarming") is True
    assert axe(board) == []
    screenshot(board, "dispatch-board-panic")

    # Acknowledge is recorded on the server and clears the overlay on every board; the panic stays in
    # the call's timeline.
    board.get_by_role("button", name="Acknowledge").click()
    for one in (board, second):
        expect(one.get_by_role("alertdialog")).to_have_count(0)
    assert second.evaluate("() => window.cadSound.alarming") is False
    panic = PanicAlert.objects.for_community(community).get()
    assert panic.acknowledged_by == dispatcher
    assert panic.call.notes.filter(text__startswith="Panic acknowledged by").exists()
    assert axe(board) == []
    screenshot(board, "dispatch-board")


def test_board_catches_up_after_the_socket_drops(page, sign_in, community, dispatcher, api):
    sign_in(page, dispatcher)
    down = {"value": False}
    sockets = []

    def route(ws):
        if down["value"]:
            ws.close()
            return
        sockets.append(ws)
        ws.connect_to_server()

    page.route_web_socket("**/ws", route)
    page.goto("/dispatch")
    status = page.get_by_role("status", name="Connection")
    expect(status).to_have_text("Live")
    # The join's resync re-fetches the queue over HTTP; answered after the calls below are created (a
    # loaded server), it rightly shows them while the socket is down. Let it finish first.
    expect(page.locator("body[data-resyncs]")).to_have_count(1)

    down["value"] = True
    sockets[-1].close()
    expect(status).not_to_have_text("Live")
    for title in ("Missed one", "Missed two"):
        assert api.post("/fivem/calls", json={"title": title, "location": "Paleto"}).status_code in (200, 201)
    queue = page.get_by_role("region", name="Call queue")
    page.wait_for_timeout(1_000)  # reconnect attempts are refused meanwhile
    expect(queue).not_to_contain_text("Missed one", timeout=0)
    expect(queue).not_to_contain_text("Missed two", timeout=0)
    assert len(sockets) == 1  # no second socket got through
    down["value"] = False
    expect(status).to_have_text("Live", timeout=6_000)
    expect(queue).to_contain_text("Missed one")
    expect(queue).to_contain_text("Missed two")


def test_new_call_form_and_command_line(page, open_as, community, dispatcher, make_unit):
    make_unit(community, "3-Cap-1")
    board = page
    open_as(board, dispatcher, "/dispatch")
    board.get_by_role("button", name="New call").click()
    dialog = board.get_by_role("dialog", name="New call")
    dialog.get_by_role("button", name="Create call").click()  # nothing filled in
    expect(dialog).to_contain_text("This field is required")
    assert Call.objects.for_community(community).count() == 0
    dialog.get_by_label("Type").fill("Shots fired")
    dialog.get_by_label("Location").fill("Vinewood Blvd")
    dialog.get_by_label("Postal").fill("7021")
    dialog.get_by_label("Priority").select_option("1")
    dialog.get_by_role("button", name="Create call").click()
    expect(dialog).to_be_hidden()
    expect(board.get_by_role("region", name="Incident")).to_contain_text(re.compile("Shots fired", re.I))
    call = Call.objects.for_community(community).get()
    assert (call.priority, call.postal) == (1, "7021")

    board.keyboard.press("/")
    command = board.get_by_role("textbox", name="Command")
    expect(command).to_be_focused()
    command.fill(f"assign {call.number} 3-C")
    command.press("Tab")
    expect(command).to_have_value(f"assign {call.number} 3-Cap-1 ")
    command.press("Enter")
    expect(board.locator("#command-result")).to_contain_text("Assigned 3-Cap-1")
    command.fill("close 99999")
    command.press("Enter")
    expect(board.locator("#command-result")).to_contain_text("No open call #99999")
    command.fill(f"close {call.number} Report taken")
    command.press("Enter")
    expect(board.get_by_role("region", name="Closed calls")).to_contain_text(re.compile("Shots fired", re.I))
    call.refresh_from_db()
    assert call.status == "closed" and call.disposition == "Report taken"


def test_officer_reads_civilian_403_other_community_404(page, open_as, community, other_community, officer,
                                                       civilian, outsider, dispatcher):
    theirs = calls.call_create(community=other_community,
        data=CallInput(call_type="Their secret call", location="Elsewhere"))
    ours = calls.call_create(community=community, by_user=dispatcher,
        data=CallInput(call_type="Our call", location="Here"))

    open_as(page, civilian, "/dispatch", status=403)

    page.context.clear_cookies()
    open_as(page, officer, "/dispatch")
    expect(page.get_by_role("region", name="Call queue")).to_contain_text("Our call")
    expect(page.get_by_role("button", name="New call")).to_have_count(0)
    assert page.goto(f"/dispatch?call={theirs.pk}").status == 404

    page.context.clear_cookies()
    open_as(page, outsider, "/dispatch")
    expect(page.get_by_role("status", name="Connection")).to_have_text("Live")
    calls.call_add_note(call=ours, text="still ours", by_user=dispatcher)
    calls.call_create(community=community, by_user=dispatcher,
        data=CallInput(call_type="Another of ours", location="Here"))
    calls.call_create(community=other_community,
        data=CallInput(call_type="Their new call", location="Elsewhere"))
    expect(page.get_by_role("region", name="Call queue")).to_contain_text("Their new call")
    expect(page.get_by_role("region", name="Call queue")).not_to_contain_text("Our call")
    expect(page.get_by_role("region", name="Call queue")).not_to_contain_text("Another of ours")
