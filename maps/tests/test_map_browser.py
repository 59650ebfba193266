"""The live map in headless Chromium: markers move with position reports, leave with duty, panic flashes,
uploaded tiles are drawn. No reloads."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import expect

from cad.core import services as core_services
from cad.core.models import Department
from calls import services as call_services
from dispatch import services as dispatch_services
from maps import services as map_services
from maps.tests.test_tiles import pictures
from records.tests.factories import make_character

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _patient_expectations():
    # CI shares two cores with PostgreSQL, Redis and Chromium: give each expectation room, never a fixed sleep.
    expect.set_options(timeout=15_000)
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture
def unit(community, officer):
    lspd = Department.objects.for_community(community).get(short_name="LSPD")
    character = make_character(community, first="Adam", last="Adams", type="leo", user=officer, department=lspd,
                               callsign="1-A-12")
    return dispatch_services.duty_set(character=character, on=True, by=officer)


@pytest.fixture
def token(community):
    _, raw = core_services.token_create(community=community, name="game server")
    return raw


def report(url: str, token: str, character_id, x: float, y: float, heading: float = 0.0) -> None:
    response = httpx.post(f"{url}/fivem/livemap/position", headers={"Authorization": f"Bearer {token}"},
                          json={"character_id": str(character_id), "x": x, "y": y, "z": 30.0, "heading": heading})
    assert response.status_code == 200, response.text


def marker_place(page, key: str) -> list:
    return page.evaluate("key => { const m = window.cadMap.markers.get(key); return m ? [m.x, m.y] : null; }", key)


def test_position_moves_the_marker_and_off_duty_removes_it(page, open_as, live_server_url, officer, dispatcher, unit,
                                                           token, axe, screenshot):
    key = str(unit.character_id)
    report(live_server_url, token, key, 100.0, 200.0, 90.0)
    open_as(page, dispatcher, "/map")
    the_map = page.get_by_role("region", name="Map")
    marker = the_map.get_by_role("button", name="1-A-12")
    expect(marker).to_be_visible()
    expect(page.get_by_role("status", name="Connection")).to_have_text("Live")
    units = page.get_by_role("region", name="On-duty units")
    expect(units.get_by_role("button", name="1-A-12")).to_be_visible()
    before = marker.bounding_box()

    report(live_server_url, token, key, 1500.0, 2500.0, 180.0)
    page.wait_for_function("key => { const m = window.cadMap.markers.get(key); return m && m.x === 1500; }", arg=key)
    assert marker_place(page, key) == [1500.0, 2500.0]
    page.wait_for_timeout(1000)  # the marker's move transition
    after = marker.bounding_box()
    assert (after["x"], after["y"]) != (before["x"], before["y"])

    units.get_by_role("button", name="1-A-12").click()
    expect(page.get_by_role("status").filter(has_text="Centred on 1-A-12")).to_be_visible()
    assert axe(page) == []
    screenshot(page, "map")
    # The grid labels each line once (not once per tile column, nor again at another size while zooming).
    # The labels are cleared at zoomstart and drawn again at zoomend: read them once the zoom has ended
    # (before it starts, the old level's labels are still there).
    page.evaluate("() => { window.zoomEnded = false;"
                  " window.cadMap.map.once('zoomend', () => { window.zoomEnded = true; }); }")
    the_map.get_by_role("button", name="Zoom in").click()
    page.wait_for_function("() => window.zoomEnded && document.querySelector('.grid-axes').childElementCount > 0")
    labels = page.evaluate("() => [...document.querySelectorAll('.grid-axis-label')].map(e => e.textContent)")
    assert labels and len(labels) == len(set(labels)), labels
    assert any(label.startswith("x ") for label in labels) and any(label.startswith("y ") for label in labels)

    dispatch_services.duty_set(character=unit.character, on=False)
    expect(marker).to_have_count(0)
    expect(units.get_by_text("No unit is on duty.")).to_be_visible()


def test_panic_shows_a_flashing_marker(page, open_as, live_server_url, dispatcher, unit, token, community):
    report(live_server_url, token, unit.character_id, -500.0, 300.0)
    open_as(page, dispatcher, "/map")
    expect(page.get_by_role("region", name="Map").get_by_role("button", name="1-A-12")).to_be_visible()
    expect(page.get_by_role("status", name="Connection")).to_have_text("Live")
    call_services.panic_trigger(community=community, character=unit.character,
                                coords={"x": -500.0, "y": 300.0, "z": 0.0}, location="Route 68", postal="334")
    panic = page.get_by_role("region", name="Map").get_by_role("button", name="Panic 1-A-12")
    expect(panic).to_be_visible()
    expect(page.get_by_role("alert").filter(has_text="PANIC")).to_contain_text("1-A-12")
    assert "panic-glyph" in panic.inner_html()


def test_uploaded_tiles_are_served_and_drawn(page, open_as, officer, admin, community, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    tileset = map_services.map_images_upload(community=community, files=pictures(), by=admin)
    map_services.tileset_build(tileset_id=tileset.pk)
    open_as(page, officer, "/map")
    tile = page.locator(f"img.leaflet-tile[src*='/map/tiles/{tileset.pk}/']").first
    expect(tile).to_be_attached()
    page.wait_for_function(
        "id => [...document.querySelectorAll('img.leaflet-tile')].some(i => i.src.includes(id) && i.complete && i.naturalWidth === 256)",
        arg=str(tileset.pk))
    expect(page.get_by_text("Background: the community's uploaded map.")).to_be_visible()


def test_a_civilian_gets_403(page, open_as, civilian):
    open_as(page, civilian, "/map", status=403)


def test_search_finds_a_postal(page, open_as, officer, community):
    from postals import services as postal_services

    postal_services.postal_table_replace(community=community, entries=[{"code": "334", "x": 120.5, "y": -300.25}])
    open_as(page, officer, "/map")
    expect(page.get_by_text("Background: grid (no map uploaded yet); postal codes as labels.")).to_be_visible()
    page.wait_for_function("() => window.cadMap && document.querySelector('.map-layout').dataset.ready === 'true'")
    page.get_by_label("Find a unit or postal").fill("334")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_role("status").filter(has_text="Centred on postal 334.")).to_be_visible()


def marker_fill(page, key: str):
    return page.evaluate("key => { const m = window.cadMap.markers.get(key); "
                         "return m ? m.shape.getAttribute('fill') : null; }", key)


def test_a_department_colour_change_recolours_an_open_map(page, new_page, open_as, live_server_url, dispatcher, admin,
                                                          unit, token, community):
    """An admin changes the department's colour in Settings; a dispatcher's open map redraws the unit's marker
    in it, without a reload (the `department-updated` event)."""
    key = str(unit.character_id)
    report(live_server_url, token, key, 100.0, 200.0, 90.0)
    open_as(page, dispatcher, "/map")
    expect(page.get_by_role("region", name="Map").get_by_role("button", name="1-A-12")).to_be_visible()
    expect(page.get_by_role("status", name="Connection")).to_have_text("Live")
    assert marker_fill(page, key) == "#2563eb"
    page.evaluate("() => { window.notReloaded = true; }")

    settings_page = open_as(new_page(), admin, f"/settings/values/departments/{unit.department_id}")
    settings_page.get_by_label("Colour").fill("#f472b6")
    settings_page.get_by_role("button", name="Save entry").click()
    expect(settings_page.get_by_role("status").filter(has_text="saved")).to_be_visible()

    page.wait_for_function("key => window.cadMap.markers.get(key).shape.getAttribute('fill') === '#f472b6'", arg=key)
    assert page.evaluate("() => window.notReloaded === true")
