"""Postal table API (admins upload/download, officers read), `GET /fivem/postal`, and the nearest-postal
fill on calls, panics and positions that arrive with coordinates and no postal."""

from __future__ import annotations

import json

import httpx
import pytest
from asgiref.sync import sync_to_async
from django.core.files.uploadedfile import SimpleUploadedFile

from cad.core import services as core_services
from calls.models import Call
from dispatch import ingest
from dispatch import selectors as dispatch_selectors
from dispatch import services as dispatch_services
from postals import selectors, services
from postals.models import PostalTable

TABLE = [{"code": "100", "x": 0.0, "y": 0.0}, {"code": "200", "x": 1000.0, "y": 0.0},
         {"code": "300", "x": 0.0, "y": 1000.0}, {"code": "2000", "x": 2325.43, "y": 5147.21}]


@pytest.fixture
def postals(community):
    return services.postal_table_replace(community=community, entries=TABLE, name="base map")


def _active_count(community) -> int:
    return PostalTable.objects.for_community(community).filter(archived_at__isnull=True).count()


# --- upload / download ----------------------------------------------------------------------------

def test_admin_uploads_json_and_replaces_archiving_the_old_table(as_, admin, community, events,
                                                                  django_capture_on_commit_callbacks):
    client = as_(admin)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.put("/api/postals", TABLE, format="json")
    assert first.status_code == 201, first.json()
    assert first.json()["postalTable"]["size"] == 4
    assert events[-1][0] == ("postal-table-updated",) and events[-1][1]["size"] == 4
    second = client.post("/api/postals", {"name": "roxwood", "postals": [{"code": 5001, "x": 1, "y": 2}]},
                         format="json")
    assert second.status_code == 201
    rows = PostalTable.objects.for_community(community).order_by("created_at")
    assert [(t.size, t.archived_at is None) for t in rows] == [(4, False), (1, True)]
    assert _active_count(community) == 1
    got = client.get("/api/postals").json()
    assert (got["name"], got["size"], got["postals"]) == ("roxwood", 1, [{"code": "5001", "x": 1.0, "y": 2.0}])
    assert selectors.nearest_postal(community, 9999, 9999)[0] == "5001"  # the new table is used at once


def test_upload_as_a_file_and_download_it_back(as_, admin, community):
    client = as_(admin)
    upload = SimpleUploadedFile("new-postals.json", json.dumps(TABLE).encode(), content_type="application/json")
    response = client.put("/api/postals", {"file": upload}, format="multipart")
    assert response.status_code == 201, response.json()
    assert response.json()["postalTable"]["name"] == "new-postals.json"
    file = client.get("/api/postals/file")
    assert file.status_code == 200 and "attachment" in file["Content-Disposition"]
    assert json.loads(file.content) == TABLE


@pytest.mark.parametrize("body", [
    [], {"postals": []}, [{"code": "1", "x": "east", "y": 0}], [{"code": "", "x": 0, "y": 0}],
    [{"code": "1", "x": 0}], ["100"], [{"code": "1" * 17, "x": 0, "y": 0}], {"name": "x"},
    [{"code": "1", "x": True, "y": 0}],
])
def test_bad_upload_is_400_and_changes_nothing(as_, admin, community, postals, body):
    response = as_(admin).put("/api/postals", body, format="json")
    assert response.status_code == 400 and "postals" in response.json()["fields"]
    assert selectors.active_postal_table(community).pk == postals.pk


def test_bad_file_is_400(as_, admin, community):
    for content in (b"{not json", b'[{"code": "1", "x": NaN, "y": 0}]'):
        upload = SimpleUploadedFile("p.json", content, content_type="application/json")
        response = as_(admin).put("/api/postals", {"file": upload}, format="multipart")
        assert response.status_code == 400
    assert selectors.active_postal_table(community) is None


def test_roles(as_, supervisor, officer, civilian, community, postals, server):
    assert as_(supervisor).put("/api/postals", TABLE, format="json").status_code == 403
    assert as_(supervisor).delete("/api/postals").status_code == 403
    assert server.put("/api/postals", TABLE, format="json").status_code == 403  # a game server is no admin
    assert as_(officer).get("/api/postals").status_code == 200
    assert as_(civilian).get("/api/postals").status_code == 403
    assert selectors.active_postal_table(community).pk == postals.pk


def test_other_community_sees_nothing(as_, outsider, community, postals, other_server):
    client = as_(outsider)
    assert client.get("/api/postals").status_code == 404
    assert client.get("/api/postals/file").status_code == 404
    assert client.delete("/api/postals").status_code == 404
    assert other_server.get("/fivem/postal", {"x": 0, "y": 0}).status_code == 404
    assert as_(outsider).get("/api/postals", HTTP_X_COMMUNITY_ID=str(community.pk)).status_code == 403
    assert selectors.active_postal_table(community).pk == postals.pk


def test_delete_archives_and_stops_the_fill(as_, admin, community, postals):
    assert as_(admin).delete("/api/postals").status_code == 200
    assert PostalTable.objects.for_community(community).get().archived_at is not None
    assert selectors.nearest_postal(community, 0, 0) is None
    assert as_(admin).delete("/api/postals").status_code == 404


# --- GET /fivem/postal ----------------------------------------------------------------------------

def test_fivem_postal(server, postals):
    response = server.get("/fivem/postal", {"x": 990.5, "y": 3})
    assert response.status_code == 200
    assert response.json() == {"code": "200", "distance": round((9.5 ** 2 + 9) ** 0.5, 2)}


@pytest.mark.parametrize("query", [{}, {"x": 1}, {"x": "east", "y": 1}, {"x": "nan", "y": 1}, {"x": "inf", "y": 0}])
def test_fivem_postal_bad_input(server, postals, query):
    response = server.get("/fivem/postal", query)
    assert response.status_code == 400 and "error" in response.json()


