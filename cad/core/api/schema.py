"""OpenAPI (drf-spectacular) descriptions of this project's authentication classes.

Imported from `CoreConfig.ready()` so the extensions are registered before any schema is built.
"""

import re

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

    def get_security_requirement(self, auto_schema):
        return [{"apiKeyHeader": []}, {"snailyCadApiToken": []}, {"apiTokenBearer": []}]  # any one of them

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


# --- camelCase, as /api/* speaks it ------------------------------------------------------------------
SNAKE_CASE_PREFIXES = ("/fivem/", "/emergency/", "/general/")  # 004 and 002 keep their own spelling


def _walk_refs(node, found: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            found.add(ref.rsplit("/", 1)[1])
        for value in node.values():
            _walk_refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _walk_refs(value, found)


def _closure(names: set[str], components: dict) -> set[str]:
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in seen or name not in components:
            continue
        seen.add(name)
        refs: set[str] = set()
        _walk_refs(components[name], refs)
        todo.extend(refs - seen)
    return seen


def camelize_api(result, generator, request, public):
    """drf-spectacular's camelCase hook (djangorestframework-camel-case's rules: `_id` kept, free-form
    objects left as sent), applied to what /api/* sends and reads: every component reachable from an /api/*
    operation, and the schemas written inline in those operations. /fivem/* (snake_case) and 002's
    plain-text routes keep their own spelling."""
    from djangorestframework_camel_case.settings import api_settings
    from djangorestframework_camel_case.util import camelize_re, underscore_to_camel

    ignore_fields = api_settings.JSON_UNDERSCOREIZE.get("ignore_fields") or ()
    ignore_keys = api_settings.JSON_UNDERSCOREIZE.get("ignore_keys") or ()

    def camel(key: str) -> str:
        if key in ignore_keys or "_" not in key:
            return key
        return re.sub(camelize_re, underscore_to_camel, key)

    def camelize(schema, name=None):
        if not isinstance(schema, dict) or (name is not None and (name in ignore_fields
                                                                  or camel(name) in ignore_fields)):
            return
        if isinstance(schema.get("properties"), dict):
            schema["properties"] = {camel(k): v for k, v in schema["properties"].items()}
            for key, value in list(schema["properties"].items()):
                camelize(value, key)
        if isinstance(schema.get("required"), list):
            schema["required"] = [camel(k) for k in schema["required"]]
        for key in ("items", "additionalProperties"):
            camelize(schema.get(key))
        for key in ("oneOf", "anyOf", "allOf"):
            for sub in schema.get(key) or ():
                camelize(sub)

    components = result.get("components", {}).get("schemas", {})
    snake_refs: set[str] = set()
    camel_refs: set[str] = set()
    for path, operations in result.get("paths", {}).items():
        target = snake_refs if path.startswith(SNAKE_CASE_PREFIXES) else camel_refs
        _walk_refs(operations, target)
        if target is camel_refs:
            for operation in operations.values():
                if not isinstance(operation, dict):
                    continue
                bodies = [operation.get("requestBody", {})] + list(operation.get("responses", {}).values())
                for body in bodies:
                    for media in (body.get("content") or {}).values():
                        if "$ref" not in media.get("schema", {}):
                            camelize(media.get("schema"))
    for name in _closure(camel_refs, components) - _closure(snake_refs, components):
        camelize(components[name])
    return result


# --- errors every JSON operation may answer ----------------------------------------------------------
ERROR_SCHEMA = {
    "type": "object", "required": ["error"],
    "properties": {"error": {"type": "string"},
                   "fields": {"type": "object", "additionalProperties": {"type": "array",
                                                                          "items": {"type": "string"}}}},
}
ERROR_CODES = {
    "400": "Invalid input (`fields` names each field as sent)", "401": "Not authenticated",
    "403": "Not allowed for this role or community", "404": "Not found (another community's object too)",
    "405": "Method not allowed", "409": "Conflict with the current state", "413": "Request body too large",
    "415": "Unsupported media type", "429": "Too many requests",
}


def document_errors(result, generator, request, public):
    """Every JSON route answers refusals as `{"error": ..., "fields"?: ...}` (cad.core.api.exceptions);
    say so on every operation, so a client (and schemathesis) knows the shape of each."""
    for path, operations in result.get("paths", {}).items():
        if path.startswith(("/emergency/", "/general/")):
            continue  # 002 answers in plain text; its responses are written out in EXTRA_PATHS
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code, description in ERROR_CODES.items():
                operation["responses"].setdefault(code, {"description": description,
                                                         "content": {"application/json": {"schema": ERROR_SCHEMA}}})
    return result


def created(resource: str, serializer_class):
    """The 201 of a create that answers `{"success": true, "<resource>": {...}}` (the /api/* convention)."""
    from drf_spectacular.utils import inline_serializer
    from rest_framework import serializers

    name = serializer_class.__name__.removesuffix("Serializer")
    return inline_serializer(f"{name}Created", {"success": serializers.BooleanField(), resource: serializer_class()})
