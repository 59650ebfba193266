"""Never a 500 on bad input: every write endpoint of records and lookups fed junk answers 400."""

import pytest

pytestmark = pytest.mark.django_db

JUNK = [
    [], "text", 42, None,
    {"title": ["a"], "body": {"x": 1}},
    {"characterId": {"id": 1}, "authorId": [1], "arrestedBy": 3.5, "issuedBy": True},
    {"charges": {"a": 1}, "jailTimeMin": "ten", "fineAmount": "1e999", "points": [1], "paid": "yes please"},
    {"involvedPersons": [{"name": ["x"]}], "involvedVehicles": [[]], "reportData": "x", "callId": 5},
    {"status": ["active"], "reportIds": "abc", "firstName": {"a": 1}},
    {"query": ["a"], "type": 7},
]


@pytest.mark.parametrize("path", ["/api/reports", "/api/arrests", "/api/citations", "/api/warrants",
                                  "/api/suspects", "/api/lookup"])
@pytest.mark.parametrize("body", JUNK)
def test_api_junk_is_400(as_, supervisor, community, path, body):
    r = as_(supervisor).post(path, body, format="json")
    assert r.status_code == 400, (path, body, r.status_code, r.content[:300])
    assert "error" in r.json()


@pytest.mark.parametrize("path", ["/fivem/reports", "/fivem/reports/arrests", "/fivem/reports/citations"])
@pytest.mark.parametrize("body", JUNK)
def test_fivem_junk_is_400(server, path, body):
    r = server.post(path, body, format="json")
    assert r.status_code == 400, (path, body, r.status_code, r.content[:300])


def test_malformed_json_is_400(as_, supervisor, server, community):
    r = as_(supervisor).post("/api/reports", "{not json", content_type="application/json")
    assert r.status_code == 400
    r = server.post("/fivem/reports", "{not json", content_type="application/json")
    assert r.status_code == 400
