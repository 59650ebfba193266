"""The officer's MDT in headless Chromium: lookups with flags, a person's record, a citation with points."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from calls import services as call_services
from calls.inputs import CallInput
from characters.models import DrivingLicense
from characters.services import license_issue
from dispatch.selectors import unit_for_character
from records import services as record_services
from records.tests.factories import make_character, make_vehicle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _patient_expectations():
    # CI shares two cores with PostgreSQL, Redis and Chromium: give each expectation room, never a fixed sleep.
    expect.set_options(timeout=15_000)
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture
def officer_char(community, officer):
    from cad.core.models import Department

    lspd = Department.objects.for_community(community).get(short_name="LSPD")
    return make_character(community, first="Adam", last="Adams", type="leo", user=officer, department=lspd,
                          callsign="1-A-12")


def test_lookups_flags_and_a_citation_with_points(page, sign_in, community, officer, officer_char, civilian, axe,
                                                  screenshot):
    community.dmv_enabled = community.dmv_points_enabled = True
    community.save()
    john = make_character(community, first="John", last="Smith", type="civilian", user=civilian)
    license_issue(character=john, license_class="E")
    make_vehicle(community, plate="STOLEN1", owner=john, is_stolen=True)
    record_services.warrant_create(community=community, character=john, title="Armed robbery")
    sign_in(page, officer)
    page.goto("/")
    expect(page).to_have_url(f"{page.url.split('/mdt')[0]}/mdt")
    expect(page.get_by_role("status", name="Connection")).to_have_text("Live")  # the page's scripts are running
    page.get_by_role("button", name="Go on duty").click()
    expect(page.get_by_role("group", name="Status").get_by_role("button", name="10-8")).to_be_visible()
    page.keyboard.press("2")  # the second status button: 10-6
    expect(page.locator("#unit-status")).to_contain_text("10-6")

    # A dispatcher assigns the unit to a new call: a notice (and a sound), and My call shows it, no reload.
    call = call_services.call_create(community=community,
        data=CallInput(title="10-50 MVA", location="Route 1", postal="334"))
    call_services.call_assign_unit(call=call, unit=unit_for_character(officer_char))
    my_call = page.get_by_role("region", name="My call")
    expect(my_call.get_by_role("heading", name=f"#{call.number} 10-50 MVA")).to_be_visible()
    my_call.get_by_role("button", name="En route").click()
    expect(my_call.locator("#my-state")).to_have_text("En route")  # the live refresh may replace the flash

    page.get_by_label("Lookup").fill("STOLEN1")
    page.get_by_role("button", name="Search").click()
    card = page.get_by_role("article", name="Vehicle STOLEN1")
    expect(card.get_by_text("Stolen", exact=True)).to_be_visible()
    expect(card.get_by_text("BOLO", exact=True)).to_have_count(0)

    page.get_by_label("Lookup").fill("John Smith")
    page.keyboard.press("Enter")
    person = page.get_by_role("article", name="John Smith")
    expect(person.get_by_text("Warrant", exact=True)).to_be_visible()
    expect(person.get_by_text("Weapons licence", exact=True)).to_have_count(0)
    person.get_by_role("button", name="Open record of John Smith").click()
    record = page.get_by_role("region", name="Record")
    expect(record.get_by_role("heading", name="John Smith")).to_be_visible()
    assert axe(page) == []
    screenshot(page, "mdt-lookup", caret="initial", full_page=True)  # hiding the caret injects a style the CSP refuses

    record.get_by_text("Write a citation").click()
    citation = record.get_by_role("form", name="Citation")
    citation.get_by_label("Violation").fill("Speeding 30 over")
    citation.get_by_label("Fine").fill("250")
    citation.get_by_label("Points").fill("4")
    citation.get_by_role("button", name="Write citation").click()
    expect(record.get_by_role("status")).to_contain_text("Citation written")
    expect(record.locator("#person-points")).to_have_text("4")
    assert DrivingLicense.objects.for_community(community).get(character=john).points == 4


def test_a_civilian_gets_403(page, sign_in, civilian):
    sign_in(page, civilian)
    assert page.goto("/mdt").status == 403
