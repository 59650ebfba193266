"""002's endpoint answers plain text; malformed JSON is a 400 there too, never a 500."""

import json

import pytest

DEEP = "[" * 50_000 + "]" * 50_000


@pytest.mark.parametrize("meta", ["NaN", "Infinity", DEEP])
def test_new_dispatch_rejects_unparseable_bodies(client, community, api_token, meta):
    head = json.dumps({"id": str(community.id), "key": api_token, "type": "NEW_DISPATCH"})[:-1]
    body = head + ', "data": [{"metaData": {"a": ' + meta + "}}]}"
    r = client.post("/emergency/new_dispatch", body, content_type="application/json")
    assert r.status_code == 400 and r["Content-Type"].startswith("text/plain")


def test_new_dispatch_still_accepts_valid_json(client, community, api_token):
    body = {"id": str(community.id), "key": api_token, "type": "NEW_DISPATCH",
            "data": [{"title": "Traffic Stop", "metaData": {"a": 1.5}}]}
    r = client.post("/emergency/new_dispatch", json.dumps(body), content_type="application/json")
    assert r.status_code == 200 and r.content.decode().startswith("NEW DISPATCH CREATED - ID:")
