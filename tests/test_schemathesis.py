"""The API description matches the wire (issue 9): schemathesis sends generated requests to every
operation of /api/schema, as a game server (API token) and as a dispatcher (JWT), and checks that no
answer is a server error and that every status code, content type and body is the one described.

To add a request that must stay handled (a malformed body that once broke us), put it in EXAMPLES:
`"METHOD /path/template": [{"body": ..., "query": ..., "path_parameters": ..., "headers": ...}]`. A string
"{call}", "{license}", "{character}", "{community}" or "{token}" anywhere in an example stands for that object
of the community under test; `"expect": 400` says what the admin's run must get (the other runs only check
that nothing is a server error and everything is as described). Every operation with a JSON body is also
sent one body in a charset Python cannot decode with (CHARSET_EXAMPLE).
"""

from __future__ import annotations

import json
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from dispatch.ingest import INGEST_PATHS

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "4"))
# A stream never ends by itself; it is tested by cad/realtime/tests/test_sse.py.
SKIPPED = {"GET /fivem/events"}


def _raw(body: dict, bad: str) -> bytes:
    """`body` as JSON text with the string "@" replaced by a value Python's json cannot write itself:
    the number 1e999, or a NUL / lone surrogate as the escapes a client sends."""
    text = json.dumps(body)
    return text.replace('"@"', bad if bad == "1e999" else json.dumps(bad)).encode()


BAD_JSON_VALUES = ("a\x00b", "1e999", "\ud800")  # each once answered 500 (issue 14)
CHARSET_EXAMPLE = {"body": b'{"username": "x"}', "media_type": "application/json",
                   "headers": {"Content-Type": "application/json; charset=base64"}, "expect": 400}


def _json(body: bytes) -> dict:
    return {"body": body, "media_type": "application/json", "expect": 400}


def _free_form(label: str, make) -> dict[str, list[dict]]:
    return {label: [_json(_raw(make(), bad)) for bad in BAD_JSON_VALUES]}


_DISPATCH = {"serverId": 1, "title": "Traffic Stop", "metaData": {"k": "v"}, "notes": []}
_SOUND = {"event": "panic", "enabled": True, "volume": 1, "customUrl": "@"}
EXAMPLES: dict[str, list[dict]] = {
    **_free_form("POST /api/calls", lambda: {"callType": "Traffic Stop", "location": "Main St", "metadata": {"n": "@"}}),
    **_free_form("POST /api/911-calls",
                 lambda: {"caller": "Jane", "location": "Main St", "description": "Help", "metadata": {"n": ["@"]}}),
    **_free_form("POST /api/reports", lambda: {"authorId": "{character}", "title": "Crash", "body": "Two cars",
                                               "reportData": {"vehicles": [{"plate": "@"}]}}),
    "PATCH /api/communities/{id}": [{**example, "path_parameters": {"id": "{community}"}} for example in
                                    _free_form("", lambda: {"sounds": [_SOUND]})[""]],
    "POST /emergency/new_dispatch": [
        _json(_raw({"id": "{community}", "key": "{token}", "type": "NEW_DISPATCH",
                    "data": [{**_DISPATCH, **({"metaData": {"k": "@"}} if where == "metaData" else
                                              {"notes": [{"content": "@"}]})}]}, bad))
        for where in ("metaData", "notes") for bad in BAD_JSON_VALUES
    ],
    "PATCH /api/calls/{id}/status": [{**_json(_raw({"status": "@"}, "\ud800")), "path_parameters": {"id": "{call}"}}],
    "PATCH /api/licenses/{id}": [{**_json(_raw({"status": "@"}, "\ud800")), "path_parameters": {"id": "{license}"}}],
    "POST /api/dispatch/duty": [_json(_raw({"characterId": "{character}", "action": "@"}, "\ud800"))],
    "GET /api/bolos/search": [{"query": {"query": "ab\x00cd"}, "expect": 400}],
    "GET /api/lookup/reports/{license_number}": [{"path_parameters": {"license_number": "AB\x00CD"}, "expect": 400}],
    "GET /api/911-calls": [{"query": {"skip": "99999999999999999999"}, "expect": 400}],
    **{f"GET /api/{route}": [{"query": {"createdAfter": f"2020-01-01T00:00:00{offset}"}, "expect": 400}
                             for offset in ("+16:00", "-16:00")]
       for route in ("arrests", "citations", "warrants")},
}

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def app():
    from cad.asgi import application

    return application


