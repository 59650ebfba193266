"""Malformed bodies of every write endpoint answer 4xx, never 500."""
import pytest

pytestmark = pytest.mark.django_db

BODIES = [[], "x", 5, None, {"description": {"a": 1}, "type": ["VEHICLE"]}, {"description": "d", "type": 5},
          {"description": "d", "reason": "r", "suspectId": 5}, {"description": "d", "reason": "r", "suspectId": {"x": 1}},
          {"description": "d", "reason": "r", "expiresAt": 12345}, {"description": "d", "reason": "r", "vehicleYear": 2022},
          {"description": "d", "reason": "r", "priority": None}, {"description": "d", "type": None},
          {"description": "d", "reason": "r", "name": 5}, {"description": "d\x00", "reason": "r"},
          {"description": "d", "created_by": 5}, {"description": "d", "created_by": [1]}, {"description": "d", "plate": None},
          {"value": None}, {"value": [1]}, {"title": "t", "message": "m", "priority": ["info"]}]


@pytest.mark.parametrize("body", BODIES)
def test_no_500(as_, admin, server, community, body, make_vehicle, make_bolo):
    v = make_vehicle(community)
    b = make_bolo(community)
    for client, path, method in [
        (as_(admin), "/api/bolos", "post"), (as_(admin), f"/api/bolos/{b.pk}", "put"),
        (server, "/fivem/bolos", "post"), (as_(admin), f"/api/bolos/mark-stolen/{v.pk}", "post"),
        (as_(admin), "/api/announcements", "post"),
    ]:
        r = getattr(client, method)(path, body, format="json")
        assert r.status_code < 500, (path, body, r.content[:300])

