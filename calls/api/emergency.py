"""002: Sonoran CAD's body-keyed `/emergency/*` API (and `/general/get_version`), answered in plain text
as Sonoran does, so the official Sonoran resource and bridges written for it work unchanged.

Every request is `{id, key, type, data[]}`: the community API token travels as `key` and `id` is the
community. The whole request is validated before anything changes, so a bad element changes nothing.
Calls are named by our call number (`callId`, what `NEW DISPATCH CREATED - ID: 42` gave), units by their
game API ids (`"STEAM:1234"`); unknown unit ids are reported, not fatal.

FiveM's Lua JSON encoder writes an empty table as `[]`, so an object field that arrives as an empty array
is read as `{}`; error messages name fields as the client sent them (`metaData`, `callId`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from rest_framework import serializers

from cad.core.access import ServicePrincipal
from cad.core.api.parsers import UnstorableValue, loads_strict
from cad.core.errors import DomainError, Invalid
from cad.core.errors import NotFound as DomainNotFound
from cad.core.services import token_authenticate

from .. import selectors, services
from ..choices import STATUS_FROM_INT
from ..inputs import CallInput, NoteInput
from .serializers import OriginField, PriorityField

MAX_ITEMS = 50
# What `/general/get_version` reports: 3 is Sonoran's PLUS plan, the highest whose emergency API (new
# dispatch, attach/detach, call notes) is served here. The official resource enables its plugins by it.
PLAN_LEVEL = 3
# Sonoran's unit status enum → our unit state (and the text shown beside it).
UNIT_STATUS_FROM_INT = {0: ("busy", "Unavailable"), 1: ("busy", ""), 2: ("available", ""), 3: ("enroute", ""),
                        4: ("on_scene", "")}


class SonoranSerializer(serializers.Serializer):
    """Field names are the client's (camelCase, via `source`), so errors name what the client sent; an
    object field that arrives as `[]` (Lua's empty table) is `{}`."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            objects = {name for name, field in self.fields.items()
                       if isinstance(field, serializers.DictField | serializers.Serializer)}
            data = {k: ({} if k in objects and v == [] else v) for k, v in data.items()}
        return super().to_internal_value(data)


def _units(**kwargs):
    return serializers.ListField(child=serializers.CharField(max_length=80), max_length=50, **kwargs)


class NewDispatchSerializer(SonoranSerializer):
    serverId = serializers.IntegerField(source="server_id", required=False, allow_null=True)
    origin = OriginField(required=False, default=0)
    status = serializers.ChoiceField(choices=sorted(STATUS_FROM_INT), required=False, default=0,
                                     error_messages={"invalid_choice": '"{input}" is not allowed; use one of: '
                                                     '0 (PENDING), 1 (ACTIVE), 2 (CLOSED).'})
    priority = PriorityField(required=False, default=None)
    block = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    postal = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    code = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    primary = serializers.JSONField(required=False, allow_null=True)
    trackPrimary = serializers.BooleanField(source="track_primary", required=False)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    notes = serializers.ListField(required=False, default=list, max_length=100)
    metaData = serializers.DictField(source="meta_data", required=False, default=dict, allow_null=True)
    units = _units(required=False, default=list)


class CallRefSerializer(SonoranSerializer):
    serverId = serializers.IntegerField(source="server_id", required=False, allow_null=True)
    callId = serializers.IntegerField(source="call_id", min_value=1)


class AttachUnitSerializer(CallRefSerializer):
    units = _units(allow_empty=False)


class DetachUnitSerializer(SonoranSerializer):
    serverId = serializers.IntegerField(source="server_id", required=False, allow_null=True)
    units = _units(allow_empty=False)


class AddCallNoteSerializer(CallRefSerializer):
    note = serializers.CharField(max_length=5000)
    label = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")


class CloseCallSerializer(CallRefSerializer):
    pass


class Call911Serializer(SonoranSerializer):
    serverId = serializers.IntegerField(source="server_id", required=False, allow_null=True)
    isEmergency = serializers.BooleanField(source="is_emergency", required=False, default=True)
    caller = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    location = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    postal = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    metaData = serializers.DictField(source="meta_data", required=False, default=dict, allow_null=True)


class UnitPanicSerializer(SonoranSerializer):
    apiId = serializers.CharField(source="api_id", max_length=80)
    isPanic = serializers.BooleanField(source="is_panic", required=False, default=True)


class UnitStatusSerializer(SonoranSerializer):
    apiId = serializers.CharField(source="api_id", max_length=80)
    status = serializers.ChoiceField(choices=sorted(UNIT_STATUS_FROM_INT),
                                     error_messages={"invalid_choice": '"{input}" is not allowed; use one of: '
                                                     '0 (UNAVAILABLE), 1 (BUSY), 2 (AVAILABLE), 3 (ENROUTE), '
                                                     '4 (ON_SCENE).'})