@pytest.fixture
def api_schema(app, db):
    from django.test import Client

    raw = json.loads(Client().get("/api/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json").content)
    return schemathesis.openapi.from_dict(raw)


def _jwt(user) -> str:
    from rest_framework_simplejwt.tokens import RefreshToken

    return str(RefreshToken.for_user(user).access_token)


@pytest.fixture
def objects(community, api_token, admin):
    """The objects the examples' placeholders name: the admin's own LEO character, a call, a licence."""
    from calls import services as call_services
    from calls.inputs import CallInput
    from characters import services as char_services
    from records.tests.factories import make_character

    community.dmv_enabled = True
    community.save(update_fields=["dmv_enabled"])
    character = make_character(community, type="leo", user=admin)
    return {
        "{community}": str(community.pk), "{token}": api_token, "{character}": str(character.pk),
        "{call}": str(call_services.call_create(community=community, by_user=admin,
                                               data=CallInput(call_type="Traffic Stop")).pk),
        "{license}": str(char_services.license_issue(character=character, license_class="E").pk),
    }


def _fill(value, objects: dict):
    if isinstance(value, str):
        return objects.get(value, value)
    if isinstance(value, bytes):
        for placeholder, real in objects.items():
            value = value.replace(placeholder.encode(), real.encode())
        return value
    if isinstance(value, dict):
        return {k: _fill(v, objects) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, objects) for v in value]
    return value


def _examples(operation, label: str) -> list[dict]:
    examples = list(EXAMPLES.get(label, ()))
    body = getattr(operation, "body", None)
    if body is not None and any(alternative.media_type == "application/json" for alternative in body):
        # The position-ingest routes read a token before the body and parse bytes as UTF-8 whatever the
        # charset says: there the example only has to be answered without a server error.
        ingest = operation.path in INGEST_PATHS
        examples.append({k: v for k, v in CHARSET_EXAMPLE.items() if k != "expect"} if ingest else CHARSET_EXAMPLE)
    # The charset is refused before routing, so any path parameter will do where an example names none.
    names = [p.name for p in operation.path_parameters]
    return [{**example, "path_parameters": {**dict.fromkeys(names, "00000000-0000-0000-0000-000000000000"),
                                            **example.get("path_parameters", {})}} if names else example
            for example in examples]


def _run(api_schema, app, headers: dict, objects: dict, *, generate: bool = True,
         expect: bool = False) -> list[str]:
    failures: list[str] = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        label = f"{operation.method.upper()} {operation.path}"
        if label in SKIPPED:
            continue

        def check(case):
            response = case.call(app=app, headers=headers)
            case.validate_response(response, checks=CHECKS, headers=headers)
            return response

        @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def generated(case):
            check(case)

        try:
            for example in _examples(operation, label):
                example = _fill(dict(example), objects)
                status = example.pop("expect", None)
                response = check(operation.Case(**example))
                if expect and status is not None:
                    assert response.status_code == status, (example, response.status_code, response.text[:300])
            if generate:
                generated()
        except (Exception, BaseExceptionGroup) as exc:  # collect every operation's failure, report them all
            failures.append(f"{label}: {str(exc)[:1500]}")
    return failures


def test_every_operation_as_a_game_server(api_schema, app, community, api_token, objects):
    failures = _run(api_schema, app, {"x-api-key": api_token}, objects)
    assert not failures, f"{len(failures)} operations:\n\n" + "\n\n".join(failures)


def test_every_operation_as_a_dispatcher(api_schema, app, community, dispatcher, objects):
    failures = _run(api_schema, app, {"Authorization": f"Bearer {_jwt(dispatcher)}"}, objects)
    assert not failures, f"{len(failures)} operations:\n\n" + "\n\n".join(failures)


def test_malformed_examples_are_refused_as_an_admin(api_schema, app, community, admin, objects):
    """Only the explicit examples, as the role allowed to reach every one of them: each is a 400."""
    failures = _run(api_schema, app, {"Authorization": f"Bearer {_jwt(admin)}"}, objects, generate=False,
                    expect=True)
    assert not failures, f"{len(failures)} operations:\n\n" + "\n\n".join(failures)
