"""Real community scripts on the position ingest (issue 9): SnailyCAD's API-token header, and CDE CAD's
tablet reporting a unit off duty as a location update with no coordinates."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from cad.core import services as core_services
from dispatch import selectors
from dispatch.tests.test_ingest import client, position

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
async def _close_sync_thread_connections():
    yield
    from django.db import connections

    await sync_to_async(connections.close_all)()


@pytest.fixture
def warm_token(api_token):
    core_services.token_authenticate(api_token)
    return api_token


async def test_snailycad_header_on_the_ingest(community, warm_token):
    async with client() as c:
        r = await c.post("/api/dispatch/location-update", json=position(),
                         headers={"snaily-cad-api-token": warm_token})
        batch = await c.post("/api/dispatch/location-update/batch", json=[position(unitId="u2")],
                             headers={"snaily-cad-api-token": warm_token})
        bad = await c.post("/api/dispatch/location-update", json=position(unitId="u3"),
                           headers={"snaily-cad-api-token": "cad_wrong"})
    assert r.json() == {"success": True} and batch.json() == {"success": True, "accepted": 1}
    assert bad.status_code == 401
    assert set(await sync_to_async(selectors.current_locations)(community.pk)) == {"officer_42", "u2"}


async def test_cde_offline_report_removes_the_unit_from_tracking(community, warm_token, events):
    async with client() as c:
        await c.post("/api/dispatch/location-update", json=position(), headers={"x-api-key": warm_token})
        await c.post("/api/dispatch/location-update", json=position(unitId="officer_43"),
                     headers={"x-api-key": warm_token})
        r = await c.post("/api/dispatch/location-update", json={"unitId": "officer_42", "status": "offline"},
                         headers={"x-api-key": warm_token})
        again = await c.post("/api/dispatch/location-update", json={"unitId": "officer_42", "status": "offline"},
                             headers={"x-api-key": warm_token})
    assert r.status_code == 200 and r.json() == {"success": True, "unitId": "officer_42", "removed": True}
    assert again.status_code == 200 and again.json()["removed"] is False  # idempotent
    assert set(await sync_to_async(selectors.current_locations)(community.pk)) == {"officer_43"}
    assert [data["unitId"] for n, data in events if n == ("unitLocationRemoved",)] == ["officer_42"]


async def test_cde_offline_in_a_batch(community, warm_token):
    async with client() as c:
        await c.post("/api/dispatch/location-update/batch", json=[position(unitId="a"), position(unitId="b")],
                     headers={"x-api-key": warm_token})
        r = await c.post("/api/dispatch/location-update/batch",
                         json=[{"unitId": "a", "status": "offline"}, position(unitId="c")],
                         headers={"x-api-key": warm_token})
    assert r.json() == {"success": True, "accepted": 1, "removed": 1}
    assert set(await sync_to_async(selectors.current_locations)(community.pk)) == {"b", "c"}


async def test_cde_offline_bad_input_and_other_community(community, other_community, warm_token):
    async with client() as c:
        await c.post("/api/dispatch/location-update", json=position(), headers={"x-api-key": warm_token})
        missing = await c.post("/api/dispatch/location-update", json={"status": "offline"},
                               headers={"x-api-key": warm_token})
        foreign = await c.post("/api/dispatch/location-update",
                               json={"unitId": "officer_42", "status": "offline",
                                     "communityId": str(other_community.pk)}, headers={"x-api-key": warm_token})
        no_token = await c.post("/api/dispatch/location-update", json={"unitId": "officer_42", "status": "offline"})
        # Any other status without coordinates is still a bad position.
        patrolling = await c.post("/api/dispatch/location-update", json={"unitId": "officer_42", "status": "busy"},
                                  headers={"x-api-key": warm_token})
    assert missing.status_code == 400 and "unitId" in missing.json()["error"]
    assert foreign.status_code == 403 and no_token.status_code == 401 and patrolling.status_code == 400
    assert set(await sync_to_async(selectors.current_locations)(community.pk)) == {"officer_42"}