class Refused(Exception):
    """A plain-text 400 from a handler (an unknown call, a unit that is not on duty)."""


# --- handlers: each takes the token, its principal and the validated items, returns response lines -------

def _note(note) -> NoteInput:
    """002's note object {time, label, type, content} (or a plain string)."""
    if isinstance(note, str):
        return NoteInput(text=note)
    if isinstance(note, dict):
        return NoteInput(text=str(note.get("content") or note.get("text") or ""), label=str(note.get("label") or ""),
                         kind=str(note.get("type") or "text"))
    raise Invalid({"notes": ["Each note is a string or a {label, type, content} object."]})


def _new_dispatch(token, by, items) -> list[str]:
    lines, unknown = [], []
    for item in items:
        call = services.call_create(community=token.community, by_user=by, data=CallInput(
            title=item["title"], code=item["code"], call_type=item["title"][:120], location=item["address"],
            block=item["block"], postal=item["postal"], description=item["description"], origin=item["origin"],
            priority=item["priority"], status=STATUS_FROM_INT[item["status"]], metadata=item.get("meta_data") or {},
            notes=tuple(_note(note) for note in item["notes"]), unit_refs=item["units"],
        ))
        lines.append(f"NEW DISPATCH CREATED - ID: {call.number}")
        unknown += call.unresolved_unit_ids
    if unknown:
        lines.append(f"UNKNOWN UNIT IDS: {', '.join(unknown)}")
    return lines


def _units_of(token, api_ids) -> tuple[list, list[str]]:
    return services.resolve_units(token.community, api_ids)


def _attach_unit(token, by, items) -> list[str]:
    unknown = []
    for item in items:
        units, missing = _units_of(token, item["units"])
        unknown += missing
        if units:
            services.call_assign_units(call=_call_or_refuse(token, item["call_id"]), units=units, by=by)
        else:
            _call_or_refuse(token, item["call_id"])
    return ["UNITS ATTACHED", *([f"UNKNOWN UNIT IDS: {', '.join(unknown)}"] if unknown else [])]


def _detach_unit(token, by, items) -> list[str]:
    unknown = []
    for item in items:
        units, missing = _units_of(token, item["units"])
        unknown += missing
        for call, unit in selectors.open_calls_of_units(token.community, units):
            services.call_remove_unit(call=call, unit=unit, by=by)
    return ["UNITS DETACHED", *([f"UNKNOWN UNIT IDS: {', '.join(unknown)}"] if unknown else [])]


def _add_call_note(token, by, items) -> list[str]:
    lines = []
    for item in items:
        call = _call_or_refuse(token, item["call_id"])
        services.call_add_note(call=call, text=item["note"], label=item["label"], by_user=by)
        lines.append(f"NOTE '{item['note']}' added to call #{call.number}")
    return lines


def _close_call(token, by, items) -> list[str]:
    lines = []
    for item in items:
        call = _call_or_refuse(token, item["call_id"])
        services.call_close(call=call, by=by)
        lines.append(f"CALL #{call.number} CLOSED")
    return lines


def _call_911(token, by, items) -> list[str]:
    default = selectors.default_call_type(token.community)
    lines = []
    for item in items:
        call = services.call_create(community=token.community, by_user=by, data=CallInput(
            call_type_id=default.pk if default else None,
            title="911 EMERGENCY" if item["is_emergency"] else "911 CIVIL", caller=item["caller"],
            location=item["location"], postal=item["postal"], description=item["description"],
            priority=1 if item["is_emergency"] else None, metadata=item.get("meta_data") or {},
        ))
        lines.append(f"EMERGENCY CALL ADDED ID: {call.number}")
    return lines


def _unit_panic(token, by, items) -> list[str]:
    for item in items:
        unit = _unit_or_refuse(token, item["api_id"])
        if item["is_panic"]:
            services.panic_trigger(community=token.community, unit=unit, source="sonoran")
    return ["UNIT PANIC UPDATED"]


def _unit_status(token, by, items) -> list[str]:
    from dispatch.services import unit_set_state

    for item in items:
        state, text = UNIT_STATUS_FROM_INT[item["status"]]
        unit_set_state(unit=_unit_or_refuse(token, item["api_id"]), state=state, status_text=text, by=by)
    return ["UNIT STATUS UPDATED"]


def _call_or_refuse(token, number: int):
    try:
        return selectors.call_by_id_or_number(token.community, str(number))
    except DomainNotFound:
        raise Refused(f"INVALID CALL ID: {number}") from None


