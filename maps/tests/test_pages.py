"""/map and /map/state without a browser: roles, tenancy and what the state carries."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from cad.core.models import Department
from calls import services as call_services
from calls.inputs import CallInput
from dispatch import services as dispatch_services
from records.tests.factories import make_character

pytestmark = pytest.mark.django_db


@pytest.fixture
def web():
    """web(user) → a signed-in client; web(user, htmx=True) sends what htmx sends (`HX-Request`)."""
    def make(user, *, htmx: bool = False) -> Client:
        client = Client(headers={"HX-Request": "true"} if htmx else {})
        client.force_login(user)
        return client

    return make


@pytest.fixture
def on_duty(community, officer):
    lspd = Department.objects.for_community(community).get(short_name="LSPD")
    character = make_character(community, first="Adam", last="Adams", type="leo", user=officer, department=lspd,
                               callsign="1-A-12")
    unit = dispatch_services.duty_set(character=character, on=True, by=officer)
    dispatch_services.position_update(community_id=community.pk, unit_id=str(character.pk), x=100.0, y=-200.0,
                                      z=30.0, heading=90.0, character_id=str(character.pk), origin="fivem")
    return unit


def test_roles(web, civilian, officer, dispatcher, client):
    assert web(civilian).get("/map").status_code == 403
    assert web(civilian).get("/map/state").status_code == 403
    assert client.get("/map").status_code == 302
    page = web(officer).get("/map")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'aria-label="Map"' in html and "/static/leaflet/leaflet.js" in html and "map-config" in html
    config = json.loads(html.split('id="map-config" type="application/json">')[1].split("</script>")[0])
    assert config["crs"]["transformation"] == [0.02072, 117.3, -0.0205, 172.8] and config["tiles"] is None
    assert web(dispatcher).get("/map").status_code == 200


def test_state_has_units_positions_calls_and_panics(web, officer, on_duty, community, dispatcher):
    call_services.call_create(community=community, by_user=dispatcher,
        data=CallInput(title="Shots fired", x=10.0, y=20.0))
    call_services.call_create(community=community, data=CallInput(title="No place"))
    character = on_duty.character
    call_services.panic_trigger(community=community, character=character, coords={"x": 100.0, "y": -200.0, "z": 0})
    state = web(officer).get("/map/state").json()
    unit = state["units"][0]
    assert unit["callsign"] == on_duty.name and unit["color"] == "#2563eb" and str(character.pk) in unit["keys"]
    assert state["positions"][0]["unitId"] == str(character.pk) and state["positions"][0]["odId"] == str(on_duty.pk)
    assert {c["title"] for c in state["calls"]} >= {"Shots fired"} and "No place" not in {c["title"] for c in state["calls"]}
    assert state["panics"][0]["callsign"] == on_duty.name
    assert state["panicSeconds"] == 90


def test_a_unit_is_drawn_in_its_departments_colour(web, officer, on_duty, admin):
    from cad.core import services as core_services

    core_services.value_update(entry=on_duty.department, fields={"color": "#f472b6"}, by=admin)
    assert web(officer).get("/map/state").json()["units"][0]["color"] == "#f472b6"


def test_calls_without_coordinates_are_placed_by_postal(web, officer, community, dispatcher):
    from postals import services as postal_services

    call_services.call_create(community=community, by_user=dispatcher,
        data=CallInput(title="By postal", postal="334"))
    call_services.call_create(community=community, by_user=dispatcher,
        data=CallInput(title="Unknown postal", postal="999"))
    assert web(officer).get("/map/state").json()["calls"] == []
    assert 'data-postals-url' not in web(officer).get("/map").content.decode()
    postal_services.postal_table_replace(community=community, entries=[{"code": "334", "x": 120.5, "y": -300.25}],
                                         name="test")
    calls = web(officer).get("/map/state").json()["calls"]
    assert [(c["title"], c["x"], c["y"]) for c in calls] == [("By postal", 120.5, -300.25)]
    assert 'data-postals-url="/api/postals"' in web(officer).get("/map").content.decode()


def test_state_is_scoped_to_the_community(web, on_duty, outsider):
    state = web(outsider).get("/map/state").json()
    assert state["units"] == [] and state["positions"] == [] and state["calls"] == []


# --- the settings page's map-background panel ------------------------------------------------------------
@pytest.fixture
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_background_panel_upload_and_archive(web, admin, officer, community, _media, other_community, outsider):
    from maps import selectors, services
    from maps.tests.test_tiles import pictures

    client = web(admin, htmx=True)
    html = client.get("/map/background").content.decode()
    assert '<label for="id_files">Map images</label>' in html and "neutral grid" in html
    assert web(officer).get("/map/background").status_code == 403
    response = client.post("/map/background", {"files": pictures()[:5]})
    assert response.status_code == 400 and "Missing minimap_sea_2_1" in response.content.decode()
    assert not selectors.tilesets(community).exists()
    response = client.post("/map/background", {"files": pictures()})
    assert response.status_code == 200 and "being cut" in response.content.decode()
    tileset = selectors.tilesets(community).get()
    services.tileset_build(tileset_id=tileset.pk)
    assert "Drawn now" in client.get("/map/background").content.decode()
    assert web(outsider).post(f"/map/background/{tileset.pk}/archive").status_code == 404
    assert web(officer).post(f"/map/background/{tileset.pk}/archive").status_code == 403
    assert client.post(f"/map/background/{tileset.pk}/archive").status_code == 200
    assert selectors.active_tileset(community) is None


def test_background_posted_without_htmx_goes_back_to_the_settings_page(web, admin, officer, community, _media,
                                                                      outsider):
    """A plain form submission (no htmx) is sent back to Settings → Game with the outcome, never the bare panel."""
    from maps import selectors, services
    from maps.tests.test_tiles import pictures

    plain = web(admin)
    response = plain.post("/map/background", {"files": pictures()[:5]})
    assert (response.status_code, response["Location"]) == (303, "/settings/game")
    assert not selectors.tilesets(community).exists()
    page = plain.get("/settings/game").content.decode()
    assert "<html" in page and "Missing minimap_sea_2_1" in page
    response = plain.post("/map/background", {"files": pictures()})
    assert (response.status_code, response["Location"]) == (303, "/settings/game")
    tileset = selectors.tilesets(community).get()
    assert "the tiles are being cut" in plain.get("/settings/game").content.decode()
    services.tileset_build(tileset_id=tileset.pk)
    assert selectors.active_tileset(community) == tileset
    assert web(officer).post("/map/background", {"files": pictures()}).status_code == 403
    assert web(outsider).post(f"/map/background/{tileset.pk}/archive").status_code == 404
    response = plain.post(f"/map/background/{tileset.pk}/archive")
    assert (response.status_code, response["Location"]) == (303, "/settings/game")
    assert selectors.active_tileset(community) is None
    assert "back to the grid" in plain.get("/settings/game").content.decode()