def test_fivem_postal_without_table_or_token(server, client, community):
    assert server.get("/fivem/postal", {"x": 1, "y": 1}).status_code == 404
    assert client.get("/fivem/postal", {"x": 1, "y": 1}).status_code == 401


# --- the fill -------------------------------------------------------------------------------------

def test_call_with_coordinates_and_no_postal_gets_the_nearest(server, community, postals):
    body = server.post("/fivem/calls", {"title": "Shots fired", "x": 20.0, "y": 990.0}, format="json").json()
    assert body["postal"] == "300"
    kept = server.post("/fivem/calls", {"title": "x", "x": 20.0, "y": 990.0, "postal": "42"}, format="json").json()
    assert kept["postal"] == "42"  # what the sender said wins
    without = server.post("/fivem/calls", {"title": "x"}, format="json").json()
    assert without["postal"] == ""
    assert Call.objects.for_community(community).filter(postal="300").count() == 1


def test_panic_with_coordinates_gets_the_nearest(server, community, postals, django_capture_on_commit_callbacks,
                                                 events):
    from characters.models import Character

    character = Character.objects.create(community=community, type="leo", first_name="A", last_name="B",
                                         callsign="1-A-1")
    dispatch_services.duty_set(character=character, on=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = server.post("/fivem/panic", {"character_id": str(character.pk),
                                                "coords": {"x": 2300, "y": 5100, "z": 30}}, format="json")
    assert response.status_code == 200, response.json()
    assert Call.objects.for_community(community).get(pk=response.json()["call_id"]).postal == "2000"
    alert = next(data for sent, data in events if "panic-button" in sent)
    assert alert["postal"] == "2000"


def test_sync_position_update_fills_the_postal(community, postals):
    stored = dispatch_services.position_update(community_id=community.pk, unit_id="u1", x=999, y=1, z=0)
    assert stored["postal"] == "200"


@pytest.fixture
def warm_token(api_token):
    core_services.token_authenticate(api_token)
    return api_token


@pytest.fixture
async def _close_sync_thread_connections():
    yield
    from django.db import connections

    await sync_to_async(connections.close_all)()


@pytest.mark.django_db(transaction=True)  # the ingest app reads the table from another thread
@pytest.mark.usefixtures("_close_sync_thread_connections")
async def test_batch_positions_route_fills_postals(community, postals, warm_token, other_community):
    ids = ["0b7e3b8e-1c2d-4e5f-8a9b-0c1d2e3f4a5b", "1b7e3b8e-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
           "2B7E3B8E-1C2D-4E5F-8A9B-0C1D2E3F4A5B"]
    body = [{"character_id": ids[0], "name": "[1-A-12] John", "x": 5, "y": 5, "z": 30, "heading": 90},
            {"character_id": ids[1], "x": 2320, "y": 5140, "z": 1, "heading": 0, "postal": "9999"},
            {"character_id": ids[2], "x": 1010, "y": -20, "z": 1, "heading": 400}]
    transport = httpx.ASGITransport(app=ingest.ingest_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://cad") as c:
        r = await c.post("/fivem/livemap/positions", json=body, headers={"Authorization": f"Bearer {warm_token}"})
        assert r.status_code == 200 and r.json() == {"ok": True, "accepted": 3}
        wrapped = await c.post("/fivem/livemap/positions", json={"positions": body[:1]},
                               headers={"Authorization": f"Bearer {warm_token}"})
        assert wrapped.json() == {"ok": True, "accepted": 1}
        single = await c.post("/fivem/livemap/position", headers={"Authorization": f"Bearer {warm_token}"},
                              json={"character_id": ids[0], "x": 30, "y": 980, "z": 0, "heading": 0})
        assert single.json() == {"ok": True}
        livemap = await sync_to_async(dispatch_selectors.current_locations)(community.pk)
    assert livemap[ids[0]]["postal"] == "300" and livemap[ids[0]]["characterId"] == ids[0]
    assert livemap[ids[1]]["postal"] == "9999"  # sent postals are kept
    third = livemap[ids[2].lower()]
    assert (third["postal"], third["heading"], third["unitName"]) == ("200", 40.0, ids[2].lower())
    assert await sync_to_async(dispatch_selectors.current_locations)(other_community.pk) == {}


@pytest.mark.usefixtures("_close_sync_thread_connections")
@pytest.mark.parametrize("body, message", [
    ([], "non-empty list"), ({"positions": "x"}, "non-empty list"),
    ([{"x": 1, "y": 1, "z": 1, "heading": 1}], "positions[0].character_id"),
    ([{"character_id": "0b7e3b8e-1c2d-4e5f-8a9b-0c1d2e3f4a5b", "x": 1, "y": 1, "z": 1, "heading": 1},
      {"character_id": "nope", "x": 1, "y": 1, "z": 1, "heading": 1}], "positions[1].character_id"),
    ([{"character_id": "0b7e3b8e-1c2d-4e5f-8a9b-0c1d2e3f4a5b", "x": "1", "y": 1, "z": 1, "heading": 1}],
     "positions[0].x"),
])
async def test_batch_positions_bad_input_stores_nothing(community, warm_token, body, message):
    transport = httpx.ASGITransport(app=ingest.ingest_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://cad") as c:
        r = await c.post("/fivem/livemap/positions", json=body, headers={"Authorization": f"Bearer {warm_token}"})
        wrong = await c.post("/fivem/livemap/positions", json=[], headers={"Authorization": "Bearer cad_nope"})
    assert r.status_code == 400 and message in r.json()["error"]
    assert wrong.status_code == 401
    assert await sync_to_async(dispatch_selectors.current_locations)(community.pk) == {}