def _unit_or_refuse(token, api_id: str):
    from dispatch.selectors import unit_by_api_id

    unit = unit_by_api_id(token.community, api_id)
    if unit is None:
        raise Refused(f"UNIT NOT FOUND: {api_id}")
    return unit


@dataclass(frozen=True)
class Operation:
    type: str
    serializer: type[serializers.Serializer] | None
    run: Callable


OPERATIONS = {
    "new_dispatch": Operation("NEW_DISPATCH", NewDispatchSerializer, _new_dispatch),
    "attach_unit": Operation("ATTACH_UNIT", AttachUnitSerializer, _attach_unit),
    "detach_unit": Operation("DETACH_UNIT", DetachUnitSerializer, _detach_unit),
    "add_call_note": Operation("ADD_CALL_NOTE", AddCallNoteSerializer, _add_call_note),
    "close_call": Operation("CLOSE_CALL", CloseCallSerializer, _close_call),
    "call_911": Operation("CALL_911", Call911Serializer, _call_911),
    "unit_panic": Operation("UNIT_PANIC", UnitPanicSerializer, _unit_panic),
    "unit_status": Operation("UNIT_STATUS", UnitStatusSerializer, _unit_status),
}
NOUNS = {"NEW_DISPATCH": "DISPATCH", "CALL_911": "CALL"}


def _text(message: str, status: int) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def _first_error(detail) -> str:
    if isinstance(detail, dict):
        name, value = next(iter(detail.items()))
        return f"{name}: {_first_error(value)}"
    if isinstance(detail, list) and detail:
        return _first_error(detail[0])
    return str(detail)


def _authenticated(body):
    """The body (a dict) and its token, or the plain-text answer that refuses it."""
    key, community_id = body.get("key"), body.get("id")
    if not isinstance(key, str) or not key:
        return None, _text("INVALID API KEY", 401)
    token = token_authenticate(key.strip())
    if token is None or str(token.community_id) != str(community_id or "").strip():
        return None, _text("INVALID API KEY", 401)
    return token, None


def _body(request):
    """The body (a dict), or the plain-text answer that refuses it."""
    try:
        body = loads_strict(request.body or b"null")
    except UnstorableValue as exc:  # names the value: "metaData.k: NUL characters are not allowed."
        return None, _text(f"INVALID REQUEST BODY - {exc}", 400)
    except (ValueError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict):
        return None, _text("INVALID REQUEST BODY - EXPECTED JSON", 400)
    return body, None


def _request_type(body) -> str:
    value = body.get("type")
    return value.strip().upper() if isinstance(value, str) else ""


@csrf_exempt
@require_POST
def emergency(request, operation: str):
    op = OPERATIONS[operation]
    body, refusal = _body(request)
    if refusal is not None:
        return refusal
    token, refusal = _authenticated(body)
    if refusal is not None:
        return refusal
    if _request_type(body) != op.type:
        return _text(f"INVALID REQUEST TYPE - EXPECTED {op.type}", 400)
    data = body.get("data")
    if not isinstance(data, list) or not data or len(data) > MAX_ITEMS:
        return _text(f"INVALID DATA - EXPECTED AN ARRAY OF 1 TO {MAX_ITEMS} OBJECTS", 400)

    noun = NOUNS.get(op.type, "REQUEST")
    items = []
    for index, element in enumerate(data):
        serializer = op.serializer(data=element)
        if not serializer.is_valid():
            return _text(f"INVALID {noun} {index}: {_first_error(serializer.errors)}", 400)
        items.append(serializer.validated_data)
    try:
        with transaction.atomic():
            lines = op.run(token, ServicePrincipal(token), items)
    except Refused as exc:
        return _text(str(exc), 400)
    except DomainError as exc:  # 002 answers every refusal as one plain-text line (a unit off duty, a closed call)
        detail = exc.detail if isinstance(exc, Invalid) else [exc.message]
        return _text(f"INVALID {noun}: {_first_error(detail)}", 400)
    return _text("\n".join(lines), 200)


@csrf_exempt
@require_POST
def get_version(request):
    """Sonoran's `POST /general/get_version`: the plan level as plain text; the official resource calls it at
    start-up and stops there when it is refused."""
    body, refusal = _body(request)
    if refusal is not None:
        return refusal
    token, refusal = _authenticated(body)
    if refusal is not None:
        return refusal
    if _request_type(body) not in ("GET_VERSION", ""):
        return _text("INVALID REQUEST TYPE - EXPECTED GET_VERSION", 400)
    return _text(str(PLAN_LEVEL), 200)

