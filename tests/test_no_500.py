"""No 500 for bad input, anywhere (issue 14): each request below answered 500 once. Each is refused with
a JSON 400 that names the field, and nothing is stored. The rules live in the JSON parser
(cad.core.api.parsers), the first middleware (cad.core.middleware), the FilterSet base
(cad.core.filtersets) and the API's exception handler."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from calls.inputs import CallInput
from calls.models import Call
from characters import services as char_services
from records.models import Report
from records.tests.factories import make_character

NUL, SURROGATE, HUGE_FLOAT = "a\x00b", "\ud800", "1e999"


def raw_json(body: dict, marker_value: str) -> str:
    """`body` as JSON with the string "@" replaced by the raw text of the bad value (1e999 is not a
    Python float, and a lone surrogate must travel as the escape `\\ud800`, as a client sends it)."""
    text = json.dumps(body)
    if marker_value == HUGE_FLOAT:
        return text.replace('"@"', "1e999")
    return text.replace('"@"', json.dumps(marker_value))  # json.dumps escapes NUL and the surrogate


def assert_400_naming(r, field: str):
    assert r.status_code == 400, (r.status_code, r.content[:300])
    assert r["Content-Type"].startswith("application/json")
    body = r.json()
    assert field in body.get("fields", {}) or field in body["error"], body


BAD_VALUES = [NUL, SURROGATE, HUGE_FLOAT]


# --- the body's charset -------------------------------------------------------------------------------
@pytest.mark.parametrize("charset", ["base64", "rot13", "no-such-charset", "hex"])
def test_a_charset_python_cannot_decode_with_is_400_even_unauthenticated(admin, community, charset):
    for client, method, path in ((APIClient(), "POST", "/api/auth/token"),
                                 (_as(admin), "PATCH", f"/api/communities/{community.pk}"),
                                 (_as(admin), "POST", "/api/calls")):
        r = client.generic(method, path, b'{"username": "admin_a", "password": "x"}',
                           content_type=f"application/json; charset={charset}")
        assert r.status_code == 400 and "charset" in r.json()["error"], (path, r.content)


def test_a_charset_python_can_decode_with_still_works(admin, community):
    body = json.dumps({"areaOfPlay": "Sandy Shores"}).encode("utf-16")
    r = _as(admin).generic("PATCH", f"/api/communities/{community.pk}", body,
                           content_type="application/json; charset=utf-16")
    assert r.status_code == 200 and r.json()["areaOfPlay"] == "Sandy Shores"


def _as(user):
    client = APIClient()
    client.force_authenticate(user=user)
    return client


# --- free-form JSON objects ---------------------------------------------------------------------------
@pytest.mark.parametrize("bad", BAD_VALUES)
def test_call_metadata(as_, dispatcher, community, bad):
    body = raw_json({"callType": "Traffic Stop", "location": "Main St", "metadata": {"note": "@"}}, bad)
    r = as_(dispatcher).generic("POST", "/api/calls", body, content_type="application/json")
    assert_400_naming(r, "metadata.note")
    assert not Call.objects.for_community(community).exists()


@pytest.mark.parametrize("bad", BAD_VALUES)
def test_911_call_metadata(as_, civilian, community, bad):
    body = raw_json({"caller": "Jane", "location": "Main St", "description": "Help", "metadata": {"n": ["@"]}}, bad)
    r = as_(civilian).generic("POST", "/api/911-calls", body, content_type="application/json")
    assert_400_naming(r, "metadata.n[0]")
    assert not Call.objects.for_community(community).exists()


@pytest.mark.parametrize("bad", BAD_VALUES)
def test_report_data(as_, officer, community, bad):
    author = make_character(community, first="Sam", last="Cop", type="leo", user=officer)
    body = raw_json({"authorId": str(author.pk), "title": "Crash", "body": "Two cars",
                     "reportData": {"vehicles": [{"plate": "@"}]}}, bad)
    r = as_(officer).generic("POST", "/api/reports", body, content_type="application/json")
    assert_400_naming(r, "reportData.vehicles[0].plate")
    assert not Report.objects.for_community(community).exists()


@pytest.mark.parametrize("where", ["metaData", "notes"])
@pytest.mark.parametrize("bad", BAD_VALUES)
def test_sonoran_new_dispatch(client, community, api_token, where, bad):
    dispatch = {"serverId": 1, "title": "Traffic Stop", "metaData": {"k": "v"}, "notes": []}
    dispatch[where] = {"k": "@"} if where == "metaData" else [{"content": "@"}]
    body = raw_json({"id": str(community.pk), "key": api_token, "type": "NEW_DISPATCH", "data": [dispatch]}, bad)
    r = client.post("/emergency/new_dispatch", body, content_type="application/json")
    assert r.status_code == 400 and where in r.content.decode(), r.content  # 002 answers in plain text
    assert not Call.objects.for_community(community).exists()


@pytest.mark.parametrize("bad", BAD_VALUES)
def test_community_sound_custom_url(as_, admin, community, bad):
    body = raw_json({"sounds": [{"event": "panic", "enabled": True, "volume": 1, "customUrl": "@"}]}, bad)
    r = as_(admin).generic("PATCH", f"/api/communities/{community.pk}", body, content_type="application/json")
    assert_400_naming(r, "sounds[0].customUrl")
    community.refresh_from_db()
    assert all(s.get("customUrl") != bad for s in community.sounds or [])


def test_a_key_with_a_nul_is_refused_too(as_, dispatcher, community):
    r = as_(dispatcher).generic("POST", "/api/calls", '{"callType": "Traffic Stop", "location": "Main St", "metadata": {"a\\u0000": 1}}',
                                content_type="application/json")
    assert_400_naming(r, "metadata")


def test_a_64_bit_overflowing_integer_is_refused(as_, dispatcher, community):
    r = as_(dispatcher).generic("POST", "/api/calls", '{"callType": "Traffic Stop", "location": "Main St", "priority": 99999999999999999999}',
                                content_type="application/json")
    assert_400_naming(r, "priority")


def test_valid_unicode_still_round_trips(as_, dispatcher, community):
    r = as_(dispatcher).post("/api/calls", {"callType": "Traffic Stop", "location": "Main St", "metadata": {"emoji": "😀", "n": 1.5}}, format="json")
    assert r.status_code in (200, 201), r.content
    assert Call.objects.for_community(community).get().metadata == {"emoji": "😀", "n": 1.5}


# --- a lone surrogate in a choice field would be echoed into the 400 message ----------------------------
def test_surrogate_in_choice_fields(as_, dispatcher, admin, community, officer):
    from calls import services as call_services

    call = call_services.call_create(community=community, by_user=dispatcher,
        data=CallInput(call_type="Traffic Stop"))
    community.dmv_enabled = True
    community.save(update_fields=["dmv_enabled"])
    civ = make_character(community, type="leo", user=officer)
    lic = char_services.license_issue(character=civ, license_class="E")
    cases = [
        (as_(dispatcher), f"/api/calls/{call.pk}/status", "PATCH", {"status": "@"}, "status"),
        (as_(admin), f"/api/licenses/{lic.pk}", "PATCH", {"status": "@"}, "status"),
        (as_(officer), "/api/dispatch/duty", "POST", {"characterId": str(civ.pk), "action": "@"}, "action"),
    ]
    for client, path, method, body, field in cases:
        r = client.generic(method, path, raw_json(body, SURROGATE), content_type="application/json")
        assert_400_naming(r, field)


# --- query and path parameters --------------------------------------------------------------------------
def test_nul_in_search_and_path_parameters(as_, officer, community):
    client = as_(officer)
    assert_400_naming(client.get("/api/bolos/search?query=ab%00cd"), "query")
    assert_400_naming(client.get("/api/lookup/reports/AB%00CD"), "path")


def test_skip_beyond_a_bigint(as_, dispatcher, community):
    for value in ("99999999999999999999", "²", "-1"):
        assert_400_naming(as_(dispatcher).get(f"/api/911-calls?skip={value}"), "skip")
    assert as_(dispatcher).get("/api/911-calls?skip=2147483647").json()["calls"] == []


@pytest.mark.parametrize("route", ["arrests", "citations", "warrants"])
@pytest.mark.parametrize("offset", ["+16:00", "-16:00", "+23:59"])
def test_date_filter_utc_offset_out_of_range(as_, officer, community, route, offset):
    r = as_(officer).get(f"/api/{route}", {"createdAfter": f"2020-01-01T00:00:00{offset}"})
    assert_400_naming(r, "createdAfter")
    r = as_(officer).get(f"/api/{route}", {"createdAfter": "2020-01-01T00:00:00+14:00"})
    assert r.status_code == 200


def test_huge_number_in_a_filter(as_, supervisor, community):
    assert_400_naming(as_(supervisor).get("/api/reports?number=1e30"), "number")
    r = as_(supervisor).get("/api/reports?q=%23" + "9" * 30)  # "#999…" searches report numbers
    assert r.status_code in (200, 400) and r["Content-Type"].startswith("application/json")


# --- errors raised before the API's own handling ----------------------------------------------------------
def test_disallowed_host_on_an_api_path_is_json(admin, settings):
    client = APIClient(HTTP_HOST="evil.example")
    for path in ("/api/me", "/fivem/sounds", "/api/auth/token"):
        r = client.post(path, {}, format="json")
        assert r.status_code == 400 and r["Content-Type"].startswith("application/json"), (path, r.content)
        assert r.json()["error"]


def test_a_query_string_with_too_many_fields_is_json(as_, officer, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    r = as_(officer).get("/api/bolos/search?" + "&".join(f"f{i}=x" for i in range(20)))
    assert r.status_code == 400 and r["Content-Type"].startswith("application/json")
