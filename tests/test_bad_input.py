"""Malformed bodies are 4xx JSON on every API path, never a 500 or an HTML page."""

import pytest

from dispatch.selectors import dispatch_state

DEEP = "[" * 50_000 + "]" * 50_000


@pytest.mark.parametrize("body", [DEEP, '{"areaOfPlay": NaN}', '{"areaOfPlay": Infinity}', "{nope", "\xff\xfe"])
def test_malformed_json_is_400(as_, admin, community, body):
    r = as_(admin).generic("PATCH", f"/api/communities/{community.id}", body.encode("utf-8", "surrogateescape"),
                           content_type="application/json")
    assert r.status_code == 400 and r["Content-Type"].startswith("application/json"), r.content[:200]
    assert dispatch_state(community).area_of_play == ""


def test_oversized_body_is_413(as_, admin, community, settings):
    body = '{"areaOfPlay": "' + "A" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10) + '"}'
    r = as_(admin).generic("PATCH", f"/api/communities/{community.id}", body, content_type="application/json")
    assert r.status_code == 413 and r.json()["error"]


def test_oversized_body_on_unknown_api_path_is_json(as_, admin, settings):
    body = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)
    r = as_(admin).generic("POST", "/api/does-not-exist", body, content_type="application/json")
    assert r.status_code in (404, 413) and r["Content-Type"].startswith("application/json")


def test_snake_case_routes_refuse_nan(server, community):
    from cad.core.api.parsers import loads_strict

    with pytest.raises(ValueError):
        loads_strict('{"x": NaN}')
    with pytest.raises(ValueError):
        loads_strict(DEEP)
