"""The civilian's flow in headless Chromium: a character, a vehicle marked stolen (an officer's lookup
then says Stolen), and a 911 call that reaches a dispatcher's board."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from calls.models import Call
from characters.models import Character, Vehicle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_civilian_character_vehicle_stolen_and_911(page, new_page, open_as, community, civilian, officer,
                                                   dispatcher, axe, screenshot):
    open_as(page, civilian, "/")
    expect(page).to_have_url(re.compile(r"/characters$"))
    expect(page.get_by_role("heading", name="My characters")).to_be_visible()
    assert axe(page) == []

    page.get_by_role("button", name="New character").click()
    page.get_by_label("First name").fill("Jane")
    page.get_by_label("Last name").fill("Doe")
    page.get_by_label("Date of birth").fill("1990-04-15")
    expect(page.get_by_label("Type").locator("option[value=leo]")).to_have_count(0)  # civilians: no leo
    page.get_by_role("button", name="Create character").click()
    expect(page.get_by_role("heading", name="Jane Doe")).to_be_visible()
    jane = Character.objects.for_community(community).get(first_name="Jane")
    assert jane.user == civilian

    vehicles = page.get_by_role("region", name="Vehicles")
    vehicles.get_by_label("Plate").fill("cad 42")
    vehicles.get_by_label("Make").fill("Vapid")
    vehicles.get_by_label("Model").fill("Dominator")
    vehicles.get_by_role("button", name="Register vehicle").click()
    row = page.get_by_role("row", name=re.compile("CAD42"))
    expect(row).to_contain_text("Not stolen")
    row.get_by_role("button", name="Mark stolen").click()
    expect(page.get_by_role("row", name=re.compile("CAD42"))).to_contain_text("Stolen")
    assert Vehicle.objects.for_community(community).get(plate="CAD42").is_stolen
    assert axe(page) == []
    screenshot(page, "civilian-character")

    # The officer's lookup on the MDT page says Stolen (the MDT's own browser test covers Warrant).
    cop = new_page()
    open_as(cop, officer, "/mdt")
    cop.get_by_label("Lookup").fill("CAD42")
    cop.get_by_role("button", name="Search").click()
    card = cop.get_by_role("article", name="Vehicle CAD42")
    expect(card.get_by_text("Stolen", exact=True)).to_be_visible()
    expect(card).to_contain_text("Jane Doe")

    # A 911 call from the civilian's page reaches the dispatcher's board.
    board = new_page()
    open_as(board, dispatcher, "/dispatch")
    expect(board.get_by_role("status", name="Connection")).to_have_text("Live")
    page.get_by_role("link", name="← My characters").click()
    page.get_by_role("link", name="Call 911").click()
    call_form = page.get_by_role("region", name="Report an emergency")
    call_form.get_by_label("Location").fill("Legion Square")
    call_form.get_by_label("Postal").fill("7105")
    call_form.get_by_label("What is happening").fill("Two men fighting outside the bank")
    call_form.get_by_role("button", name="Call 911").click()
    expect(page.get_by_role("status", name="Messages")).to_contain_text("911 call #")
    call = Call.objects.for_community(community).get(location="Legion Square")
    expect(page.get_by_role("region", name="My 911 calls")).to_contain_text(f"#{call.number}")
    assert call.caller == "Jane Doe" and call.created_by == civilian
    expect(board.get_by_role("region", name="Call queue")).to_contain_text("Legion Square")
    assert axe(page) == []
    screenshot(page, "civilian-911")
