"""OpenAPI (drf-spectacular) descriptions of this project's authentication classes.

Imported from `CoreConfig.ready()` so the extensions are registered before any schema is built.
"""

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class JWTScheme(SimpleJWTScheme):
    target_class = "cad.core.api.authentication.JWTAuthentication"
    name = "jwtAuth"


class CookieScheme(SessionScheme):
    target_class = "cad.core.api.authentication.SessionAuthentication"
    name = "cookieAuth"


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "cad.core.api.authentication.ApiTokenAuthentication"
    name = ["apiKeyHeader", "snailyCadApiToken", "apiTokenBearer"]

    def get_security_definition(self, auto_schema):
        return [
            {"type": "apiKey", "in": "header", "name": "x-api-key",
             "description": "Community API token (000's server-to-server routes)."},
            {"type": "apiKey", "in": "header", "name": "snaily-cad-api-token",
             "description": "Community API token in SnailyCAD's header (001), accepted wherever x-api-key is."},
            {"type": "http", "scheme": "bearer",
             "description": "Community API token as `Authorization: Bearer cad_...` (004's /fivem/*)."},
        ]


# --- Routes served outside DRF ---------------------------------------------------------------------
# The position-ingest fast path (a lean ASGI app), 002's plain-text /emergency endpoint and the SSE
# stream are not DRF views, so the generator cannot see them; they are described here by hand.

_ERROR = {"type": "object", "properties": {"error": {"type": "string"}}}
_POSITION = {
    "type": "object",
    "required": ["unitId", "x", "y", "z"],
    "properties": {
        "unitId": {"type": "string"}, "unitName": {"type": "string"}, "x": {"type": "number"},
        "y": {"type": "number"}, "z": {"type": "number"}, "heading": {"type": "number"},
        "job": {"type": "string"}, "status": {"type": "string"}, "postal": {"type": "string"},
        "communityId": {"type": "string", "format": "uuid"},
        "character_id": {"type": "string", "format": "uuid", "description": "004 form, instead of unitId"},
    },
}
_TOKEN = [{"apiKeyHeader": []}, {"snailyCadApiToken": []}, {"apiTokenBearer": []}]


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict:
    return {str(code): {"description": "Error", **_json(_ERROR)} for code in codes}


EXTRA_PATHS = {
    "/api/dispatch/location-update": {"post": {
        "operationId": "dispatch_location_update", "tags": ["dispatch"], "security": _TOKEN,
        "summary": "Report one unit position (000 §2, high frequency)",
        "requestBody": {"required": True, **_json(_POSITION)},
        "responses": {"200": {"description": "Stored", **_json({"type": "object", "properties": {
            "success": {"type": "boolean"}}})}, **_errors(400, 401, 403, 405, 413)},
    }},
    "/api/dispatch/location-update/batch": {"post": {
        "operationId": "dispatch_location_update_batch", "tags": ["dispatch"], "security": _TOKEN,
        "summary": "Report many positions in one request (every unit, every 2 s)",
        "requestBody": {"required": True, **_json({"oneOf": [
            {"type": "object", "properties": {"positions": {"type": "array", "items": _POSITION}}},
            {"type": "array", "items": _POSITION}]})},
        "responses": {"200": {"description": "Stored", **_json({"type": "object", "properties": {
            "success": {"type": "boolean"}, "accepted": {"type": "integer"}}})}, **_errors(400, 401, 403, 405, 413)},
    }},
    "/fivem/livemap/position": {"post": {
        "operationId": "fivem_livemap_position", "tags": ["fivem"], "security": [{"apiTokenBearer": []}],
        "summary": "004: a unit's raw GetEntityCoords() position",
        "requestBody": {"required": True, **_json({"type": "object", "required": ["character_id", "x", "y", "z"],
                                                    "properties": {"character_id": {"type": "string"},
                                                                   "name": {"type": "string"},
                                                                   "x": {"type": "number"}, "y": {"type": "number"},
                                                                   "z": {"type": "number"},
                                                                   "heading": {"type": "number"}}})},
        "responses": {"200": {"description": "Stored", **_json({"type": "object", "properties": {
            "ok": {"type": "boolean"}}})}, **_errors(400, 401, 403, 405, 413)},
    }},
    "/fivem/livemap/positions": {"post": {
        "operationId": "fivem_livemap_positions", "tags": ["fivem"], "security": [{"apiTokenBearer": []}],
        "summary": "Every on-duty unit of a game server at once: an array of /fivem/livemap/position bodies "
                   "(or {positions: [...]}); a missing postal is filled with the nearest one",
        "requestBody": {"required": True, **_json({"oneOf": [
            {"type": "array", "items": {"type": "object"}},
            {"type": "object", "properties": {"positions": {"type": "array", "items": {"type": "object"}}}}]})},
        "responses": {"200": {"description": "Stored", **_json({"type": "object", "properties": {
            "ok": {"type": "boolean"}, "accepted": {"type": "integer"}}})}, **_errors(400, 401, 403, 405, 413, 429)},
    }},
    "/emergency/new_dispatch": {"post": {
        "operationId": "emergency_new_dispatch", "tags": ["emergency"], "security": [],
        "summary": "002 (Sonoran): create calls and attach units by API id; auth is {id, key} in the body",
        "requestBody": {"required": True, **_json({"type": "object", "required": ["id", "key", "type", "data"],
                                                    "properties": {"id": {"type": "string"},
                                                                   "key": {"type": "string"},
                                                                   "type": {"type": "string",
                                                                            "enum": ["NEW_DISPATCH"]},
                                                                   "data": {"type": "array",
                                                                            "items": {"type": "object"}}}})},
        "responses": {
            "200": {"description": "Plain text: NEW DISPATCH CREATED - ID: {callNumber}",
                    "content": {"text/plain": {"schema": {"type": "string"}}}},
            "400": {"description": "Plain text error", "content": {"text/plain": {"schema": {"type": "string"}}}},
            "401": {"description": "INVALID API KEY", "content": {"text/plain": {"schema": {"type": "string"}}}},
        },
    }},
    "/fivem/events": {"get": {
        "operationId": "fivem_events", "tags": ["fivem"], "security": [{"apiTokenBearer": []}],
        "summary": "004: Server-Sent Events (connected, new_call, call_updated, call_closed, panic); "
                   "send Last-Event-ID to replay what was missed",
        "responses": {"200": {"description": "text/event-stream",
                              "content": {"text/event-stream": {"schema": {"type": "string"}}}},
                      **_errors(401)},
    }},
}


def add_routes_outside_drf(result, generator, request, public):
    for path, operations in EXTRA_PATHS.items():
        result.setdefault("paths", {}).setdefault(path, {}).update(operations)
    return result


MIRROR_PREFIXES = ("/v1/",)


def without_mirrors(endpoints):
    """/v1/* serves 001's routes again for SnailyCAD scripts (the same views as /api/*): describe them once."""
    return [endpoint for endpoint in endpoints if not endpoint[0].startswith(MIRROR_PREFIXES)]
