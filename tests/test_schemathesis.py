"""The API description matches the wire (issue 9): schemathesis sends generated requests to every
operation of /api/schema, as a game server (API token) and as a dispatcher (JWT), and checks that no
answer is a server error and that every status code, content type and body is the one described.

To add a request that must stay handled (a malformed body that once broke us), put it in EXAMPLES:
`"METHOD /path/template": [{"body": ..., "query": ..., "path_parameters": ..., "headers": ...}]`.
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

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "4"))
# A stream never ends by itself; it is tested by cad/realtime/tests/test_sse.py.
SKIPPED = {"GET /fivem/events"}
EXAMPLES: dict[str, list[dict]] = {}

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


def _run(api_schema, app, headers: dict) -> list[str]:
    failures: list[str] = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        label = f"{operation.method.upper()} {operation.path}"
        if label in SKIPPED:
            continue

        def check(case):
            response = case.call(app=app, headers=headers)
            case.validate_response(response, checks=CHECKS, headers=headers)

        @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def generated(case):
            check(case)

        try:
            for example in EXAMPLES.get(label, ()):
                check(operation.Case(**example))
            generated()
        except (Exception, BaseExceptionGroup) as exc:  # collect every operation's failure, report them all
            failures.append(f"{label}: {str(exc)[:1500]}")
    return failures


def test_every_operation_as_a_game_server(api_schema, app, community, api_token):
    failures = _run(api_schema, app, {"x-api-key": api_token})
    assert not failures, f"{len(failures)} operations:\n\n" + "\n\n".join(failures)


def test_every_operation_as_a_dispatcher(api_schema, app, community, dispatcher):
    failures = _run(api_schema, app, {"Authorization": f"Bearer {_jwt(dispatcher)}"})
    assert not failures, f"{len(failures)} operations:\n\n" + "\n\n".join(failures)
